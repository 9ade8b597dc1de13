"""Indicators: what each quantity counts, from the words around it in its clause.

"受理行政复议案件2件" -> 行政复议案件; "设立5个政民互动栏目" -> 政民互动栏目 (after the
number when nothing stands before it); "回复率、办结率均达100%" -> two indicators
sharing one value. Positions are in the normalised text; the pipeline maps them back.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from .resources import load_lines
from .segment import segment
from .types import Quantity

__all__ = ["Indicator", "link_indicators", "clause_bounds"]

# characters that end a clause for the purpose of "what is counted"
_BOUNDARY = set("，,。；;！!？?\n、：:（(）)|\t")
_SENTENCE_END = set("。；;！!？?\n")
_QUOTES = "“”\"'‘’《》「」"
_SHARED_TAIL = regex.compile(r"(?:均|都|分别|各)(?:达到|达|为|是)?$")
_YEARISH = regex.compile(r"^(?:\d{4}年度?|\d{1,2}月份?|\d{4}年\d{1,2}月)")


@dataclass
class Indicator:
    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _stopwords() -> tuple[tuple[str, ...], tuple[str, ...]]:
    lead, trail, cur = [], [], None
    for line in load_lines("lexicons", "indicator_stop.txt"):
        if line == "[lead]":
            cur = lead
        elif line == "[trail]":
            cur = trail
        elif cur is not None:
            cur.append(line)
    return (tuple(sorted(lead, key=len, reverse=True)), tuple(sorted(trail, key=len, reverse=True)))


# how far back a clause is read: a clause without punctuation can be a whole page, and
# segmenting it for every number in it would grow with the square of its length
CLAUSE_WINDOW = 256


def clause_bounds(text: str, pos: int, floor: int = 0) -> int:
    """Start of the clause that contains position pos (at most CLAUSE_WINDOW before it)."""
    floor = max(floor, pos - CLAUSE_WINDOW)
    i = pos
    while i > floor and text[i - 1] not in _BOUNDARY:
        i -= 1
    return i


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Drop leading/trailing function words, time words, quotes and spaces (whole jieba words only)."""
    lead, trail = _stopwords()
    lead_set, trail_set = set(lead), set(trail)
    while s < e and (text[s].isspace() or text[s] in _QUOTES):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in _QUOTES):
        e -= 1
    if e <= s:
        return s, s
    words = [w for w in segment(text, s, e)]
    i, j = 0, len(words)
    while i < j:
        w = words[i][0]
        if w in lead_set or w.isspace() or w in _QUOTES or _YEARISH.fullmatch(w) or \
                (w.isdigit() and i + 1 < j and words[i + 1][0] in ("年", "年度", "月")):
            i += 1
        elif w in ("年", "年度", "月") and i > 0 and words[i - 1][0].isdigit():
            i += 1
        else:
            break
    while j > i and (words[j - 1][0] in trail_set or words[j - 1][0].isspace() or words[j - 1][0] in _QUOTES):
        j -= 1
    if i >= j:
        return s, s
    return words[i][1], words[j - 1][2]


def _after(text: str, q: Quantity) -> tuple[int, int]:
    j = q.end
    while j < len(text) and text[j] not in _BOUNDARY and j - q.end < 20:
        j += 1
    return _trim(text, q.end, j)


_VERB_ONLY = regex.compile(r"^(?:设立|设置|开设|发布|召开|举办|受理|办理|收到|开展|组织|新增|累计|公开|答复|处理|接待|编印|印发|制作|开通|建立)$")


def link_indicators(text: str, q: Quantity, prev_end: int = 0) -> list[Indicator]:
    """Indicators of quantity q: one, several (shared value) or none."""
    cs = max(clause_bounds(text, q.start), prev_end)
    raw_end = q.start
    while raw_end > cs and text[raw_end - 1].isspace():
        raw_end -= 1
    tail = _SHARED_TAIL.search(text, cs, raw_end)
    s, e = _trim(text, cs, tail.start() if tail else raw_end)
    if e > s and _VERB_ONLY.match(text[s:e]):
        a_s, a_e = _after(text, q)
        if a_e > a_s:
            return [Indicator(text[s:e] + text[a_s:a_e], s, a_e)]
    if e > s:
        inds = [Indicator(text[s:e], s, e)]
        if tail:
            # shared value: walk back over '、'-separated items that hold no number
            j = cs
            while j > 0 and text[j - 1] == "、":
                k = clause_bounds(text, j - 1)
                ks, ke = _trim(text, k, j - 1)
                if ke <= ks or ke - ks > 14 or any(c.isdigit() for c in text[ks:ke]):
                    break
                inds.insert(0, Indicator(text[ks:ke], ks, ke))
                j = k
        return inds
    # nothing before the number: what follows it ("共205人参加了业务培训")
    s, e = _after(text, q)
    if e > s:
        return [Indicator(text[s:e], s, e)]
    return []


def sentence_start(text: str, pos: int) -> int:
    i = pos
    while i > 0 and text[i - 1] not in _SENTENCE_END:
        i -= 1
    return i
