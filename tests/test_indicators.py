"""What each number counts (zhreport.indicators) on the sentence set tests/cases/indicators.json."""
import json
from pathlib import Path

import pytest

from zhreport.indicators import is_structure_count, link_indicators
from zhreport.quantities import extract_quantities

CASES = json.loads((Path(__file__).parent / "cases" / "indicators.json").read_text(encoding="utf-8"))["cases"]


def quantity(text, number):
    for q in extract_quantities(text):
        if q.number_text == number or text[q.number_start:q.number_end] == number:
            return q
    return None


def counted(case):
    q = quantity(case["text"], case["number"])
    if q is None:
        return False
    inds = link_indicators(case["text"], q)
    return bool(inds) and any(all(w in i.text for w in case["expect"]) for i in inds) \
        and not is_structure_count(case["text"], q)


def test_set_size_and_classes():
    assert len(CASES) >= 60
    assert {"noun_after_number", "noun_before_number", "list", "parentheses", "percentage", "structure"} \
        <= {c["class"] for c in CASES}


def test_indicators_give_the_counted_thing():
    facts = [c for c in CASES if not c["structure"]]
    misses = [c["text"] for c in facts if not counted(c)]
    assert len(misses) / len(facts) <= 0.05, misses


@pytest.mark.parametrize("case", [c for c in CASES if c["structure"]], ids=lambda c: c["text"])
def test_structure_words_are_no_facts(case):
    q = quantity(case["text"], case["number"])
    assert q is None or is_structure_count(case["text"], q)


def test_share_names_its_numerator_not_the_verb():
    text = "办事指南2条，占5%。"
    q = quantity(text, "5")
    (ind,) = link_indicators(text, q)
    assert ind.text.startswith("办事指南") and ind.text != "占"


def test_list_is_not_cut_to_its_last_item():
    text = "教育、社会保障、农村、计生类信息10条。"
    (ind,) = link_indicators(text, quantity(text, "10"))
    assert ind.text == "教育、社会保障、农村、计生类信息"


def test_a_bracketed_list_of_kinds_belongs_to_the_clause():
    text = "依申请公开收取的费用（复制费、邮寄费等）为0元。"
    (ind,) = link_indicators(text, quantity(text, "0"))
    assert ind.text.startswith("依申请公开收取的费用")


def test_a_bracketed_list_that_is_no_list_of_kinds_ends_the_clause():
    text = "三类信息（教育、卫生）12条。"
    assert all("三类信息" not in i.text for i in link_indicators(text, quantity(text, "12")))


def test_a_value_each_of_two_joined_items_has_goes_to_both():
    text = "配备工作人员两名，其中专职和兼职人员各一名。"
    inds = link_indicators(text, quantity(text, "一"))
    assert [i.text for i in inds] == ["专职", "兼职人员"]
    assert all(text[i.start:i.end] == i.text for i in inds)


def test_the_noun_after_a_number_ends_before_the_next_count_joined_to_it():
    text = "本局明确了一名主管领导和三名专职工作人员。"
    (ind,) = link_indicators(text, quantity(text, "一"))
    assert "专职" not in ind.text and ind.text.endswith("主管领导")
    (ind,) = link_indicators(text, quantity(text, "三"))
    assert ind.text.endswith("和")  # the count's own noun follows it: the rules read it there


def test_a_value_both_joined_items_reach_together_stays_one():
    text = "回复率和满意率均达100%。"
    (ind,) = link_indicators(text, quantity(text, "100"))
    assert ind.text == "回复率和满意率"


def test_a_bare_sum_after_its_parts_is_named_by_its_word():
    text = "收到网上申请12件，信函3件，合计15件。"
    (ind,) = link_indicators(text, quantity(text, "15"))
    assert ind.text == "合计" and text[ind.start:ind.end] == "合计"


def test_trimming_reads_the_words_only_when_a_stop_word_may_open_or_close_the_clause(monkeypatch):
    """_trim skips segmentation when no lead word opens the clause and no trail word closes it
    (as strings): on clauses built of stop words, digits, spaces, quotes and other words, the
    result equals that of always reading the words."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from zhreport import indicators

    lead, trail, leads, trails = indicators._stopwords()
    pieces = sorted(lead | trail) + ["政府信息", "公开", "申请", "2019", "年", "月", " ", "“", "》", "（", "）",
                                     "行政复议", "案件", "达", "率", "12"]

    def always_segmenting(text, s, e):
        monkeypatch.setattr(indicators, "_stopwords", lambda: (lead, trail, ("",), trails))
        try:
            return indicators._trim(text, s, e)
        finally:
            monkeypatch.undo()

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(pieces), min_size=1, max_size=6), st.integers(0, 3))
    def check(parts, pad):
        text = "，" * pad + "".join(parts) + "。"
        assert indicators._trim(text, pad, len(text) - 1) == always_segmenting(text, pad, len(text) - 1)

    check()


def test_the_endings_that_spare_searches_and_words_change_no_indicator(dev_cases, monkeypatch):
    """A clause is searched for a shared value's words or a trailing verb, and segmented to find
    its last word among the verbs, only where it ends with one of those words; what follows a
    number is searched only where no clause end follows it at once: on every quantity of the
    development reports (both scripts), searching and segmenting every clause finds the same."""
    from zhreport import indicators
    from zhreport.normalize import normalize
    from zhreport.normalize.damage import to_traditional_chars

    texts = [normalize(t).text for c in dev_cases for t in (c["text"], to_traditional_chars(c["text"]))]
    quantities = [(t, q) for t in texts for q in extract_quantities(t)]
    assert len(quantities) > 500

    def found():
        return [[(i.text, i.start, i.end) for i in link_indicators(t, q)] for t, q in quantities]

    spared = found()
    every = ("",)  # every text ends with the empty string: every clause is searched and segmented
    monkeypatch.setattr(indicators, "_SHARED_ENDINGS", every)
    monkeypatch.setattr(indicators, "_TRAILING_VERBS", every)
    monkeypatch.setattr(indicators, "_verbs", lambda: every)
    monkeypatch.setattr(indicators, "_BOUNDARY", frozenset())  # the clause after every number searched
    assert found() == spared
    assert sum(len(s) > 1 for s in spared) >= 3  # shared values among them
