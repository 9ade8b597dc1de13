"""The layout matrix: each form, random values (zeros, signed changes, decimals, blanks),
printed in every layout real pages show -> every cell right, no cell wrong."""
import re
import zlib
from decimal import Decimal

import pytest

import zhreport
from zhreport.readers import read_document

from .table_layouts import FILE_LAYOUTS, TEXT_LAYOUTS, form_tables, lines

TEMPLATES = {"gov2008": 2017, "gov2019": 2020, "gov2021": 2023}


def _compare(report, expected: dict) -> list:
    wrong = []
    for fid, want in expected.items():
        got = report.form.get(fid)
        if got is None or not isinstance(got.value, Decimal) or got.value != want:
            wrong.append((fid, want, None if got is None else got.value))
    return wrong


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("layout", TEXT_LAYOUTS)
def test_every_cell_in_every_layout(template, layout):
    tables, expected = form_tables(template, seed=zlib.crc32(f"{template}{layout}".encode()))
    text = f"{TEMPLATES[template]}年政府信息公开工作年度报告\n" + TEXT_LAYOUTS[layout](tables)
    report = zhreport.extract(text, year=TEMPLATES[template])
    assert report.template == template
    wrong = _compare(report, expected)
    assert not wrong, f"{layout}/{template}: {len(wrong)} of {len(expected)} cells wrong or missing: {wrong[:8]}"
    # no cell is invented: every table value the report gives is a printed cell
    invented = [f for f, v in report.form.items() if v.source == "table" and f not in expected
                and not f.startswith("meta.")]
    assert not invented, invented


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("layout", FILE_LAYOUTS)
def test_every_cell_in_files(template, layout, tmp_path):
    tables, expected = form_tables(template, seed=7)
    make, suffix = FILE_LAYOUTS[layout]
    path = tmp_path / f"report{suffix}"
    path.write_bytes(make(tables))
    doc = read_document(path)
    report = zhreport.extract(f"{TEMPLATES[template]}年政府信息公开工作年度报告\n" + doc.text, year=TEMPLATES[template])
    wrong = _compare(report, expected)
    assert not wrong, f"{layout}/{template}: {len(wrong)} of {len(expected)} cells wrong or missing: {wrong[:8]}"


@pytest.mark.parametrize("template,year", [("gov2019", 2023), ("gov2019", 2021), ("gov2021", 2021),
                                           ("gov2008", 2019), ("gov2021", 2024)])
def test_printed_labels_decide_the_template_whatever_the_year(template, year):
    """Offices kept an old form for a year or two: the labels decide, the note says so."""
    from .table_layouts import pipe

    tables, expected = form_tables(template, seed=year)
    report = zhreport.extract(f"{year}年政府信息公开工作年度报告\n" + pipe(tables))
    assert report.year == year and report.template == template
    assert not _compare(report, expected)
    notes = [(c.severity, c.message) for c in report.checks if c.rule == "template"]
    if template == zhreport.forms.detect.template_for_year(year):
        assert notes == []
    else:
        assert len(notes) == 1 and notes[0][0] == "info" and template in notes[0][1]


def test_money_cell_keeps_its_number_and_the_field_gets_wanyuan():
    text = ("2023年政府信息公开工作年度报告\n第二十条第（一）项\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数\n"
            "规章 | 0 | 0 | 3\n行政规范性文件 | 2 | 1 | 17\n第二十条第（八）项\n信息内容 | 本年收费金额（单位：万元）\n"
            "行政事业性收费 | 152790元\n")
    r = zhreport.extract(text)
    fact = next(f for f in r.facts if f.field == "proactive.art20_8.fees.amount")
    assert (fact.text, fact.value, fact.unit) == ("152790元", Decimal(152790), "元")
    assert r.form["proactive.art20_8.fees.amount"].value == Decimal("15.279")
    # the unit header is no fact
    assert not [f for f in r.facts if "单位" in text[max(0, f.start - 3):f.end]]


