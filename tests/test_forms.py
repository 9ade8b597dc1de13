"""Form schemas and the 1-D gov2008 table in each flattening seen in real reports."""
import json
import math

import pytest

import zhreport
from zhreport.forms.detect import detect_issuer, detect_template, detect_year
from zhreport.forms.schema import load_template

from .conftest import SHARED


def _case(dev_cases, cid):
    return next(c for c in dev_cases if c["id"] == cid)


def _form_values(report):
    return {k: v.value for k, v in report.form.items() if not k.startswith("meta.")}


def _assert_form(report, gold_form):
    got = _form_values(report)
    wrong = {k: (v, got.get(k)) for k, v in gold_form.items()
             if not k.startswith("meta.") and (k not in got or not math.isclose(float(got[k]), v))}
    assert wrong == {}


def test_pipe_rows(dev_cases):  # 'label | unit | value |', like the seed
    c = _case(dev_cases, "d25")
    _assert_form(zhreport.extract(c["text"], year=c["year"]), c["form"])


def test_tab_rows_with_blank_and_dash_cells(dev_cases):
    c = _case(dev_cases, "d26")
    r = zhreport.extract(c["text"], year=c["year"])
    _assert_form(r, c["form"])
    for fid in c["empty_cells"]:
        assert "blank_cell" in r.form[fid].flags
    # the deliberate inconsistency is reported, as a soft sum
    assert any(c.rule == "sum" and "capacity.staff.total" in c.fields for c in r.checks)


def test_one_cell_per_line(dev_cases):
    c = _case(dev_cases, "d25")
    lines = []
    for line in c["text"].split("\n"):
        cells = [x.strip() for x in line.split("|") if x.strip()]
        lines.extend(cells if len(cells) > 1 else [line])
    text = "\n".join(lines)
    _assert_form(zhreport.extract(text, year=c["year"]), c["form"])


def test_garbled_labels_land_in_their_rows(seed_report):
    # '?。ㄒ唬┦盏缴暾垟?shù)' is '（一）收到申请数' after GBK misalignment
    fv = seed_report.form["requests.received.total"]
    assert fv.source == "both" and fv.value == 13
    cell = [f for f in seed_report.facts if f.source == "table" and f.field == "litigation.corrected"]
    assert len(cell) == 1 and cell[0].value == 7


def test_meta_fields(dev_cases):
    c = _case(dev_cases, "d25")
    r = zhreport.extract(c["text"], year=c["year"])
    assert r.form["meta.filing_unit"].value == "金乡县马庙镇人民政府"
    assert r.form["meta.fill_date"].value == "2019-01-15"
    assert r.issuer == "金乡县马庙镇人民政府"


@pytest.mark.parametrize("title,issuer", [
    ("会同县住房和城乡建设局2014年政府信息公开工作年度报告", "会同县住房和城乡建设局"),
    ("2016年绍兴市越城区东浦镇政府信息公开年报", "绍兴市越城区东浦镇"),
    ("威海市人力资源和社会保障局2016年政府信息公开年度报告（摘要）", "威海市人力资源和社会保障局"),
])
def test_issuer_from_title(title, issuer):
    assert detect_issuer(title + "\n正文。") == issuer


def test_year_and_template_detection(dev_cases):
    import re

    for c in dev_cases:
        if re.search(r"(?:19|20)\d{2}\s*年", c["text"]):
            assert detect_year(c["text"]) == c["year"], c["id"]
        else:  # the text names no year (d18): nothing to find, nothing invented
            assert detect_year(c["text"]) is None
    tpl, note = detect_template("收到申请数 申请办结数 行政复议数量", 2019)
    assert tpl == "gov2008" and "gov2008" in note
    assert detect_template("", 2021) == ("gov2021", None)


def test_schema_ids_match_the_spec():
    spec = SHARED / "spec" / "forms" / "forms.yaml"
    if not spec.exists():
        pytest.skip("the shared field catalogue is not beside this checkout")
    import yaml

    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    for t in data["templates"]:
        tpl = load_template(t["id"])
        assert [f["id"] for f in t["fields"]] == list(tpl.fields)
        assert len(tpl.constraints) == len(t.get("constraints", []))


