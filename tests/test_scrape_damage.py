"""Scrape damage of real mirror pages (tests/cases/scrape_damage.jsonl) and its repair."""
import json
from pathlib import Path

import pytest

from zhreport.normalize import apply_repairs, normalize
from zhreport.normalize.damage import farm_damage
from zhreport.normalize.mojibake import damage_text, find_runs

CASES = [json.loads(l) for l in (Path(__file__).parent / "cases" / "scrape_damage.jsonl")
         .read_text(encoding="utf-8").splitlines() if l.strip()]
OTHER = [c for c in CASES if "mojibake" not in c["kind"]]
MOJIBAKE = [c for c in CASES if "mojibake" in c["kind"]]


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


def test_mojibake_repair_target():
    """Each case on its own, no page around it (measured: 70 of 80 exact, and all 70 applied
    restorations exact; the other runs are left as they are and reported)."""
    tune = _tune()
    items = tune.cases_items(Path(__file__).parent / "cases" / "scrape_damage.jsonl")
    exact, applied, applied_exact = tune.cases_score(items, tune.WEIGHTS)
    assert len(items) == len(MOJIBAKE)
    assert exact / len(items) >= 0.85 and applied_exact / max(1, applied) >= 0.97


def test_mojibake_repair_on_damage_never_tuned_on():
    """Lines damaged by the project's own generator (dev narratives and the forms' row labels
    as indented table rows, a random pinyin set per document): measured 142 of 150 exact,
    no applied restoration wrong (scripts/tune_mojibake.py prints these figures)."""
    from .conftest import ROOT

    tune = _tune()
    lines = tune.synthetic_lines(ROOT / "corpora" / "dev" / "dev.jsonl", 150, seed=7)
    items = [(dl, cl, tune.M.run_candidates(dl)) for dl, cl in lines]
    exact, applied, applied_exact, _runs = tune.evaluate(items, tune.WEIGHTS)
    assert exact / len(items) >= 0.90 and applied_exact / applied >= 0.97


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