def test_blank_bar_cells_do_not_shift_a_row():
    """'56 |' then a lone '|': the blank is a cell, the row keeps its columns, no false check."""
    lines = ["三、收到和处理政府信息公开申请情况", "自然人 |", "商业企业 |", "科研机构 |", "社会公益组织 |", "法律服务机构 |",
             "其他 |", "总计 |", "一、本年新收政府信息公开申请数量 |", "56 |", "|", "|", "|", "2 |", "|", "58 |", "||",
             "二、上年结转政府信息公开申请数量 |", "3 |", "|", "|", "|", "|", "|", "3 |", "||",
             "（七）总计 |", "59 |", "|", "|", "|", "2 |", "|", "61 |", "||"]
    r = zhreport.extract("2022年度报告\n" + "\n".join(lines) + "\n全年新收政府信息公开申请58件。")
    f = {k: v.value for k, v in r.form.items()}
    assert f["requests.received.natural_person"] == 56 and f["requests.received.legal_person.commercial"] == 0
    assert f["requests.received.legal_person.legal_service"] == 2 and f["requests.received.total"] == 58
    assert "blank_cell" in r.form["requests.received.legal_person.commercial"].flags
    assert not [c for c in r.checks if c.rule == "text_vs_table"]


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("layout", ["aligned_spaces", "pdf_text_layer", "pipe", "tab", "html"])
def test_line_ends_and_stray_whitespace_change_no_cell(template, layout):
    """Windows line ends, and a stray form feed after the spaces that close a line (PDF text
    layers), are no cells: the same facts and form as the page with plain line ends, and the
    facts point into the original."""
    tables, _expected = form_tables(template, seed=zlib.crc32(f"{template}{layout}ends".encode()))
    text = f"{TEMPLATES[template]}年政府信息公开工作年度报告\n" + TEXT_LAYOUTS[layout](tables)

    def summary(report):
        return ([(f.value, f.unit, f.field, f.indicator) for f in report.facts],
                {k: (v.value, v.flags) for k, v in report.form.items()})

    plain = summary(zhreport.extract(text, year=TEMPLATES[template]))
    assert len(plain[1]) > 20
    variants = {"crlf": text.replace("\n", "\r\n"), "cr": text.replace("\n", "\r")}
    if layout != "html":
        variants["form feed"] = "\n".join(line + "  \x0c" for line in text.split("\n"))
    for name, original in variants.items():
        report = zhreport.extract(original, year=TEMPLATES[template])
        assert summary(report) == plain, (layout, template, name)
        assert all(original[f.start:f.end] == f.text for f in report.facts)


def test_an_html_row_keeps_a_bar_for_each_empty_cell_it_ends_with():
    """Empty cells at a row's end are cells: their bars stay on the row's line (so a reader can see the
    value column left blank), on the page's last row too; empty cells that open a row keep theirs."""
    from zhreport.normalize import normalize

    page = ("<html><body><table><tr><td>网络申请数</td><td>件</td><td></td></tr>"
            "<tr><td>信函申请数</td><td></td><td></td></tr><tr><td></td><td>来信</td><td>4</td></tr>"
            "<tr><td>传真申请数</td><td>件</td><td></td></tr></table></body></html>")
    lines = [line for line in normalize(page).text.split("\n") if line]
    assert lines == ["网络申请数 | 件 |", "信函申请数 |  |", " | 来信 | 4", "传真申请数 | 件 |"]


def test_a_blank_last_cell_of_an_html_row_is_read_as_zero():
    rows = "".join(f"<tr><td>{label}</td><td>件</td><td>{value}</td></tr>"
                   for label, value in (("1.当面申请数", "2"), ("2.传真申请数", "0"), ("3.网络申请数", ""),
                                        ("4.信函申请数", "3")))
    page = ("<html><body><p>2017年政府信息公开工作年度报告</p><table><tr><td>三、依申请公开情况</td><td>——</td><td></td></tr>"
            f"<tr><td>（一）收到申请数</td><td>件</td><td>5</td></tr>{rows}</table></body></html>")
    report = zhreport.extract(page, year=2017)
    assert report.form["requests.received.by_channel.in_person"].value == 2
    online = report.form.get("requests.received.by_channel.online")
    assert online is not None and online.value == 0


