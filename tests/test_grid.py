"""The 2019/2021 forms: 2-D tables in every flattening, narrative mapping, checks, hostile HTML."""
import math
import time

import pytest

import zhreport
from zhreport.forms.detect import detect_template


def _case(dev_cases, cid):
    return next(c for c in dev_cases if c["id"] == cid)


def _cells_match(report, gold):
    form = {k: v.value for k, v in report.form.items()}
    return {k: (v, form.get(k)) for k, v in gold.items()
            if not k.startswith("meta.") and (k not in form or not math.isclose(float(form[k]), v))}


@pytest.mark.parametrize("cid,layout", [("d27", "one cell per line, header words split"),
                                        ("d28", "pipe rows, row-span labels on first row only"),
                                        ("d29", "flip-book review/litigation row"),
                                        ("d30", "HTML table with rowspan/colspan")])
def test_dev_tables_every_cell(dev_cases, cid, layout):
    c = _case(dev_cases, cid)
    r = zhreport.extract(c["text"], year=c["year"])
    assert _cells_match(r, c["form"]) == {}, layout
    assert r.checks == []  # consistent tables raise nothing


def test_tab_separated_application_table(dev_cases):
    c = _case(dev_cases, "d28")
    text = c["text"].replace(" | ", "\t")
    r = zhreport.extract(text, year=c["year"])
    assert _cells_match(r, c["form"]) == {}


APPLICATION_BLANKS = """三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况
自然人 | 法人或其他组织 | 总计
商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他
一、本年新收政府信息公开申请数量 | 5 | 1 | - | / | 无 | 0 | 6
二、上年结转政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1
三、本年度办理结果 | （一）予以公开 | 3 | 1 | 0 | 0 | 0 | 0 |
（二）部分公开（区分处理的，只计这一情形，不计其他情形） | 1 | 0 | 0 | 0 | 0 | 0 | 1
（七）总计 | 4 | 1 | 0 | 0 | 0 | 0 | 5
四、结转下年度继续办理 | 3 | 0 | 0 | 0 | 0 | 0 | 3
"""


def test_blank_symbols_and_imputed_total():
    r = zhreport.extract(APPLICATION_BLANKS, year=2020)
    f = r.form
    for fid in ("requests.received.legal_person.research", "requests.received.legal_person.social_welfare",
                "requests.received.legal_person.legal_service"):
        assert f[fid].value == 0 and "blank_cell" in f[fid].flags
    assert f["requests.outcome.granted.total"].value == 4 and f["requests.outcome.granted.total"].flags == ["imputed"]
    # 6 received + 1 carried over = 7, but 5 closed + 3 carried forward = 8: the 勾稽关系 fails, an error
    bal = [c for c in r.checks if c.rule == "balance" and "requests.received.total" in c.fields]
    assert len(bal) == 1 and bal[0].severity == "error"
    assert (bal[0].expected, bal[0].found) == (7, 8)
    assert "requests.received.total" in bal[0].message


ART20_2019 = """二、主动公开政府信息情况
第二十条第（一）项
信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量
规章 | 0 | 0 | 0
规范性文件 | 3 | 3 | 25
第二十条第（五）项
信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量
行政许可 | 45 | -3 | 1260
其他对外管理服务事项 | 2 | 0 | 15
第二十条第（六）项
信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量
行政处罚 | 120 | +5 | 86
行政强制 | 8 | 0 | 2
第二十条第（八）项
信息内容 | 上一年项目数量 | 本年增/减
行政事业性收费 | 3 | 0
第二十条第（九）项
信息内容 | 采购项目数量 | 采购总金额
政府集中采购 | 12 | 160.5964万元
"""


def test_article_20_tables_with_signed_values_and_money():
    f = {k: v.value for k, v in zhreport.extract(ART20_2019, year=2019).form.items()}
    assert f["proactive.art20_1.normative_docs.total_published"] == 25
    assert f["proactive.art20_5.licensing.change"] == -3
    assert f["proactive.art20_6.penalty.change"] == 5
    assert f["proactive.art20_5.other_services.decisions"] == 15
    assert f["proactive.art20_8.fees.change"] == 0
    assert float(f["proactive.art20_9.central_procurement.amount"]) == 160.5964


def test_2021_label_alias_for_normative_documents():
    text = ("二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数\n"
            "规章 | 0 | 0 | 2\n规范性文件 | 4 | 1 | 30\n第二十条第（五）项\n信息内容 | 本年处理决定数量\n"
            "行政许可 | 512\n第二十条第（六）项\n信息内容 | 本年处理决定数量\n行政处罚 | 77\n行政强制 | 3\n")
    f = {k: v.value for k, v in zhreport.extract(text, year=2022).form.items()}
    assert f["proactive.art20_1.normative_docs.in_force"] == 30
    assert f["proactive.art20_5.licensing.decisions"] == 512
    assert f["proactive.art20_6.coercion.decisions"] == 3


