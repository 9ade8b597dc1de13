"""The evaluator: the development set's gov2008 cases, and agreement with the shared scorer."""
import json
import subprocess
import sys

import pytest

from zhreport.evaluate import evaluate, gold_span, prf

from .conftest import CORPORA, SHARED


def test_gov2008_dev_cases_meet_the_floor(dev_cases):
    result = evaluate([c for c in dev_cases if c["template"] == "gov2008"])
    g = result["per_template"]["gov2008"]
    assert g["form_f1"] >= 0.90, result["misses"][:20]
    assert g["fact_f1"] >= 0.90, result["misses"][:20]


def test_misses_and_false_hits_are_listed():
    case = {"id": "t1", "year": 2018, "template": "gov2008", "text": "受理行政复议案件2件，举办培训班3场。",
            "facts": [{"quote": "行政复议案件2件", "number": "2", "value": 2, "field": "admin_review.total"}],
            "form": {"admin_review.total": 2, "litigation.total": 0}}
    r = evaluate([case])
    kinds = sorted(m["kind"] for m in r["misses"])
    assert kinds == ["fact_false", "form_extra", "form_miss"]  # 3场 is extra; litigation not stated
    assert r["fact_r"] == 1.0 and r["fact_p"] == 0.5


def test_gold_span_rules():
    text = "一行 | 件 | 0 |\n（二）被依法纠错数 | 件 | 0 |\n（二）被依法纠错数 | 件 | 7 |"
    g = {"quote": "（二）被依法纠错数 | 件 | 7 |", "number": "7"}
    s, e = gold_span(text, g)
    assert text[s:e] == "7"
    g = {"quote": "（二）被依法纠错数 | 件 | 0 |", "number": "0", "occurrence": 1}
    s, e = gold_span(text, g)
    assert text[s:e] == "0" and s > text.index("（二）")
    assert prf(0, 0, 0) == (1.0, 1.0, 1.0)


def test_agrees_with_the_shared_scorer(dev_cases):
    scorer = SHARED / "tools" / "score.py"
    if not scorer.exists():
        pytest.skip("the shared scorer is not beside this checkout")
    import os

    env = dict(os.environ, PYTHONPATH=str(CORPORA.parent))
    out = subprocess.run([sys.executable, str(scorer), str(CORPORA / "dev" / "dev.jsonl")],
                         capture_output=True, text=True, env=env, check=True)
    theirs = json.loads(out.stdout.strip().splitlines()[-1])
    ours = evaluate(dev_cases)
    for key in ("form_p", "form_r", "form_f1", "fact_p", "fact_r", "fact_f1", "field_acc"):
        assert ours[key] == pytest.approx(theirs[key], abs=1e-4), key
    for t in ("gov2008", "gov2019", "gov2021"):
        assert ours["per_template"][t]["form_f1"] == pytest.approx(theirs[f"form_f1_{t}"], abs=1e-4)
