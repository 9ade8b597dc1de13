"""Indicators: what each quantity counts, from the words around it in its clause.

"受理行政复议案件2件" -> 行政复议案件; "共维护13个专栏" -> 维护专栏 (the counted noun after
the number joins a verb that stands alone); "教育、社会保障类信息10条" -> the whole list;
"政府信息（综合政务类）287条" -> the noun with its note; "办事指南2条，占5%" -> 办事指南占比
(a share names its numerator and, when written, its base); "回复率、办结率均达100%" ->
two indicators sharing one value. "共六个部分" is a structure count, no fact
(``is_structure_count``). Positions are in the normalised text; the pipeline maps them back.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from .resources import load_lines
from . import segment  # segment.words read at each call: benchmarks/bench_segment.py swaps it to record clauses
from .types import Quantity

__all__ = ["Indicator", "link_indicators", "clause_bounds", "is_structure_count", "is_respective", "listed_after"]

# characters that end a clause for the purpose of "what is counted"
_BOUNDARY = set("，,。；;！!？?\n、：:（(）)|\t")
_LAST_BOUNDARY = regex.compile("[" + regex.escape("".join(sorted(_BOUNDARY))) + "]", regex.REVERSE)
_NEXT_BOUNDARY = regex.compile("[" + regex.escape("".join(sorted(_BOUNDARY))) + "]")
_QUOTES = "“”\"'‘’《》「」"
_SHARED_WORDS, _SHARED_VERBS = ("均", "都", "分别", "各"), ("达到", "达", "为", "是")
_SHARED_TAIL = regex.compile(f"(?:{'|'.join(_SHARED_WORDS)})(?:{'|'.join(_SHARED_VERBS)})?$")
_SHARED_ENDINGS = _SHARED_WORDS + _SHARED_VERBS  # what a clause holding the words of a shared value ends with
_SUM_WORD = regex.compile(r"\s*(合计|共计|总计|总共)(?:为|达)?\s*")
# two short items joined by 与/和/及 before a shared value ('专职与兼职人员各一人')
_PAIR = regex.compile(r"([^\d，,。；;、（(）)与和及]{1,8})(?:与|和|及)([^\d，,。；;、（(）)与和及]{1,10})")
_YEARISH = regex.compile(r"^(?:\d{4}年度?|\d{1,2}月份?|\d{4}年\d{1,2}月)")
_OPEN, _CLOSE = "（(", "）)"
_ORDINAL = regex.compile(r"^[一二三四五六七八九十\d]+$")
# a share: "占5%", "占信息公开总量的12.5%", "占比30%"
_SHARE = regex.compile(r"^占比(?:为|达)?$|^(?:占|约占|占到)(?P<base>.*?)(?:的)?(?:比例|比重)?(?:为|达|达到)?$")
# a verb left after a rate or count word ("办结率达", "满意率为")
_TRAILING_VERBS = ("达到", "达", "为", "是", "共计", "合计", "总计", "共")
_TRAILING_VERB = regex.compile(r"(?<=[率数量额])(?:" + "|".join(_TRAILING_VERBS) + ")$")
# the number and unit that close the numerator's clause ("办事指南2条")
_TRAILING_COUNT = regex.compile(
    r"(?:共|计|达|为)?(?:[\d.,]+|[零一二三四五六七八九十百千万两]+)(?:余|多)?(?:万|亿)?"
    r"(?:件次|人次|条次|[件条个项次人名篇期场家部份起宗例处])?$")
_LIST_ITEM_MAX = 20
# the next count joined to the counted noun after a number ('两名分管领导和四名专职工作人员'): the noun ends there
_JOINED_COUNT = regex.compile(
    r"(?:和|及|与)(?=\d|[零一二两三四五六七八九十百千万]+(?:余|多)?(?:件次|人次|条次|[件条个项次人名位篇期场家部份起宗例处]))")
# a list item that holds its own count ("同意公开一件、告知…一件"): the list is not one indicator
_HAS_COUNT = regex.compile(r"\d|[零一二两三四五六七八九十百千万]+(?:余|多)?(?:件次|人次|条次|[件条个项次人名篇期场家部份起宗例处])")


@dataclass
class Indicator:
    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _stopwords() -> tuple[frozenset, frozenset, tuple, tuple]:
    """The lead and trail words an indicator sheds (whole words: looked up as sets), and the
    same as tuples for str.startswith/endswith."""
    lead, trail, cur = [], [], None
    for line in load_lines("lexicons", "indicator_stop.txt"):
        if line == "[lead]":
            cur = lead
        elif line == "[trail]":
            cur = trail
        elif cur is not None:
            cur.append(line)
    return frozenset(lead), frozenset(trail), tuple(lead), tuple(trail)


@lru_cache(maxsize=1)
def _words() -> dict[str, frozenset]:
    sections: dict[str, list[str]] = {}
    cur = None
    for line in load_lines("lexicons", "indicator_words.txt"):
        if line.startswith("[") and line.endswith("]"):
            cur = sections.setdefault(line[1:-1], [])
        elif cur is not None:
            cur.append(line)
    return {k: frozenset(v) for k, v in sections.items()}


@lru_cache(maxsize=1)
def _joint_kinds() -> tuple[dict, "regex.Pattern"]:
    """The words that name two kinds at once ('专兼职'), each with its kinds, and where one may stand."""
    kinds = {}
    for line in _words().get("joint_kinds", frozenset()):
        word, *parts = line.split()
        kinds[word] = parts
    return kinds, regex.compile("|".join(regex.escape(w) for w in sorted(kinds, key=len, reverse=True)) or "(?!)")


@lru_cache(maxsize=1)
def _noun_end_at() -> "regex.Pattern":
    """Where a word that starts what the counted thing does may stand (a substring of the text:
    only then need the words be read)."""
    words = sorted(_words().get("noun_end", frozenset()), key=len, reverse=True)
    return regex.compile("|".join(regex.escape(w) for w in words) or "(?!)")


# how far back a clause is read: a clause without punctuation can be a whole page, and
# segmenting it for every number in it would grow with the square of its length
CLAUSE_WINDOW = 256


def clause_bounds(text: str, pos: int, floor: int = 0) -> int:
    """Start of the clause that contains position pos (a short note in brackets belongs to it;
    at most CLAUSE_WINDOW before it)."""
    floor = max(floor, pos - CLAUSE_WINDOW)
    i = pos
    while i > floor:
        m = _LAST_BOUNDARY.search(text, floor, i)
        if m is None:
            return floor
        at = m.start()
        if text[at] in _CLOSE:
            j = _note_start(text, at, floor)
            if j is not None:
                i = j
                continue
        return at + 1
    return i


def _note_start(text: str, close: int, floor: int) -> "int | None":
    """Where a bracketed note ending at `close` opens: '（综合政务类）', or a list of kinds that ends
    in 等 ('（检索费、邮寄费、复制费等）'); not '（二）' nor one holding numbers or clauses."""
    j = close - 1
    while j >= floor and close - j <= 24:
        c = text[j]
        if c in _OPEN:
            inner = text[j + 1:close]
            if not inner or _ORDINAL.match(inner) or any(ch.isdigit() or ch in "，,。；;" for ch in inner):
                return None
            if ("、" in inner and not inner.endswith("等")) or (len(inner) > 11 and "、" not in inner):
                return None
            return j
        if c in _CLOSE or c in "\n":
            return None
        j -= 1
    return None


def is_structure_count(text: str, q: Quantity) -> bool:
    """A count of the report's own parts ('共六个部分', '从两个方面'): no fact."""
    if not (q.unit in (None, "个") or q.unit in _words().get("structure", frozenset())):
        return False  # most numbers: their unit counts no part
    j = q.end
    while j < len(text) and text[j].isspace():
        j += 1
    return text.startswith(_structure_nouns(), j)