# Pages that stop after two rows of a block (fresh pages of 2020 and 2022, G1 audit): the first block of
# section 二 alone, or the first two application rows, one cell a line with a lone bar line before each row.
CUT_AFTER_TWO_ROWS = {
    "art20_1_pipe_rows_2020": (2020, "二、主动公开政府信息情况\n第二十条第(一)项 | |||\n"
                                     "信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |\n"
                                     "规章 | 0 | 0 | 0 |\n规范性文件 | 3 | 3 | 17 |\n其余各项见附表。\n",
                               {"proactive.art20_1.regulations.new_made": 0, "proactive.art20_1.regulations.total_published": 0,
                                "proactive.art20_1.normative_docs.new_made": 3, "proactive.art20_1.normative_docs.new_published": 3,
                                "proactive.art20_1.normative_docs.total_published": 17}),
    "application_rows_bar_lines_2022": (2022, "三、收到和处理政府信息公开申请情况\n|\n申请人情况 | |||||\n|\n自然人 |\n法人或其他组织 |\n"
                                              "总计 | ||||\n|\n商业 企业 |\n科研 机构 |\n社会公益组织 |\n法律服务机构 |\n其他 | ||||\n"
                                              "|\n一、本年新收政府信息公开申请数量 |\n11 |\n2 |\n0 |\n0 |\n1 |\n0 |\n14 | ||||\n"
                                              "|\n二、上年结转政府信息公开申请数量 |\n1 |\n0 |\n0 |\n0 |\n0 |\n0 |\n1 | ||||\n其余各行见附件。\n",
                                        {"requests.received.natural_person": 11, "requests.received.legal_person.commercial": 2,
                                         "requests.received.legal_person.legal_service": 1, "requests.received.total": 14,
                                         "requests.carried_over.natural_person": 1, "requests.carried_over.total": 1}),
}


@pytest.mark.parametrize("name", sorted(CUT_AFTER_TWO_ROWS))
def test_two_whole_rows_of_a_block_are_a_table(name):
    year, text, want = CUT_AFTER_TWO_ROWS[name]
    report = zhreport.extract(text, year=year)
    assert {k: report.form[k].value if k in report.form else None for k in want} == want


@pytest.mark.parametrize("header", ["信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |",
                                    "信息内容 | 本年新 | 本年新 | 对外公开总数量 | |"])
def test_one_whole_row_under_a_header_naming_its_columns_is_a_table(header):
    """A page cut after a block's first row: its header names each column (in full, or cut short as
    '本年新' twice), so the row is read; the cut second row keeps the values it printed."""
    text = (f"二、主动公开政府信息情况\n第二十条第(一)项 | |||\n{header}\n规章 | 0 | 2 | 2 | |\n"
            "规范性文件 | 1 | 1")
    form = zhreport.extract(text, year=2020).form
    got = {k.rsplit(".", 2)[-2] + "." + k.rsplit(".", 1)[-1]: form[k].value for k in form if "art20_1" in k}
    assert got == {"regulations.new_made": 0, "regulations.new_published": 2, "regulations.total_published": 2,
                   "normative_docs.new_made": 1, "normative_docs.new_published": 1}


def test_one_whole_row_without_a_header_is_no_table():
    form = zhreport.extract("二、主动公开政府信息情况\n规章 | 0 | 2 | 2 |\n其余各项见附表。\n", year=2020).form
    assert not [k for k in form if "art20_1" in k]


def test_two_rows_of_one_value_each_are_no_table():
    # two label-and-number lines are no table: a row must print its block's three values or more
    report = zhreport.extract("2022年工作情况\n行政许可 | 5 |\n行政处罚 | 3 |\n", year=2022)
    assert not [f for f in report.facts if f.source == "table"]


