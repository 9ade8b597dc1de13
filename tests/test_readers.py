"""PDF and Word reports with their statistics table, made by the tests themselves."""
import pytest

from zhreport.errors import ReadError
from zhreport.readers import SkipFile, read_document

ROWS = [["统计指标", "单位", "统计数"], ["（一）收到申请数", "件", "13"], ["1.当面申请数", "件", "1"],
        ["2.传真申请数", "件", "0"], ["3.网络申请数", "件", "4"], ["4.信函申请数", "件", "8"],
        ["四、行政复议数量", "件", "2"], ["五、行政诉讼数量", "件", "0"]]


def test_pdf_report_with_table(tmp_path):
    pytest.importorskip("pdfplumber")
    pytest.importorskip("reportlab")
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10)
    table = Table(ROWS)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    path = tmp_path / "report.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build([
        Paragraph("某县2018年政府信息公开工作年度报告", style),
        Paragraph("全年共收到政府信息公开申请13件，受理行政复议案件2件。", style), table])
    doc = read_document(path)
    assert "（一）收到申请数 | 件 | 13" in doc.text
    from zhreport.pipeline import extract_text

    r = extract_text(doc.text, source=str(path), sha256=doc.sha256, encoding=doc.encoding)
    f = {k: int(v.value) for k, v in r.form.items()}
    assert f["requests.received.total"] == 13 and f["requests.received.by_channel.letter"] == 8
    assert f["admin_review.total"] == 2 and r.form["admin_review.total"].source == "both"


def test_docx_report_with_table(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("某县2018年政府信息公开工作年度报告")
    d.add_paragraph("全年共收到政府信息公开申请13件，受理行政复议案件2件。")
    t = d.add_table(rows=len(ROWS), cols=3)
    for i, row in enumerate(ROWS):
        for j, v in enumerate(row):
            t.cell(i, j).text = v
    path = tmp_path / "report.docx"
    d.save(str(path))
    doc = read_document(path)
    from zhreport.pipeline import extract_text

    r = extract_text(doc.text, source=str(path), sha256=doc.sha256, encoding=doc.encoding)
    f = {k: int(v.value) for k, v in r.form.items()}
    assert f["requests.received.by_channel.online"] == 4 and f["litigation.total"] == 0


def test_html_page_reader(tmp_path):
    page = tmp_path / "r.shtml"
    page.write_bytes("<html><body><p>2018年，受理行政复议案件2件。</p></body></html>".encode("gb18030"))
    doc = read_document(page)
    assert doc.encoding == "gb18030" and "<p>" in doc.text


def test_broken_and_unsupported(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_text("not a pdf", encoding="utf-8")
    with pytest.raises(ReadError, match="not a PDF"):
        read_document(bad)
    x = tmp_path / "table.xlsx"
    x.write_bytes(b"PK")
    with pytest.raises(SkipFile, match="unsupported file type"):
        read_document(x)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(ReadError, match="over the limit"):
        read_document(big, max_bytes=1024)
