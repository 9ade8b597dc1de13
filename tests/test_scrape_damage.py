"""Scrape damage of real mirror pages (tests/cases/scrape_damage.jsonl) and its repair."""
import json
from functools import lru_cache
from pathlib import Path

import pytest

from zhreport.normalize import apply_repairs, normalize
from zhreport.normalize.damage import farm_damage
from zhreport.normalize.mojibake import damage_text, find_runs, repair_mojibake

CASES = [json.loads(l) for l in (Path(__file__).parent / "cases" / "scrape_damage.jsonl")
         .read_text(encoding="utf-8").splitlines() if l.strip()]
OTHER = [c for c in CASES if "mojibake" not in c["kind"]]
MOJIBAKE = [(n, c) for n, c in enumerate(CASES) if "mojibake" in c["kind"]]


@pytest.mark.parametrize("case", OTHER, ids=[f"{i}-{c['kind']}" for i, c in enumerate(OTHER)])
def test_damage_other_than_mojibake_is_repaired_exactly(case):
    n = normalize(case["input"])
    assert apply_repairs(case["input"], [r for r in n.repairs if r.kind != "mojibake"]) == case["expected"]


def _tune():
    """scripts/tune_mojibake.py: how the figures of the issue note are measured."""
    import sys

    from .conftest import ROOT

    sys.path.insert(0, str(ROOT / "scripts"))
    import tune_mojibake

    return tune_mojibake


# Cases of the file left unrepaired (reported, not guessed), and why; each is expected
# to fail until the repair improves, when its entry must go.
KNOWN_UNREPAIRED = {
    24: "the runner-up '(二)嘆' is within the margin of the right '(二)圍繞'",
    37: "the search prefers '實行' to '實效' at the end of the run",
    40: "two runs in a row ('確???!'): the search prefers '保快' and '見行'",
    41: "a lost '。' before '“十三五”': the search finds '十五', not '十三五'",
    56: "the runner-up '(二)主要做法律' is within the margin",
    58: "the runner-up '(四)下一步工作打死' is within the margin",
    59: "the runner-up '(一)深化特點' is within the margin of the right '(一)深化重點'",
    67: "the search prefers '(三)枝推進' to '(三)著力推進'",
    80: "the search prefers '考核公式公' to '考核公平公正'",
    82: "the character model prefers '薄冰了' to '薄彼'",
}


@lru_cache(maxsize=1)
def _case_results():
    """Per mojibake case: (restored exactly, restorations applied), with the tune script's scorer."""
    tune = _tune()
    out = {}
    for n, c in MOJIBAKE:
        item = (c["input"], c["expected"], tune.M.run_candidates(c["input"]))
        exact, applied, _applied_exact = tune.cases_score([item], tune.WEIGHTS)
        out[n] = (bool(exact), applied)
    return out


@pytest.mark.parametrize("n", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_UNREPAIRED[n]))
                               if n in KNOWN_UNREPAIRED else n for n, _c in MOJIBAKE])
def test_mojibake_case_restored_exactly(n):
    assert _case_results()[n][0]


def test_mojibake_repairs_applied_to_the_cases_are_all_exact():
    """A wrong restoration is worse than none: every case with an applied one is exact."""
    results = _case_results()
    assert sum(applied for _exact, applied in results.values()) >= 70
    assert all(exact for exact, applied in results.values() if applied)


def test_mojibake_repair_on_unseen_damage():
    """Other text than the weights were tuned on (the synthetic reports, not the dev narratives
    nor the form labels) and another generator seed: measured 81 of 100 lines exact, no
    restoration applied to a line that did not come out exact."""
    from .conftest import ROOT

    tune = _tune()
    texts = tune.gold_texts(ROOT / "corpora" / "gold" / "synthetic.jsonl", variant="clean")
    lines = tune.synthetic_lines(texts, 100, seed=2027, label_docs=0)
    items = [(dl, cl, tune.M.run_candidates(dl)) for dl, cl in lines]
    exact, applied, applied_exact, _runs = tune.evaluate(items, tune.WEIGHTS)
    assert len(items) == 100
    assert exact >= 78 and applied_exact == applied


@pytest.mark.xfail(strict=True, reason="a '。' lost before a character whose trail byte is ASCII ('。縣' -> "
                                       "'??h(xiàn)'): the restoration is found and ranked first, but a "
                                       "character ending in A3 ('海縣', '常縣') stays within the margin")