# a 2022 page that prints the 2019 form's 第二十条 blocks with the 2021 form's one column (处理决定数量):
# the header decides the column, not the form's column order; a column only the other form has is none
HEADER_NAMES_ONE_COLUMN = """二、主动公开政府信息情况
第二十条第(一)项 | |||
信息内容 | 本年新 制作数量 | 本年新 公开数量 | 对外公开总数量 |
规章 | 0 | 0 | 0 |
规范性文件 | 2 | 2 | 9 |
第二十条第(五)项 | |||
信息内容 | 处理决定数量 | ||
行政许可 | 58 | ||
其他对外管理服务事项 | 7 | ||
第二十条第(六)项 | |||
信息内容 | 处理决定数量 | ||
行政处罚 | 4 | ||
行政强制 | 0 | ||
第二十条第(八)项 | |||
信息内容 | 本年收费金额(单位:万元) | ||
行政事业性收费 | 3.5 | ||
"""


@pytest.mark.parametrize("bars", [" | ||", " |", ""])
def test_a_header_naming_one_column_puts_the_values_there(bars):
    text = HEADER_NAMES_ONE_COLUMN.replace(" | ||\n", bars + "\n")
    report = zhreport.extract(text, year=2022)
    got = {k: v.value for k, v in report.form.items() if k.startswith("proactive.art20_")}
    assert got == {
        "proactive.art20_1.regulations.new_made": 0, "proactive.art20_1.regulations.new_published": 0,
        "proactive.art20_1.regulations.total_published": 0, "proactive.art20_1.normative_docs.new_made": 2,
        "proactive.art20_1.normative_docs.new_published": 2, "proactive.art20_1.normative_docs.total_published": 9,
        "proactive.art20_5.licensing.decisions": 58, "proactive.art20_5.other_services.decisions": 7,
        "proactive.art20_6.penalty.decisions": 4, "proactive.art20_6.coercion.decisions": 0}
    # the 2019 form's fee row counts items: the 2021 form's amount printed under it fills neither column
    assert [(f.value, f.field) for f in report.facts if f.text == "3.5"] == [(3.5, None)]


# a number with a doubled sign ('--253' for −253, a 2019 bureau's page) holds its column and fills no field:
# it is no blank cell (0), and the cells after it keep their columns
@pytest.mark.parametrize("cell", ["--253", "－－253", "++4"])
def test_an_unreadable_cell_is_no_blank(cell):
    text = ("第二十条第(五)项 |\n信息内容 |\n上一年项目数量 |\n本年增/减 |\n处理决定数量 |\n"
            "行政许可 |\n16 |\n+3 |\n780 |\n"
            "第二十条第(六)项 |\n信息内容 |\n上一年项目数量 |\n本年增/减 |\n处理决定数量 |\n"
            f"行政处罚 |\n253 |\n{cell} |\n7 |\n行政强制 |\n4 |\n0 |\n2 |\n")
    report = zhreport.extract(text, year=2020)
    got = {k: v.value for k, v in report.form.items() if k.startswith("proactive.art20_6")}
    assert report.form["proactive.art20_5.licensing.change"].value == 3
    assert got == {"proactive.art20_6.penalty.prev_year_items": 253, "proactive.art20_6.penalty.decisions": 7,
                   "proactive.art20_6.coercion.prev_year_items": 4, "proactive.art20_6.coercion.change": 0,
                   "proactive.art20_6.coercion.decisions": 2}


def test_a_row_of_empty_cells_under_a_header_cut_short_is_read_as_blank():
    """A header that names only some of the form's columns ('本年增/' cut from '本年增/减') gives a row's
    printed values to the named columns; a row with no value printed at all is still read as the form
    prints it: its cells blank, so 0."""
    tables, _truth = form_tables("gov2019", 3, blanks=True)
    text = lines(tables).replace("本年增/减", "本年增/")
    text = re.sub(r"其他对外管理服务事项\n[^\n]*\n[^\n]*\n[^\n]*\n", "其他对外管理服务事项\n \n \n \n", text)
    form = zhreport.extract("某局2020年政府信息公开工作年度报告\n" + text, year=2020).form
    for col in ("prev_year_items", "change", "decisions"):
        fv = form[f"proactive.art20_5.other_services.{col}"]
        assert (fv.value, fv.flags) == (0, ["blank_cell"])


