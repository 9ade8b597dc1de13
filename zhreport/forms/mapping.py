"""Narrative claims -> form fields, by the rules of ``models/forms/narrative_<template>.yaml``.

Context decides the field: "依法纠错7件" after "行政诉讼" in the same paragraph is
``litigation.corrected``; after "行政复议" it is ``admin_review.corrected``.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Optional

import regex

from ..resources import load_yaml, model_path
from ..errors import DataError

__all__ = ["NarrativeRules", "load_rules", "Claim"]

_SENTENCE_END = "。；;！!？?\n"
_CLAUSE_END = "，,。；;！!？?\n、：:（(）)"


@dataclass
class Claim:
    """A field value stated in words (zero or implied), with the span that states it."""

    field: str
    value: Decimal
    start: int
    end: int
    kind: str  # zero | implied


@dataclass
class _Rule:
    field: str
    ind: "regex.Pattern"
    ctx: Optional["regex.Pattern"]
    none: Optional["regex.Pattern"]
    none_ctx: Optional["regex.Pattern"]
    topic: dict
    units: Optional[frozenset]
    after: Optional["regex.Pattern"] = None
    sign: Optional["regex.Pattern"] = None
    money: bool = False


@dataclass
class FieldMatch:
    field: str
    sign: int = 1
    money: bool = False


def _compile(p: Optional[str]):
    return regex.compile(p) if p else None


class NarrativeRules:
    def __init__(self, data: dict, fields: Optional[set] = None):
        keep = (lambda f: True) if fields is None else (lambda f: f in fields)
        self.topics = {g: {k: regex.compile(v) for k, v in vals.items()}
                       for g, vals in (data.get("topics") or {}).items()}
        self.rules = [
            _Rule(field=r["field"], ind=regex.compile(r["ind"]), ctx=_compile(r.get("ctx")),
                  none=_compile(r.get("none")), none_ctx=_compile(r.get("none_ctx")),
                  topic=dict(r.get("topic") or {}), units=frozenset(r["unit"]) if r.get("unit") else None,
                  after=_compile(r.get("after")), sign=_compile(r.get("sign")), money=bool(r.get("money")))
            for r in data.get("rules") or [] if keep(r["field"])]
        self.zeros = [(regex.compile(z["pattern"]), [f for f in z["fields"] if keep(f)])
                      for z in data.get("zeros") or []]
        self.implied = [(regex.compile(i["pattern"]), i["field"], i["from"], _compile(i.get("only_if")))
                        for i in data.get("implied") or [] if keep(i["field"])]

    # -------------------------------------------------------------- numeric facts
    def topic_at(self, text: str, pos: int, group: str) -> Optional[str]:
        """Which topic of `group` was named last (by where its name ends) before pos in its paragraph."""
        ls = text.rfind("\n", 0, pos) + 1
        best, best_pos = None, -1
        for name, pat in self.topics.get(group, {}).items():
            for m in pat.finditer(text, ls, pos):
                if m.end() > best_pos:
                    best, best_pos = name, m.end()
        return best

    def field_for(self, text: str, indicator: str, number_start: int, number_end: int,
                  unit: Optional[str], quantity_end: Optional[int] = None) -> Optional[FieldMatch]:
        ss = text.rfind("\n", 0, number_start) + 1  # the paragraph up to the number's clause
        qe = quantity_end if quantity_end is not None else number_end
        ce = qe
        while ce < len(text) and text[ce] not in _CLAUSE_END:
            ce += 1
        ctx = text[ss:ce]
        after = text[qe:ce]
        topic_cache: dict = {}
        for r in self.rules:
            if r.units is not None and unit not in r.units:
                continue
            if not r.ind.search(indicator):
                continue
            if r.none is not None and r.none.search(indicator):
                continue
            if r.ctx is not None and not r.ctx.search(ctx):
                continue
            if r.none_ctx is not None and r.none_ctx.search(ctx):
                continue
            if r.after is not None and not r.after.search(after):
                continue
            ok = True
            for group, want in r.topic.items():
                if group not in topic_cache:
                    topic_cache[group] = self.topic_at(text, number_start, group)
                if topic_cache[group] != want:
                    ok = False
                    break
            if not ok:
                continue
            sign = -1 if r.sign is not None and r.sign.search(indicator) else 1
            return FieldMatch(r.field, sign, r.money)
        return None

    # -------------------------------------------------------------- statements in words
    def zero_claims(self, text: str) -> list[Claim]:
        out = []
        for pat, fields in self.zeros:
            for m in pat.finditer(text):
                out.extend(Claim(f, Decimal(0), m.start(), m.end(), "zero") for f in fields)
        return out

    def implied_claims(self, text: str, stated: list[tuple[str, Decimal, int]]) -> list[Claim]:
        """Claims whose value is that of a field stated by number in the same sentence.

        `stated` lists (field, value, position) of the numeric narrative facts.
        """
        out = []
        if not self.implied:
            return out
        # sentence ends and each field's stated positions, sorted once: every match then costs
        # two bisections instead of a scan of its sentence and of all stated facts
        ends = [m.start() for m in regex.finditer(r"[。\n]", text)]
        by_field: dict[str, list[tuple[int, int, Decimal]]] = {}
        for i, (f, v, p) in enumerate(stated):
            by_field.setdefault(f, []).append((p, i, v))
        in_order = True  # stated in text order (the pipeline's): the first in range is the first stated
        for items in by_field.values():
            in_order = in_order and all(a[0] <= b[0] for a, b in zip(items, items[1:]))
            items.sort(key=lambda t: (t[0], t[1]))
        for pat, fld, src, only_if in self.implied:
            items = by_field.get(src)
            if not items:
                continue
            positions = [t[0] for t in items]
            for m in pat.finditer(text):
                k = bisect_left(ends, m.start())
                ss = ends[k - 1] + 1 if k > 0 else 0
                k = bisect_left(ends, m.end())
                se = ends[k] if k < len(ends) else len(text)
                lo, hi = bisect_left(positions, ss), bisect_left(positions, se)
                if lo == hi:
                    continue
                if only_if is not None and not only_if.search(text, ss, se):
                    continue
                first = items[lo] if in_order else min(items[lo:hi], key=lambda t: t[1])
                out.append(Claim(fld, first[2], m.start(), m.end(), "implied"))
        return out


def _rule_data(name: str) -> dict:
    """Rules of one file, with the rules of the file it extends appended (its own come first)."""
    try:
        model_path("forms", f"narrative_{name}.yaml")
    except DataError:
        return {}
    data = dict(load_yaml("forms", f"narrative_{name}.yaml") or {})
    base_name = data.get("extends")
    if base_name:
        base = _rule_data(base_name)
        data["topics"] = {**(base.get("topics") or {}), **(data.get("topics") or {})}
        for key in ("rules", "zeros", "implied"):
            data[key] = list(data.get(key) or []) + list(base.get(key) or [])
    return data


@lru_cache(maxsize=None)
def load_rules(template: str) -> NarrativeRules:
    from .schema import load_template

    fields = set(load_template(template).fields)
    return NarrativeRules(_rule_data(template), fields)