@lru_cache(maxsize=1)
def _verbs() -> tuple:
    return tuple(_words().get("verb", frozenset()))


@lru_cache(maxsize=1)
def _structure_nouns() -> tuple:
    return tuple(_words().get("structure", frozenset()))


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Drop leading/trailing function words, time words, quotes and spaces (whole jieba words only)."""
    lead_set, trail_set, leads, trails = _stopwords()
    while s < e and (text[s].isspace() or text[s] in _QUOTES):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in _QUOTES):
        e -= 1
    if e <= s:
        return s, s
    # a word to shed may open or close it: the words decide; else (the text opens with no lead
    # word nor digit, a year's start, and ends with no trail word) no word of it can be shed
    if text.startswith(leads, s, e) or text[s].isdigit() or text.endswith(trails, s, e):
        ws = segment.words(text[s:e])
        i, j = 0, len(ws)
        while i < j:
            w = ws[i]
            if w in lead_set or w.isspace() or w in _QUOTES or _YEARISH.fullmatch(w) or \
                    (w.isdigit() and i + 1 < j and ws[i + 1] in ("年", "年度", "月")):
                i += 1
            elif w in ("年", "年度", "月") and i > 0 and ws[i - 1].isdigit():
                i += 1
            else:
                break
        while j > i and (ws[j - 1] in trail_set or ws[j - 1].isspace() or ws[j - 1] in _QUOTES):
            j -= 1
        if i >= j:
            return s, s
        s, e = s + sum(map(len, ws[:i])), e - sum(map(len, ws[j:]))  # the words join to text[s:e]
    if text.endswith(_TRAILING_VERBS, s, e):  # else no search can match (text[e - 1] is no line end)
        m = _TRAILING_VERB.search(text, s, e)
        if m is not None:
            e = m.start()
    if e - s > 2 and text[s] in _OPEN and text[e - 1] in _CLOSE and not any(c in _CLOSE for c in text[s + 1:e - 1]):
        s, e = s + 1, e - 1
    return s, e


def _after(text: str, q: Quantity) -> tuple[int, int]:
    """The counted noun after the number, up to the clause end or a word that starts what it does."""
    if q.end == len(text) or text[q.end] in _BOUNDARY:  # the clause ends with the number (most do)
        return q.end, q.end
    m = _NEXT_BOUNDARY.search(text, q.end, q.end + 20)
    j = m.start() if m else min(len(text), q.end + 20)
    m = _JOINED_COUNT.search(text, q.end, j)
    if m is not None:
        j = m.start()
    ends = _words().get("noun_end", frozenset())
    if _noun_end_at().search(text, q.end + 1, j):  # else no such word can start there
        at = q.end
        for w in segment.words(text[q.end:j]):
            if w in ends and at > q.end:
                j = at
                break
            at += len(w)
    return _trim(text, q.end, j)


def _ends_in_verb(text: str, s: int, e: int) -> bool:
    """Does the clause before the number end in a verb ('设立', '在办公室设立')? Then the noun after it is counted."""
    if not text.endswith(_verbs(), s, e):  # the last word ends the clause: no verb, no word needs reading
        return False
    ws = segment.words(text[s:e])
    return bool(ws) and ws[-1] in _words().get("verb", frozenset())


def _list_start(text: str, cs: int) -> int:
    """Start of a '、' list whose last item opens the clause at cs (items holding numbers end it)."""
    j = cs
    while j > 0 and text[j - 1] == "、":
        k = clause_bounds(text, j - 1)
        item = text[k:j - 1]
        if not item.strip() or len(item) > _LIST_ITEM_MAX or _HAS_COUNT.search(item):
            break
        j = k
    return j


def _share(text: str, q: Quantity, cs: int, s: int, e: int) -> "Indicator | None":
    """'办事指南2条，占5%' -> 办事指南占比: the numerator is the clause before the share (q a percentage)."""
    if cs == 0 or text[cs - 1] not in "，,、":
        return None
    m = _SHARE.match(text[s:e])
    if m is None:
        return None
    ps = clause_bounds(text, cs - 1)
    body = text[ps:cs - 1]
    t = _TRAILING_COUNT.search(body)
    if t is None or t.start() == 0:
        return None
    ns, ne = _trim(text, ps, ps + t.start())
    if ne <= ns:
        return None
    base = (m.group("base") or "").strip()
    label = f"{text[ns:ne]}占{base}比例" if base else f"{text[ns:ne]}占比"
    return Indicator(label, ns, e)


def link_indicators(text: str, q: Quantity, prev_end: int = 0) -> list[Indicator]:
    """Indicators of quantity q: one, several (shared value) or none."""
    cs = max(clause_bounds(text, q.start), prev_end)
    raw_end = q.start
    while raw_end > cs and text[raw_end - 1].isspace():
        raw_end -= 1
    # a shared value's words end the clause (which ends in no space): else no search can find them
    tail = _SHARED_TAIL.search(text, cs, raw_end) if text.endswith(_SHARED_ENDINGS, cs, raw_end) else None
    s, e = _trim(text, cs, tail.start() if tail else raw_end)
    if e > s and q.unit == "%":
        share = _share(text, q, cs, s, e)
        if share is not None:
            return [share]
    a_s, a_e = _after(text, q)
    if e > s and a_e > a_s and _ends_in_verb(text, s, e):
        return [Indicator(text[s:e] + text[a_s:a_e], s, a_e)]
    if e > s and not tail and a_e <= a_s and cs > 0 and text[cs - 1] == "、":  # the last item of a list
        ls = _list_start(text, cs)
        if ls < cs and ls >= prev_end:
            s2, e2 = _trim(text, ls, raw_end)
            if e2 > s2:
                s, e = s2, e2
    if e > s:
        inds = [Indicator(text[s:e], s, e)]
        if tail and text[tail.start()] == "各":
            pair = _PAIR.fullmatch(text, s, e)  # '专职与兼职人员各一人': each of the two, not the pair
            if pair is not None:
                return [Indicator(pair.group(1), s, pair.end(1)), Indicator(pair.group(2), pair.start(2), e)]
            kinds, joint_at = _joint_kinds()
            joint = joint_at.search(text, s, e)  # '专兼职人员各1名': each kind the word names, not both at once
            if joint is not None:
                head, rest = text[s:joint.start()], text[joint.end():e]
                return [Indicator(head + kind + rest, s, e) for kind in kinds[joint.group()]]
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
    if a_e > a_s:
        return [Indicator(text[a_s:a_e], a_s, a_e)]
    # a bare sum after its parts ("网上申请105件，快递17件，合计122件"): the sum word, read in its sentence
    sum_word = _SUM_WORD.fullmatch(text, cs, raw_end)
    if sum_word is not None:
        return [Indicator(sum_word.group(1), sum_word.start(1), sum_word.end(1))]
    return []


# 'A、B、C分别为x、y和z': values listed after 分别 go to the items in their order, not all to each
_LIST_JOINER = regex.compile(r"\s*(?:、|，|,|和|及|与|以及)\s*")


def is_respective(text: str, items_end: int, number_start: int) -> bool:
    """Do the words between a list of items and its value say 'respectively' (分别为, 分别是, 分别达)?"""
    return text.find("分别", items_end, number_start) >= 0


def listed_after(text: str, quantities: list[Quantity], k: int) -> list[int]:
    """Indices of the quantities listed right after quantities[k] (apart only by 、，和及与)."""
    out = []
    end = quantities[k].end
    for j in range(k + 1, len(quantities)):
        m = _LIST_JOINER.fullmatch(text, end, quantities[j].start)
        if m is None:
            break
        out.append(j)
        end = quantities[j].end
    return out
