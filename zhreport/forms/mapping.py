"""Narrative claims -> form fields, by the rules of ``models/forms/narrative_<template>.yaml``.

Context decides the field: "依法纠错7件" after "行政诉讼" in the same paragraph is
``litigation.corrected``; after "行政复议" it is ``admin_review.corrected``.
"""
from __future__ import annotations

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
    topic: Optional[str]
    units: Optional[frozenset]


def _compile(p: Optional[str]):
    return regex.compile(p) if p else None


class NarrativeRules:
    def __init__(self, data: dict):
        self.topics = {k: regex.compile(v) for k, v in (data.get("topics") or {}).items()}
        self.rules = [
            _Rule(field=r["field"], ind=regex.compile(r["ind"]), ctx=_compile(r.get("ctx")),
                  none=_compile(r.get("none")), none_ctx=_compile(r.get("none_ctx")),
                  topic=r.get("topic"), units=frozenset(r["unit"]) if r.get("unit") else None)
            for r in data.get("rules") or []]
        self.zeros = [(regex.compile(z["pattern"]), list(z["fields"])) for z in data.get("zeros") or []]
        self.implied = [(regex.compile(i["pattern"]), i["field"], i["from"]) for i in data.get("implied") or []]

    # -------------------------------------------------------------- numeric facts
    def topic_at(self, text: str, pos: int, group: tuple[str, ...]) -> Optional[str]:
        """Which of the topics in `group` was named last before pos in its paragraph."""
        ls = text.rfind("\n", 0, pos) + 1
        best, best_pos = None, -1
        for name in group:
            pat = self.topics.get(name)
            if pat is None:
                continue
            for m in pat.finditer(text, ls, pos):
                if m.start() > best_pos:
                    best, best_pos = name, m.start()
        return best

    def field_for(self, text: str, indicator: str, number_start: int, number_end: int,
                  unit: Optional[str]) -> Optional[str]:
        ss = number_start
        while ss > 0 and text[ss - 1] not in _SENTENCE_END:
            ss -= 1
        ce = number_end
        while ce < len(text) and text[ce] not in _CLAUSE_END:
            ce += 1
        ctx = text[ss:ce]
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
            if r.topic is not None:
                group = ("review", "litigation") if r.topic in ("review", "litigation") else ("press", "interview")
                if group not in topic_cache:
                    topic_cache[group] = self.topic_at(text, number_start, group)
                if topic_cache[group] != r.topic:
                    continue
            return r.field
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
        for pat, fld, src in self.implied:
            for m in pat.finditer(text):
                ss = m.start()
                while ss > 0 and text[ss - 1] not in "。\n":
                    ss -= 1
                se = m.end()
                while se < len(text) and text[se] not in "。\n":
                    se += 1
                vals = [v for f, v, p in stated if f == src and ss <= p < se]
                if vals:
                    out.append(Claim(fld, vals[0], m.start(), m.end(), "implied"))
        return out


@lru_cache(maxsize=None)
def load_rules(template: str) -> NarrativeRules:
    try:
        model_path("forms", f"narrative_{template}.yaml")
    except DataError:
        return NarrativeRules({})  # no narrative rules yet for this template
    return NarrativeRules(load_yaml("forms", f"narrative_{template}.yaml") or {})
