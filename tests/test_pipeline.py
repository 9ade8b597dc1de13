"""End to end on real text: the raw seed report (acceptance of the foundation issue)."""
import math

from hypothesis import given, settings
from hypothesis import strategies as st

import zhreport
from zhreport.evaluate import gold_span


def _num(v):
    return float(v)


def test_seed_template_year_issuer(seed_report):
    assert seed_report.template == "gov2008"
    assert seed_report.year == 2018
    assert seed_report.script == "hant"
    assert seed_report.issuer == "柞水县人民政府办公室"


def test_seed_form_has_every_gold_field(seed_report, seed_gold):
    form = {k: v.value for k, v in seed_report.form.items()}
    assert len(seed_gold["form"]) == 58
    wrong = {k: (v, form.get(k)) for k, v in seed_gold["form"].items()
             if k not in form or not math.isclose(_num(form[k]), v)}
    assert wrong == {}


def test_seed_blank_cells_are_zero_and_flagged(seed_report):
    fv = seed_report.form["requests.outcome.denied.state_secret.total"]
    assert fv.value == 0 and "blank_cell" in fv.flags
    fv = seed_report.form["proactive.channels.wechat"]  # printed '-'
    assert fv.value == 0 and "blank_cell" in fv.flags


def _match(facts, text, g):
    s, e = gold_span(text, g)
    return [f for f in facts if f.start <= s and e <= f.end and math.isclose(_num(f.value), g["value"])]


def test_seed_every_gold_fact_found_with_its_field(seed_report, seed_text, seed_gold):
    missing, wrong_field = [], []
    for g in seed_gold["facts"]:
        hits = _match(seed_report.facts, seed_text, g)
        if not hits:
            missing.append(g["quote"])
        elif g["field"] and not any(f.field == g["field"] for f in hits):
            wrong_field.append((g["quote"], g["field"], [f.field for f in hits]))
    assert missing == []
    assert wrong_field == []
    mapped = [g for g in seed_gold["facts"] if g["source"] == "narrative" and g["field"]]
    assert len(mapped) == 14


def test_seed_expected_checks_and_no_others_on_consistent_fields(seed_report, seed_gold):
    got = [(c.rule, set(c.fields)) for c in seed_report.checks]
    for exp in seed_gold["expected_checks"]:
        assert any(rule == exp["rule"] and set(exp["fields"]) <= fields for rule, fields in got), exp
    flagged = {f for c in seed_report.checks for f in c.fields}
    assert flagged.isdisjoint(seed_gold["consistent"])


def test_seed_facts_point_into_the_original(seed_report, seed_text):
    for f in seed_report.facts:
        assert seed_text[f.start:f.end] == f.text
        if f.indicator_span:
            s, e = f.indicator_span
            assert 0 <= s <= e <= len(seed_text)


def test_narrative_field_depends_on_context():
    text = ("2018年，受理行政复议案件2件，被依法纠错1件；"
            "办理行政诉讼应诉案件9件，依法纠错7件。")
    r = zhreport.extract(text)
    by_value = {int(f.value): f.field for f in r.facts}
    assert by_value == {2: "admin_review.total", 1: "admin_review.corrected",
                        9: "litigation.total", 7: "litigation.corrected"}


def test_zero_in_words_and_implied_values():
    text = ("2016年，全年共收到政府信息公开申请两件，均为当面提交，均已在法定期限内办结。"
            "全年未发生因政府信息公开引起的行政复议和行政诉讼。未收取任何费用。")
    form = {k: int(v.value) for k, v in zhreport.extract(text).form.items()}
    assert form == {"requests.received.total": 2, "requests.received.by_channel.in_person": 2,
                    "requests.closed.total": 2, "requests.closed.on_time": 2,
                    "admin_review.total": 0, "litigation.total": 0, "fees.request_fees": 0}


def test_cumulative_count_is_not_the_year_total():
    text = "截至年底累计主动公开政府信息3210条，本年度新增主动公开政府信息845条。"
    form = {k: int(v.value) for k, v in zhreport.extract(text, year=2016).form.items()}
    assert form == {"proactive.items.total": 845}


def test_money_goes_to_wanyuan():
    r = zhreport.extract("2017年，政府信息公开专项经费8000元。")
    from decimal import Decimal

    assert r.form["capacity.budget"].value == Decimal("0.8")
    assert r.to_dict()["form"]["capacity.budget"]["value"] == 0.8


def test_to_dict_is_plain_json(seed_report):
    import json

    d = seed_report.to_dict()
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    assert set(d) == {"zhreport", "source", "sha256", "encoding", "script", "year", "template",
                      "issuer", "issuer_level", "region", "repairs", "facts", "form", "checks"}
    for fv in d["form"].values():
        for i in fv["facts"]:
            assert d["facts"][i]["field"] is not None


def test_extract_reads_paths_and_bytes(tmp_path, seed_text):
    p = tmp_path / "report.txt"
    p.write_bytes(seed_text.encode("gb18030", errors="replace"))
    r1 = zhreport.extract(p)
    r2 = zhreport.extract_file(str(p))
    assert r1.encoding == "gb18030" and r1.source == str(p)
    assert r1.to_dict()["form"] == r2.to_dict()["form"]
    assert zhreport.extract(p.read_bytes()).sha256 == r1.sha256


# -------------------------------------------------------------- never raises, spans always hold
@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_extract_never_raises_on_arbitrary_text(text):
    r = zhreport.extract(text, year=2018)
    for f in r.facts:
        assert text[f.start:f.end] == f.text


def _mutations(seed):
    lines = seed.split("\n")
    return st.lists(st.tuples(st.integers(0, len(lines) - 1), st.integers(0, 200),
                              st.sampled_from(["", "|", "\t", "\n", " ", "(shù)", "１", "?。", "－", "万", "余", "件"])),
                    min_size=1, max_size=12).map(lambda muts: _apply(lines, muts))


def _apply(lines, muts):
    out = list(lines)
    for i, pos, ins in muts:
        line = out[i]
        p = min(pos, len(line))
        out[i] = line[:p] + ins + line[p + (1 if ins == "" else 0):]
    return "\n".join(out)


def test_extract_never_raises_on_mutated_report(seed_text):
    @settings(max_examples=40, deadline=None)
    @given(_mutations(seed_text))
    def check(text):
        r = zhreport.extract(text)
        for f in r.facts:
            assert text[f.start:f.end] == f.text
        r.to_dict()
    check()


def test_table_spans_are_the_lines_of_each_rows_label_and_value(dev_cases):
    """The tables' spans (found a row at a time, the last line found reused for the next row) are
    the merged lines from each cell's label to its value, as found line by line for every cell."""
    from zhreport import pipeline
    from zhreport.forms.schema import load_template
    from zhreport.forms.table_text import scan
    from zhreport.forms.tables import read_cells
    from zhreport.normalize import normalize

    def line_of(text, pos):
        return text.rfind("\n", 0, pos) + 1, (text.find("\n", pos) + 1 or len(text) + 1) - 1

    checked = 0
    for c in dev_cases:
        text = normalize(c["text"]).text
        tables = scan(text)
        tid, _notes = pipeline._template(text, pipeline.detect_year(text), None, tables)
        cells = read_cells(tables, load_template(tid)) if tid else []
        lines = sorted((line_of(text, min(x.label_span[0], x.start))[0], line_of(text, max(x.label_span[1], x.end))[1])
                       for x in cells)
        merged = []
        for s, e in lines:
            if merged and s <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        assert pipeline._table_spans(text, cells) == merged
        checked += len(cells)
    assert checked > 200