def test_mojibake_lost_sentence_end_before_an_annotated_character():
    page = "全年信息公開工作有序開展。縣(xiàn)政務服務中心設立了查閱點。"
    damaged = damage_text(page)
    assert "??h(xiàn)" in damaged
    runs = repair_mojibake(damaged)
    assert [r.after for r in runs] == ["。縣"]


@pytest.mark.xfail(strict=True, reason="a lost lead byte before a trail A3 is read as '。' (A1 A3), the likeliest "
                                       "character ending in A3; '保' (B1 A3) is pruned by the search, and the "
                                       "runner-up differs only later in the run, so the margin does not weigh "
                                       "the lost character (dev lines of generator seeds 13, 23 and 99 meet it)")
def test_mojibake_no_wrong_restoration_of_a_character_lost_before_a_closing_quote():
    page = "本年度圍繞“六穩”“六保”和疫情防控工作，及時發布疫情動態。"
    damaged = damage_text(page)
    assert "“六?!" in damaged
    applied = [r.after for r in repair_mojibake(damaged) if r.after is not None]
    assert all(after in page for after in applied)


def test_mojibake_search_leaves_the_garbage_collector_as_it_was():
    """The search pauses the cyclic collector while a page is searched, and restores its state:
    enabled stays enabled, disabled (by the caller) stays disabled."""
    import gc

    damaged = damage_text("本年度信息公開工作運轉正常。\n二、主動公開情況")
    was_enabled = gc.isenabled()
    try:
        for enabled in (True, False):
            gc.enable() if enabled else gc.disable()
            assert any(r.after for r in repair_mojibake(damaged))
            assert gc.isenabled() is enabled
    finally:
        gc.enable() if was_enabled else gc.disable()


def test_mojibake_character_before_a_kept_full_stop():
    """'常。' = B3 A3 A1 A3: the mirror cuts before A3 A1 and before A1 A3, leaving a piece of
    the one byte A3: '??。'. The character alone is the restoration; the '。' stays."""
    page = "本年度信息公開工作運轉正常。\n二、主動公開情況"
    damaged = damage_text(page)
    assert "正??。" in damaged
    runs = repair_mojibake(damaged)
    assert [r.after for r in runs if r.after is not None] == ["常"]


_CANDIDATES_OF_RUNS = """
import json, sys
from zhreport.normalize.mojibake import run_candidates
for line in sys.stdin:
    for _start, cands in run_candidates(json.loads(line)):
        for c in cands:
            print(c.restored, repr(c.bigram), repr(c.words))
"""


def test_mojibake_candidates_do_not_depend_on_string_hashing():
    """Equal weights are ordered the same in every process (PYTHONHASHSEED varies per process)."""
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    # two damaged lines whose candidates include equal weights (found by running all the cases
    # under several hash seeds before the order was fixed)
    lines = "".join(json.dumps(MOJIBAKE[k][1]["input"]) + "\n" for k in (37, 79))
    outs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
        outs.append(subprocess.run([sys.executable, "-c", _CANDIDATES_OF_RUNS], input=lines, env=env,
                                   capture_output=True, text=True, check=True, timeout=120).stdout)
    assert outs[0].count("\n") > 20 and outs[0] == outs[1]


def test_the_shared_pair_scores_stay_bounded(monkeypatch):
    """A long batch of damaged pages does not grow the process-wide pair scores without end,
    and starting them afresh changes no repair."""
    from zhreport.normalize import lm

    damaged = MOJIBAKE[0][1]["input"]
    before = [(r.after, r.runner_up) for r in repair_mojibake(damaged)]
    monkeypatch.setattr(lm, "_SHARED_STEPS_MAX", 50)
    lm._SHARED_STEPS.clear()
    after = [(r.after, r.runner_up) for r in repair_mojibake(damaged)]
    assert after == before
    assert all(len(pairs) <= 50 for pairs in lm._SHARED_STEPS.values())


def test_forward_model_reproduces_a_damaged_row():
    # '　（二）通過' cut inside A1[A1 A3]A8 gives the seed's row label
    assert damage_text("\u3000（二）通過不同渠道") == "?。ǘ┩ㄟ^不同渠道"
    assert damage_text("確保縣政府網站") == "確??h政府網站"