def test_schema_json_is_generated_verbatim():
    from zhreport.resources import models_dir

    for tid in ("gov2008", "gov2019", "gov2021"):
        data = json.loads((models_dir() / "forms" / f"{tid}.json").read_text(encoding="utf-8"))
        assert data["id"] == tid and "generated" in data["source"]
        ids = [f["id"] for f in data["fields"]]
        assert all(i == i.strip() and " " not in i for i in ids)


LOCAL_2010 = """2010年度政府信息公开情况统计表
指标名称 | 计量单位 | 代码 | 本期实际 | 本年累计
主动公开信息数 | 条 | 1 | 35 | 412
其中：全文电子化的主动公开信息数 | 条 | 2 | 35 | 405
新增的行政规范性文件数 | 条 | 3 | 0 | 6
申请总数 | 条 | 4 | 1 | 9
当面申请数 | 条 | 5 | 0 | 3
电子邮件申请数 | 条 | 6 | 1 | 4
信函申请数 | 条 | 7 | 0 | 2
对申请的答复总数 | 条 | 8 | 1 | 9
同意公开答复数 | 条 | 9 | 1 | 7
同意部分公开答复数 | 条 | 10 | 0 | 1
否决公开答复总数 | 条 | 11 | 0 | 1
行政复议数 | 件 | 12 | 0 | 0
行政诉讼数 | 件 | 13 | 0 | 0
"""


def test_local_2008_2013_table_reads_the_year_column():
    """Shanghai-style local tables: the year's column (本年累计), not the row code or the month."""
    r = zhreport.extract(LOCAL_2010, year=2010)
    f = {k: int(v.value) for k, v in r.form.items() if not k.startswith("meta.")}
    assert f["proactive.items.total"] == 412
    assert f["proactive.normative_docs.issued"] == 6
    assert f["requests.received.total"] == 9
    assert f["requests.received.by_channel.in_person"] == 3
    assert f["requests.replied.total"] == 9
    assert f["requests.outcome.denied.total"] == 1
    assert f["admin_review.total"] == 0 and f["litigation.total"] == 0
    # rows the national form has no field for are kept as facts, with no field
    email = [x for x in r.facts if x.source == "table" and x.indicator and "电子邮件" in x.indicator]
    assert len(email) == 1 and email[0].field is None and email[0].value == 4


def test_issuer_of_an_html_page():
    page = ("<html><head><title>年报</title></head><body>\n\n<p>柞水县人民政府办公室2018年政府信息公开工作年度报告</p>\n"
            "<p>一、概述</p></body></html>")
    assert zhreport.extract(page).issuer == "柞水县人民政府办公室"


def test_label_similarities_come_in_the_same_order_in_every_process():
    """A printed label's similarities to the form's rows come in form order, not in the order of
    its bigram set (which PYTHONHASHSEED changes per process): the alignment breaks ties by it."""
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    code = ("import sys\nfrom zhreport.forms.tables import _index\n"
            "labels = sys.stdin.read().split()\n"
            "for tid in ('gov2008', 'gov2019', 'gov2021'):\n"
            "    for key in labels:\n"
            "        print(tid, key, list(_index(tid).similarities(key).items()))\n")
    # labels not printed by any form (their similarities are computed, not read from the index)
    labels = "\n".join(["依申请公开情况", "收到申请数量", "行政复议结果维持", "政府信息公开申请办理结果",
                        "主动公开规范性文件", "不予公开国家秘密", "申请人数量", "当面申请数量"])
    outs = []
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
        outs.append(subprocess.run([sys.executable, "-c", code], input=labels, env=env, capture_output=True,
                                   text=True, check=True, timeout=120).stdout)
    assert outs[0].count("), (") > 20 and outs[0] == outs[1] == outs[2]
