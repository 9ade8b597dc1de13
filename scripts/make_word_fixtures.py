"""Write the Word 97–2003 (.doc) fixtures of tests/test_word97.py: each report is written as .docx
(python-docx), turned into .doc by LibreOffice (`soffice --headless --convert-to doc`, which the
tests do not need), and its form is saved beside it as the expected values.

usage: python scripts/make_word_fixtures.py   (needs soffice on PATH)

- layout_matrix_gov2019.doc: the layout matrix's gov2019 tables (tests/table_layouts.py, seed 7), a wide
  table whose row properties are too long for their page (Word keeps them in the Data stream);
- merged_cells_gov2019.doc: a report with a real form's merged cells (a header over two rows, a group
  label down its outcome rows, a label across two columns) and narrative around the tables; it is also
  the Word report of the bundled corpus, as corpora/sample/word/linchuan_water_2020_gov2019.doc and .docx.
"""
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "tests" / "cases" / "word"
SAMPLE = ROOT / "corpora" / "sample" / "word" / "linchuan_water_2020_gov2019"


def matrix_report():
    from tests.table_layouts import docx_bytes, form_tables

    tables, expected = form_tables("gov2019", seed=7)
    return docx_bytes(tables), {k: str(v) for k, v in expected.items()}


def merged_report():
    import io

    import docx

    d = docx.Document()
    d.add_paragraph("临川区水利局2020年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    d.add_paragraph("2020年，我局围绕水利中心工作推进政务公开，通过区政府门户网站发布各类信息96条。")
    d.add_paragraph("二、主动公开政府信息情况")
    t = d.add_table(rows=3, cols=4)
    for r, vals in zip(t.rows, [("", "", "", ""), ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
                                ("规范性文件", "1", "1", "4")]):
        for c, v in zip(r.cells, vals):
            c.text = v
    t.cell(0, 0).merge(t.cell(0, 3)).text = "第二十条第（一）项"
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    rows = [  # (label of the first two columns, or a group and its row label), the seven applicant columns
        ("一、本年新收政府信息公开申请数量", "", ["5", "1", "", "", "", "", "6"]),
        ("二、上年结转政府信息公开申请数量", "", ["1", "", "", "", "", "", "1"]),
        ("三、本年度办理结果", "（一）予以公开", ["3", "1", "", "", "", "", "4"]),
        ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ["1", "", "", "", "", "", "1"]),
        ("", "（七）总计", ["4", "1", "", "", "", "", "5"]),
        ("四、结转下年度继续办理", "", ["2", "", "", "", "", "", "2"]),
    ]
    t = d.add_table(rows=3 + len(rows), cols=9)
    t.cell(0, 0).merge(t.cell(2, 1)).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    t.cell(0, 2).merge(t.cell(0, 8)).text = "申请人情况"
    t.cell(1, 2).merge(t.cell(2, 2)).text = "自然人"
    t.cell(1, 3).merge(t.cell(1, 7)).text = "法人或其他组织"
    t.cell(1, 8).merge(t.cell(2, 8)).text = "总计"
    for k, h in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]):
        t.cell(2, 3 + k).text = h
    for i, (group, label, vals) in enumerate(rows):
        r = 3 + i
        if not label:
            t.cell(r, 0).merge(t.cell(r, 1)).text = group
        else:
            if group:
                t.cell(r, 0).text = group
            t.cell(r, 1).text = label
        for k, v in enumerate(vals):
            t.cell(r, 2 + k).text = v
    t.cell(5, 0).merge(t.cell(7, 0))  # 三、本年度办理结果 down its outcome rows
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    d.add_paragraph("本年度本机关未发生政府信息公开行政复议、行政诉讼案件。")
    buf = io.BytesIO()
    d.save(buf)
    columns = ["natural_person", "legal_person.commercial", "legal_person.research", "legal_person.social_welfare",
               "legal_person.legal_service", "legal_person.other", "total"]
    ids = ["requests.received", "requests.carried_over", "requests.outcome.granted", "requests.outcome.partial",
           "requests.outcome.total", "requests.carried_forward"]
    expected = {f"{row}.{col}": v or "0" for row, (_g, _l, vals) in zip(ids, rows) for col, v in zip(columns, vals)}
    expected.update({"proactive.art20_1.normative_docs.new_made": "1",
                     "proactive.art20_1.normative_docs.new_published": "1",
                     "proactive.art20_1.normative_docs.total_published": "4",
                     "admin_review.total": "0", "litigation.total": "0"})
    return buf.getvalue(), expected


def main() -> None:
    if shutil.which("soffice") is None:
        sys.exit("make_word_fixtures: needs LibreOffice's soffice on PATH")
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in (("layout_matrix_gov2019", matrix_report), ("merged_cells_gov2019", merged_report)):
        data, expected = make()
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / f"{name}.docx"
            src.write_bytes(data)
            subprocess.run(["soffice", "--headless", "--convert-to", "doc", str(src), "--outdir", tmp],
                           check=True, capture_output=True, timeout=300)
            shutil.copy(Path(tmp) / f"{name}.doc", OUT / f"{name}.doc")
            if name == "merged_cells_gov2019":
                SAMPLE.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(Path(tmp) / f"{name}.doc", SAMPLE.with_suffix(".doc"))
                shutil.copy(src, SAMPLE.with_suffix(".docx"))
        (OUT / f"{name}.json").write_text(json.dumps({"template": "gov2019", "year": 2020, "form": expected},
                                                     ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT / name}.doc and .json ({len(expected)} form values)")


if __name__ == "__main__":
    main()