def test_headings_over_lines_of_spaces_are_no_blank_rows():
    """A narrative page whose paragraphs stand apart by lines of spaces and lost their full stops: the
    headings over those lines look like rows of empty cells, one sentence ends in a bare number; none
    of it is a table, so no field is filled with a blank cell's 0."""
    gap = "\n    \n"
    text = gap.join(["某县统计局2011年政府信息公开年度报告", "一、概述", "二、主动公开政府信息情况",
                     "2011年,在县政府门户网站主动公开政府信息12条,全文电子化率达100%",
                     "三、依申请公开政府信息情况", "本局共受理政府信息公开申请0", "四、咨询处理情况",
                     "共接受群众咨询3人次。"])
    form = zhreport.extract(text).form
    assert not [fid for fid, fv in form.items() if fv.source == "table"]


@pytest.mark.parametrize("word", ["未增未减", "无增减"])
def test_a_change_cell_that_says_zero_in_words_is_zero(word):
    """'本年增/减' printed as 未增未减: the cell is 0 (not a blank), and the cell after it keeps its column."""
    text = ("某县交通运输局2020年政府信息公开工作年度报告\n第二十条第（五）项 |\n信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |\n"
            f"行政许可 | 14 | {word} | 326 |\n其他对外管理服务事项 | 3 | {word} | 0 |\n"
            f"第二十条第（六）项 |\n信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |\n行政处罚 | 21 | {word} | 57 |\n")
    form = zhreport.extract(text, year=2020).form
    got = {fid: (form[fid].value, form[fid].flags) for fid in ("proactive.art20_5.licensing.change",
                                                              "proactive.art20_5.licensing.decisions",
                                                              "proactive.art20_6.penalty.change",
                                                              "proactive.art20_6.penalty.decisions")}
    assert got == {"proactive.art20_5.licensing.change": (0, []), "proactive.art20_5.licensing.decisions": (326, []),
                   "proactive.art20_6.penalty.change": (0, []), "proactive.art20_6.penalty.decisions": (57, [])}


def test_a_header_cut_short_names_its_column_so_blank_cells_keep_their_places():
    """'本年增/' (本年增/减 cut short) still names the change column: a row that prints its first value and two
    blank cells (lines of spaces, one cell a paragraph) gives the blanks their columns, as 0."""
    cells = ["第二十条第（五）项", "信息内容", "上一年项目数量", "本年增/", "处理决定数量",
             "行政许可", " 96", " ", " ", "其他对外管理服务事项", " 12", " ", " 4",
             "第二十条第（六）项", "信息内容", "上一年项目数量", "本年增/", "处理决定数量", "行政处罚", " ", " ", " "]
    form = zhreport.extract("某镇2020年政府信息公开工作年度报告\n" + "\n\n".join(cells) + "\n", year=2020).form
    got = {fid.rsplit(".", 2)[-2] + "." + fid.rsplit(".", 1)[-1]: (form[fid].value, form[fid].flags)
           for fid in form if fid.startswith(("proactive.art20_5", "proactive.art20_6.penalty"))}
    blank = (0, ["blank_cell"])
    assert got == {"licensing.prev_year_items": (96, []), "licensing.change": blank, "licensing.decisions": blank,
                   "other_services.prev_year_items": (12, []), "other_services.change": blank,
                   "other_services.decisions": (4, []),
                   "penalty.prev_year_items": blank, "penalty.change": blank, "penalty.decisions": blank}


