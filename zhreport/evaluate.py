"""Score extraction against a gold file (the gold contract of DESIGN.md).

The matching rules are those of the project's independent scorer: a predicted fact
matches a gold fact when its span contains the gold number's span and the values
are equal; form values are compared as (field, value) pairs, leaving out meta.*
and derived fields. ``evaluate`` returns a metrics dict; the CLI prints it.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from .forms.schema import load_template

__all__ = ["evaluate", "load_gold", "gold_span", "prf"]


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return str(a).strip() == str(b).strip()
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    except (TypeError, ValueError):
        return False


def gold_span(text: str, g: dict) -> Optional[list[int]]:
    """[start, end) of the gold number: given, or found inside the quote."""
    if g.get("span"):
        return list(g["span"])
    q, n = g.get("quote", ""), g.get("number", "")
    at, k = -1, g.get("occurrence", 1)
    for _ in range(k):
        at = text.find(q, at + 1)
    if at < 0 or not n or n not in q:
        return None
    tail = q.rstrip(" |\t")
    s = at + (q.rindex(n) if tail.endswith(n) else q.index(n))
    return [s, s + len(n)]


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def gold_files(path: str | Path) -> list[Path]:
    """A gold file, or every *.jsonl file of a folder (sorted): the development set is a folder."""
    p = Path(path)
    if p.is_dir():
        files = sorted(p.glob("*.jsonl"))
        if not files:
            raise ValueError(f"{path}: a folder with no .jsonl gold file")
        return files
    return [p]


def gold_sha256(path: str | Path) -> str:
    """One hash of the gold a score was measured on (every file's name and bytes)."""
    h = hashlib.sha256()
    for f in gold_files(path):
        h.update(f.name.encode("utf-8") + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def load_gold(path: str | Path) -> list[dict]:
    """Cases of a gold JSONL file (or of every one in a folder); ValueError names the file,
    the line and what is wrong."""
    cases = []
    for f in gold_files(path):
        cases.extend(_load_gold_file(f))
    return cases


def _load_gold_file(path: Path) -> list[dict]:
    cases = []
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a UTF-8 JSON-lines gold file") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{path}:{n}: not a JSON object ({exc})") from None
        if not isinstance(case, dict) or not isinstance(case.get("text"), str):
            raise ValueError(f"{path}:{n}: a gold case needs a 'text' string (see the gold contract)")
        if not isinstance(case.get("form", {}), dict) or not isinstance(case.get("facts", []), list):
            raise ValueError(f"{path}:{n}: 'form' must be an object and 'facts' a list")
        cases.append(case)
    return cases


_GATED = ("form_p", "form_r", "form_f1", "fact_p", "fact_r", "fact_f1")


def baseline_of(result: dict, gold: str | Path) -> dict:
    """The floors a later run must reach: every measured score, and the gold they were measured on."""
    floors = {m: result[m] for m in _GATED if result.get(m) is not None}
    for tid, r in sorted(result["per_template"].items()):
        floors.update({f"{tid}:{m}": r[m] for m in _GATED if r.get(m) is not None})
    return {"gold": str(gold), "gold_sha256": gold_sha256(gold), "floors": floors}


def regressions(result: dict, baseline: dict, gold: str | Path) -> list[str]:
    """What falls below the baseline's floors; a gold that changed since is itself a failure."""
    bad = []
    want = baseline.get("gold_sha256")
    if want and want != gold_sha256(gold):
        bad.append(f"the gold {gold} is not the one the baseline was measured on "
                   f"(re-measure: zhreport evaluate {gold} --write-baseline BASELINE)")
    for key, floor in baseline.get("floors", {}).items():
        scope, _, metric = key.rpartition(":")
        got = result["per_template"].get(scope, {}).get(metric) if scope else result.get(metric)
        if got is None or got + 1e-9 < float(floor):
            bad.append(f"{key} = {got} < {floor}")
    return bad


@dataclass
class _Tally:
    tp: int = 0
    pred: int = 0
    gold: int = 0
    ftp: int = 0
    fpred: int = 0
    fgold: int = 0
    field_ok: int = 0
    field_n: int = 0


def _derived(template: str) -> set[str]:
    try:
        return {f.id for f in load_template(template).fields.values() if f.kind == "derived"}
    except ValueError:
        return set()


def evaluate(cases: Iterable[dict], extract_fn: Optional[Callable] = None,
             transform: Optional[Callable[[str], str]] = None) -> dict:
    """Fact P/R/F1, field accuracy and form P/R/F1, overall and per template.

    Raises ValueError when there is no case; a metric with nothing to score is None.

    `transform` damages or converts each text first (facts are then not scored,
    since gold spans refer to the clean text).
    """
    if extract_fn is None:
        from .pipeline import extract as extract_fn  # noqa: PLW0127
    total = _Tally()
    per: dict[str, _Tally] = {}
    per_variant: dict[str, _Tally] = {}
    misses: list[dict] = []
    n_cases = 0
    for c in cases:
        n_cases += 1
        tid = c.get("template") or "none"
        tally = per.setdefault(tid, _Tally())
        vtally = per_variant.setdefault(c.get("variant", "clean"), _Tally())
        text = c["text"] if transform is None else transform(c["text"])
        rep = extract_fn(text, year=c.get("year"))
        d = rep.to_dict() if hasattr(rep, "to_dict") else rep
        facts = d.get("facts", [])
        form = {k: (v.get("value") if isinstance(v, dict) else v) for k, v in d.get("form", {}).items()}
        if transform is None and c.get("grid_check") != "cells" and c.get("variant", "clean") != "damaged":
            used: set[int] = set()
            for g in c.get("facts", []):
                sp = gold_span(c["text"], g)
                if sp is None:
                    continue
                hit = next((i for i, f in enumerate(facts) if i not in used and f["start"] <= sp[0]
                            and sp[1] <= f["end"] and _close(f.get("value"), g["value"])), None)
                if hit is None:
                    misses.append({"case": c.get("id"), "kind": "fact_miss", "quote": g.get("quote"),
                                   "value": g.get("value"), "field": g.get("field")})
                    continue
                used.add(hit)
                for t in (total, tally):
                    t.ftp += 1
                if g.get("field"):
                    ok = facts[hit].get("field") == g["field"]
                    for t in (total, tally):
                        t.field_n += 1
                        t.field_ok += ok
                    if not ok:
                        misses.append({"case": c.get("id"), "kind": "fact_field", "quote": g.get("quote"),
                                       "gold": g["field"], "got": facts[hit].get("field")})
            for i, f in enumerate(facts):
                if i not in used:
                    misses.append({"case": c.get("id"), "kind": "fact_false", "text": f["text"],
                                   "start": f["start"], "value": f.get("value"), "field": f.get("field")})
            for t in (total, tally):
                t.fpred += len(facts)
                t.fgold += len(c.get("facts", []))
        skip = _derived(tid)
        gold_form = {k: v for k, v in c.get("form", {}).items() if k not in skip and not k.startswith("meta.")}
        pred_form = {k: v for k, v in form.items() if k not in skip and not k.startswith("meta.")}
        tp = 0
        for k, v in gold_form.items():
            if k in pred_form and _close(pred_form[k], v):
                tp += 1
            else:
                misses.append({"case": c.get("id"), "kind": "form_miss", "field": k, "gold": v,
                               "got": pred_form.get(k)})
        for k, v in pred_form.items():
            if k not in gold_form:
                misses.append({"case": c.get("id"), "kind": "form_extra", "field": k, "got": v})
        for t in (total, tally, vtally):
            t.tp += tp
            t.pred += len(pred_form)
            t.gold += len(gold_form)

    if n_cases == 0:
        raise ValueError("no gold cases to score")

    def block(t: _Tally, with_facts: bool) -> dict:
        # a metric with nothing to score is None (null), never a perfect 1.0 or a 0.0
        out: dict[str, Any] = {}
        out["form_p"], out["form_r"], out["form_f1"] = prf(t.tp, t.pred, t.gold) if t.pred or t.gold else (None,) * 3
        if with_facts:
            out["fact_p"], out["fact_r"], out["fact_f1"] = \
                prf(t.ftp, t.fpred, t.fgold) if t.fpred or t.fgold else (None,) * 3
            out["field_acc"] = t.field_ok / t.field_n if t.field_n else None
        return {k: (None if v is None else round(v, 4)) for k, v in out.items()}

    result = {"cases": n_cases, **block(total, transform is None)}
    result["per_template"] = {tid: block(t, transform is None) for tid, t in sorted(per.items())}
    if len(per_variant) > 1 or "clean" not in per_variant:
        result["per_variant"] = {v: block(t, False) for v, t in sorted(per_variant.items())}
    result["misses"] = misses
    return result