@pytest.mark.parametrize("text,expected", [
    ("2020年新收到政府信息公开申请4件，均为自然人提出。",
     {"requests.received.total": 4, "requests.received.natural_person": 4}),
    ("当年新收政府信息公开申请317件，另有上年结转3件。已办结307件：予以公开184件，部分公开18件，其他处理22件。"
     "另有13件结转下年度继续办理。",
     {"requests.received.total": 317, "requests.carried_over.total": 3, "requests.outcome.total.total": 307,
      "requests.outcome.granted.total": 184, "requests.outcome.partial.total": 18,
      "requests.outcome.other.total": 22, "requests.carried_forward.total": 13}),
    ("行政处罚事项上一年为72项，本年减少3项，全年作出行政处罚决定322件。",
     {"proactive.art20_6.penalty.prev_year_items": 72, "proactive.art20_6.penalty.change": -3,
      "proactive.art20_6.penalty.decisions": 322}),
    ("本年度镇政府集中采购项目2个，采购总金额70487元。",
     {"proactive.art20_9.central_procurement.projects": 2, "proactive.art20_9.central_procurement.amount": 7.0487}),
    ("被提起行政诉讼4件，均为未经复议直接起诉，其中结果维持2件、尚未审结2件。",
     {"litigation.total": 4, "litigation.direct.total": 4, "litigation.direct.upheld": 2,
      "litigation.direct.pending": 2}),
    ("本年度我镇未收到社会公众提出的政府信息公开申请。本年度未发生被申请行政复议和提起行政诉讼的情况。",
     {"requests.received.total": 0, "admin_review.total": 0, "litigation.total": 0}),
])
def test_narrative_patterns_2019(text, expected):
    f = {k: float(v.value) for k, v in zhreport.extract(text, year=2020).form.items()}
    assert f == expected


@pytest.mark.parametrize("text,expected", [
    ("全年以区政府名义制发行政规范性文件5件，废止行政规范性文件12件，截至年底现行有效的行政规范性文件8件。",
     {"proactive.art20_1.normative_docs.issued": 5, "proactive.art20_1.normative_docs.repealed": 12,
      "proactive.art20_1.normative_docs.in_force": 8}),
    ("本年度受理依申请公开办件69件，不予公开2件（涉及第三方合法权益、属于内部事务信息的各1件）；"
     "因本机关不掌握相关政府信息无法提供29件。",
     {"requests.received.total": 69, "requests.outcome.denied.total": 2,
      "requests.outcome.denied.third_party_rights.total": 1, "requests.outcome.denied.internal_affairs.total": 1,
      "requests.outcome.unable.not_held.total": 29}),
    ("新收政府信息公开申请317件。已办结307件：因本机关不掌握等原因无法提供57件。",  # the subtotal, not its first row
     {"requests.received.total": 317, "requests.outcome.total.total": 307, "requests.outcome.unable.total": 57}),
    ("本年度街道制发的政府信息共130件，经属性审查主动公开18件，其余112件因属于过程性信息不予公开。", {}),
    ("本年度公布规章9件（其中新制定3件、废止2件），另公布行政规范性文件27件。",
     {"proactive.art20_1.regulations.issued": 3, "proactive.art20_1.regulations.repealed": 2}),
])
def test_narrative_patterns_2021(text, expected):
    f = {k: float(v.value) for k, v in zhreport.extract(text, year=2022).form.items()}
    assert f == expected


def test_printed_labels_decide_the_template():
    old = "政府信息公开情况统计表\n（一）收到申请数 | 件 | 3\n（二）申请办结数 | 件 | 3\n四、行政复议数量 | 件 | 0\n"
    assert detect_template(old, 2018) == ("gov2008", None)
    for year in (2019, 2022):
        tpl, note = detect_template(old, year)
        assert tpl == "gov2008" and "gov2008" in note and str(year) in note
    r = zhreport.extract(old, year=2022)
    assert r.template == "gov2008" and r.form["requests.received.total"].value == 3
    assert [(c.rule, c.severity) for c in r.checks if c.rule == "template"] == [("template", "info")]
    # no table labels: the year decides, and nothing is said
    assert detect_template("本年度收到政府信息公开申请3件。", 2022) == ("gov2021", None)


def test_dev_floor_per_template(dev_cases):
    from zhreport.evaluate import evaluate

    res = evaluate(dev_cases)
    for t in ("gov2008", "gov2019", "gov2021"):
        assert res["per_template"][t]["form_f1"] >= 0.95, t
    assert res["fact_f1"] >= 0.95


# -------------------------------------------------------------- hostile HTML
def test_html_ten_thousand_rows():
    rows = "".join(f"<tr><td>（{i}）事项</td><td>{i}件</td></tr>" for i in range(10000))
    t0 = time.perf_counter()
    r = zhreport.extract(f"<html><body><table>{rows}</table></body></html>", year=2021)
    assert len(r.facts) == 10000
    assert time.perf_counter() - t0 < 60  # bounded: linear in the rows (timed in benchmarks, not here)


def test_html_huge_rowspan_is_not_expanded():
    page = ('<html><body><table><tr><td rowspan="1000000" colspan="1000000">三、本年度办理结果</td>'
            '<td>（一）予以公开</td><td>2</td></tr></table><p>收到政府信息公开申请3件</p></body></html>')
    r = zhreport.extract(page, year=2021)
    assert [f.text for f in r.facts] == ["3件"]


def test_html_script_and_entity_bomb():
    bomb = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            '<!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            '<html><body><script>var n = 99; fetch("http://127.0.0.1:9/x")</script>'
            '<p>&lol9;收到政府信息公开申请3件</p><img src="http://127.0.0.1:9/a.png"></body></html>')
    r = zhreport.extract(bomb, year=2021)
    assert [(f.text, int(f.value)) for f in r.facts] == [("3件", 3)]
    assert bomb[r.facts[0].start:r.facts[0].end] == "3件"
    assert "lollol" not in zhreport.normalize(bomb).text