def test_seed_repaired_by_default_equals_the_expected_text(seed_text):
    """All 15 damaged spots restored, all pinyin removed: the artifacts' perfect repair."""
    from zhreport.normalize.convert import to_simplified

    n = normalize(seed_text)
    runs = [r for r in n.repairs if r.kind == "mojibake"]
    assert len(runs) == 15 and all(r.applied for r in runs)
    assert all(seed_text[r.start] == "?" for r in runs)
    expected = (Path(__file__).parent / "cases" / "seed_expected_repaired.txt").read_text(encoding="utf-8")
    # the one conflict of the spec: this file keeps "2018年11底", the cases file expects
    # "2018年11月底" for the same phrase (a lost 月); zhreport follows the cases file
    assert expected.count("2018年11底") == 1
    expected = expected.replace("2018年11底", "2018年11月底")
    assert n.text.split("\n") == to_simplified(expected).split("\n")


def test_report_mode_lists_runs_without_searching(seed_text):
    n = normalize(seed_text, mojibake="report")
    runs = [r for r in n.repairs if r.kind == "mojibake"]
    assert len(runs) == 15 and not any(r.applied for r in runs)


def test_clean_text_has_no_runs(dev_cases):
    for c in dev_cases:
        assert find_runs(c["text"]) == []


def test_damaged_dev_texts_lose_no_form_value(dev_cases):
    """The dev set damaged by the project's own generator gives the same gov2008 form."""
    import zhreport

    for c in dev_cases:
        if c["template"] != "gov2008":
            continue
        clean = {k: v.value for k, v in zhreport.extract(c["text"], year=c["year"]).form.items()}
        damaged = {k: v.value for k, v in zhreport.extract(farm_damage(c["text"]), year=c["year"]).form.items()}
        assert damaged == clean, c["id"]


def test_damaged_dev_lines_come_back(dev_cases):
    """The project's damage generator on the dev texts, then normalisation: >= 95% of lines as they were."""
    from zhreport.normalize.damage import to_traditional_chars
    from zhreport.normalize.mojibake import fold

    total = same = 0
    for c in dev_cases:
        if c.get("table_type") == "html":
            continue
        damaged = farm_damage(c["text"])
        repaired = apply_repairs(damaged, normalize(damaged).repairs)
        expected = [fold(x).strip() for x in to_traditional_chars(c["text"]).split("\n")]
        for got, exp in zip(repaired.split("\n"), expected):
            total += 1
            same += got.strip() == exp
    assert same / total >= 0.95  # measured: 643 of 649


def test_mojibake_run_resumed_from_an_earlier_run_of_the_page_finds_what_it_finds_alone():
    """Runs that open alike (a form's rows) share the search of their common start (search.py
    _Prefix): the later run's candidates must be those of a search of its own."""
    from zhreport.normalize.lm import CharLM
    from zhreport.normalize.mojibake.search import Layers, run_candidates, search

    page = damage_text("二、主動公開情況\n\u3000（二）通過不同渠道和方式公開\n"
                       "\u3000（二）通過不同渠道發布信息\n\u3000（二）申請辦結數\n")
    starts = find_runs(page)
    assert len(starts) == 3
    lm = CharLM(page)
    prefixes: dict = {}
    shared = [search(page, i, lm, Layers(lm), prefixes) for i in starts]
    own = [{} for _ in starts]
    alone = [search(page, i, lm, Layers(lm), memo) for i, memo in zip(starts, own)]
    assert len(prefixes) < sum(map(len, own))  # the later runs resumed: fewer searches kept
    assert [[(c.end, c.restored, c.bigram) for c in cs] for cs in shared] == \
           [[(c.end, c.restored, c.bigram) for c in cs] for cs in alone]
    # the page's runs searched side by side (run_candidates, which sets the model's script):
    # each waits for the steps it shares with another
    lm = CharLM(page)
    side_by_side = [cs for _i, cs in run_candidates(page, lm)]
    alone = [search(page, i, lm, Layers(lm), {}) for i in starts]
    assert [[(c.end, c.restored, c.bigram) for c in cs] for cs in side_by_side] == \
           [[(c.end, c.restored, c.bigram) for c in cs] for cs in alone]


def test_mojibake_search_on_a_page_holding_lone_surrogates():
    """A str may hold lone surrogates; the search reads the page's code points at once (UTF-32,
    which cannot hold them without surrogatepass) and raised UnicodeEncodeError."""
    damaged = damage_text("本年度信息公開工作運轉正常。\n二、主動公開情況") + "\udfce附件\ud800"
    runs = repair_mojibake(damaged)
    assert any(r.after for r in runs)