def test_a_leading_bar_is_an_empty_cell_where_bars_end_the_cells():
    """Cells that end with a bar ('25 |'), a blank cell a lone '|': a line '| 25 |' is a blank cell and
    then 25, so the total keeps its column (read as the edge of the table, the blank was lost and the
    total went to the column before it)."""
    rows = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况 |",
            "自然人 | 法人或其他组织 | 总计 |", "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |",
            "一、本年新收政府信息公开申请数量 | 18 |", "|", "|", "|", "|", "| 18 |",
            "二、上年结转政府信息公开申请数量 |", "|", "|", "|", "|", "|", "| 2 |",
            "三、本年度办理结果 | （一）予以公开 | 9 |", "3 |", "|", "|", "|", "| 12 |"]
    text = "某区2020年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" + "\n".join(rows) + "\n"
    form = zhreport.extract(text, year=2020).form
    got = {k[len("requests."):]: form[k].value for k in form
           if k.startswith("requests.") and k.endswith(("natural_person", "commercial", "other", "total"))}
    assert got == {"received.natural_person": 18, "received.legal_person.commercial": 0,
                   "received.legal_person.other": 0, "received.total": 18,
                   "carried_over.natural_person": 0, "carried_over.legal_person.commercial": 0,
                   "carried_over.legal_person.other": 0, "carried_over.total": 2,
                   "outcome.granted.natural_person": 9, "outcome.granted.legal_person.commercial": 3,
                   "outcome.granted.legal_person.other": 0, "outcome.granted.total": 12}


def test_normative_documents_written_with_taiwan_phrases_are_their_row():
    """A mirror converted the page with Taiwan phrases: 規範性文件 came out as 規範性檔案."""
    cells = ["  第二十條第(一)項", "  信息內容", "本年新製作數量", "本年新公開數量", "對外公開總數量",
             "  規章", "0", "0", "0", "  規範性檔案", "3", "2", "57"]
    form = zhreport.extract("某區2020年政府信息公開工作年度報告\n" + "\n".join(cells) + "\n", year=2020).form
    assert {k.rsplit(".", 1)[-1]: form[k].value for k in form if "normative_docs" in k} == \
        {"new_made": 3, "new_published": 2, "total_published": 57}


def test_an_amount_cell_with_its_own_money_unit_in_a_space_separated_row():
    """Rows apart by single spaces ('行政许可 66 +126 192'): the procurement row's amount carries 万元 in its
    cell ('政府集中采购 14 523.15万元'); the row is read, its amount in 万元."""
    text = ("某局2020年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第(五)项\n"
            "信息内容 上一年项目数量 本年增/减 处理决定数量\n行政许可 31 +4 88\n其他对外管理服务事项 6 0 2\n"
            "第二十条第(九)项\n信息内容 采购项目数量 采购总金额\n政府集中采购 9 87.6万元\n")
    form = zhreport.extract(text, year=2020).form
    assert (form["proactive.art20_9.central_procurement.projects"].value,
            form["proactive.art20_9.central_procurement.amount"].value) == (9, Decimal("87.6"))


def test_a_row_whose_blank_cells_were_dropped_places_only_its_total():
    """One cell a paragraph, the blank cells dropped by the scrape: '一、本年新收…' then 1 and 1 is one
    request and its total (not natural persons 1 and companies 1); a lone value is the total; values whose
    last is not the sum of the others have no place at all."""
    cells = ["三、收到和处理政府信息公开申请情况", "申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构",
             "社会公益组织", "法律服务机构", "其他", "一、本年新收政府信息公开申请数量", "1", "1",
             "二、上年结转政府信息公开申请数量", "0", "三、本年度办理结果", "（一）予以公开", "2", "3",
             "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "0"]
    closing = ["四、结转下年度继续办理", "0", "0", "0", "0", "0", "0", "0"]
    form = zhreport.extract("某局2020年政府信息公开工作年度报告\n\n" + "\n\n".join(cells + closing) + "\n",
                            year=2020).form
    got = {k[len("requests."):]: form[k].value for k in form
           if k.startswith("requests.") and not k.startswith("requests.carried_forward")}
    assert got == {"received.total": 1, "carried_over.total": 0, "outcome.partial.total": 0}
    # the text's last row may be cut by the page's end (a page beginning): its cells keep their places
    form = zhreport.extract("某局2020年政府信息公开工作年度报告\n\n" + "\n\n".join(cells) + "\n", year=2020).form
    assert form["requests.outcome.partial.natural_person"].value == 0
