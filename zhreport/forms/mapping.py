"""Narrative claims -> form fields, by the rules of ``models/forms/narrative_<template>.yaml``.

Context decides the field: "依法纠错7件" after "行政诉讼" in the same paragraph is
``litigation.corrected``; after "行政复议" it is ``admin_review.corrected``.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import chain, repeat
from typing import Optional

import regex

from ..errors import DataError
from ..resources import model_path

__all__ = ["NarrativeRules", "load_rules", "Claim", "parse_rule_text", "validate_rules"]

_SENTENCE_END = "。；;！!？?\n"
_CLAUSE_END = "，,。；;！!？?\n、：:（(）)"
_CLAUSE_END_AT = regex.compile("[" + regex.escape(_CLAUSE_END) + "]")
_SENTENCE_END_AT = regex.compile("[" + regex.escape(_SENTENCE_END) + "]")
_SENTENCE_BREAK = regex.compile(r"[。\n]")
_REST_WINDOW = 120  # how far past the number's clause `next`/`none_next` look for the sentence's end
# a count whose unit the page dropped: a whole number of at most three digits (no year, phone, code or
# decimal), between the words of a `lost_unit` entry; the entry's words, not this, make it a count
_LOST_NUMBER = r"(?P<num>\d{1,3})(?![\d.．])"


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
    none_next: Optional["regex.Pattern"] = None
    next: Optional["regex.Pattern"] = None
    ind_first: Optional[frozenset] = None  # the characters a match of ind can start with (None: any)


@dataclass
class FieldMatch:
    field: str
    sign: int = 1
    money: bool = False


def _compile(p: Optional[str]):
    return regex.compile(p) if p else None


# ---------------------------------------------------------------- first characters of a pattern
_ANY_ESCAPES = set("dDwWsS")  # classes that hold (nearly) any character: no prefilter
_BOUNDS = regex.compile(r"\{(\d*)(?:,\d*)?\}")  # a repetition's bounds: {2}, {0,10}, {1,}
_LITERAL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}


class _GiveUp(Exception):
    pass


def first_chars(pattern: str) -> Optional[frozenset]:
    """The characters every match of `pattern` (compiled without flags) starts with, or None when
    a match may be empty or start with any character, or when the pattern uses syntax this small
    reader does not know (flags, back-references, Unicode properties, ...). Where a set is given,
    a text holding none of its characters has no match: the search can be skipped."""
    try:
        first, nullable, i = _alternation(pattern, 0)
    except (_GiveUp, ValueError):  # ValueError: a group name left open
        return None
    if i != len(pattern) or nullable or first is None:
        return None
    return frozenset(first)


def _alternation(p: str, i: int):
    """(first characters or None for any, can be empty, position after) of `a|b|…` up to ')' or the end."""
    first, nullable, i = _sequence(p, i)
    while i < len(p) and p[i] == "|":
        f2, n2, i = _sequence(p, i + 1)
        first = None if first is None or f2 is None else first | f2
        nullable = nullable or n2
    return first, nullable, i


def _sequence(p: str, i: int):
    first: Optional[set] = set()
    nullable = True
    while i < len(p) and p[i] not in "|)":
        f, n, i = _item(p, i)
        if nullable:  # every item before could be empty: this one's characters may open a match
            first = None if first is None or f is None else first | f
            nullable = n
    return first, nullable, i


def _item(p: str, i: int):
    first, nullable, i = _atom(p, i)
    if i < len(p) and p[i] in "?*+{":
        c = p[i]
        if c == "{":
            m = _BOUNDS.match(p, i)
            if m is None or m.group() in ("{}", "{,}"):  # no bounds: literal text
                raise _GiveUp
            least = int(m.group(1) or 0)
            i = m.end()
        else:
            least = 1 if c == "+" else 0
            i += 1
        if least == 0:
            nullable = True
        if i < len(p) and p[i] in "?+":  # lazy or possessive: the same characters
            i += 1
    return first, nullable, i


def _atom(p: str, i: int):
    c = p[i]
    if c == "(":
        if p.startswith("(?:", i):
            i += 3
        elif p.startswith("(?P<", i):
            i = p.index(">", i) + 1
        elif p.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):  # consumes nothing
            _f, _n, i = _alternation(p, i + (4 if p[i + 2] == "<" else 3))
            if i >= len(p) or p[i] != ")":
                raise _GiveUp
            return set(), True, i + 1
        elif p.startswith("(?", i):
            raise _GiveUp  # flags, atomic groups, conditionals, ...
        else:
            i += 1
        first, nullable, i = _alternation(p, i)
        if i >= len(p) or p[i] != ")":
            raise _GiveUp
        return first, nullable, i + 1
    if c == "[":
        return _char_class(p, i)
    if c in "^$":
        return set(), True, i + 1
    if c == ".":
        return None, False, i + 1
    if c == "\\":
        ch, i = _escape(p, i)
        return ch, False, i
    if c in "*+?{)|":
        raise _GiveUp
    return {c}, False, i + 1


def _escape(p: str, i: int):
    """One escape at p[i] ('\\'): (its characters or None for a class of any, position after)."""
    if i + 1 >= len(p):
        raise _GiveUp
    c = p[i + 1]
    if c in _ANY_ESCAPES:
        return None, i + 2
    if c in _LITERAL_ESCAPES:
        return {_LITERAL_ESCAPES[c]}, i + 2
    if c.isascii() and not c.isalnum():
        return {c}, i + 2
    raise _GiveUp  # back-references, Unicode properties, word boundaries, code points, ...


def _char_class(p: str, i: int):
    i += 1
    negated = i < len(p) and p[i] == "^"  # holds nearly any character
    i += negated
    chars: Optional[set] = set()
    start = i
    while True:
        if i >= len(p):
            raise _GiveUp
        c = p[i]
        if c == "]" and i > start:
            return None if negated else chars, False, i + 1
        if c == "[":
            raise _GiveUp  # nested sets (regex's version 1) or a POSIX class
        if c == "\\":
            one, i = _escape(p, i)
        else:
            one, i = {c}, i + 1
        if one is not None and len(one) == 1 and i + 1 < len(p) and p[i] == "-" and p[i + 1] != "]":
            lo = next(iter(one))
            if p[i + 1] == "\\":
                hi, i = _escape(p, i + 1)
            else:
                hi, i = {p[i + 1]}, i + 2
            if hi is None or len(hi) != 1:
                raise _GiveUp
            hi_c = next(iter(hi))
            if ord(hi_c) - ord(lo) > 4096:
                one = None
            else:
                one = {chr(k) for k in range(ord(lo), ord(hi_c) + 1)}
        chars = None if chars is None or one is None else chars | one


def _joined(sources: list[str]) -> Optional["regex.Pattern"]:
    """A pattern that matches where one of the patterns matches (None when they cannot be joined:
    a pattern with back-references or global flags keeps its own search)."""
    sources = list(dict.fromkeys(sources))
    if not sources or any(regex.search(r"\\[1-9]|\\g<|\(\?P=|\(\?[a-zA-Z]+\)", p) for p in sources):
        return None
    try:
        return regex.compile("|".join(f"(?:{p})" for p in sources))
    except regex.error:
        return None


def _first_start(joined: Optional["regex.Pattern"], text: str) -> int:
    """Where the first match of any of the joined patterns starts (-1: none; 0 when they are not
    joined): no pattern matches before it, and its searches from there find what searches of the
    whole text find (lookbehinds and '^' still read the text before it)."""
    if joined is None:
        return 0
    first = joined.search(text)
    return -1 if first is None else first.start()


def _first_index(rules: list) -> tuple[dict, int]:
    """Per character, the rules (a bit per rule number) whose indicator pattern may start with it,
    and the rules that may start with any: an indicator holding none of a rule's first characters
    fails its search."""
    by_char: dict[str, int] = {}
    unfiltered = 0
    for k, r in enumerate(rules):
        if r.ind_first is None:
            unfiltered |= 1 << k
        else:
            for c in r.ind_first:
                by_char[c] = by_char.get(c, 0) | 1 << k
    return by_char, unfiltered


class NarrativeRules:
    def __init__(self, data: dict, fields: Optional[set] = None, similar: Optional["_Similar"] = None):
        keep = (lambda f: True) if fields is None else (lambda f: f in fields)
        self.topics = {g: {k: regex.compile(v) for k, v in _plain(vals).items()}
                       for g, vals in _plain(data.get("topics") or {}).items()}
        self.rules = [
            _Rule(field=r["field"], ind=regex.compile(r["ind"]), ctx=_compile(r.get("ctx")),
                  none=_compile(r.get("none")), none_ctx=_compile(r.get("none_ctx")),
                  topic=_plain(r.get("topic") or {}), units=frozenset(r["unit"]) if r.get("unit") else None,
                  after=_compile(r.get("after")), sign=_compile(r.get("sign")), money=bool(r.get("money")),
                  none_next=_compile(r.get("none_next")), next=_compile(r.get("next")), ind_first=first_chars(r["ind"]))
            for r in data.get("rules") or [] if keep(r["field"])]
        # the rules a unit can meet, in their order: a number's unit rules most of them out at once
        units = {u for r in self.rules if r.units is not None for u in r.units}
        self.by_unit = {u: [r for r in self.rules if r.units is None or u in r.units] for u in units}
        self.any_unit = [r for r in self.rules if r.units is None]
        # per unit, its rules by the characters their indicator patterns start with: most indicators
        # hold the first characters of a few rules only, and the others need no search
        self.first_index = {u: _first_index(rs) for u, rs in self.by_unit.items()}
        self.any_unit_index = _first_index(self.any_unit)
        self.zeros = [(regex.compile(z["pattern"]), [f for f in z["fields"] if keep(f)])
                      for z in data.get("zeros") or []]
        # one search finds where the first zero statement may start: most texts hold one late or none
        self.any_zero = _joined([z.pattern for z, _f in self.zeros])
        self.implied = [(regex.compile(i["pattern"]), i["field"], i["from"], _compile(i.get("only_if")),
                         _field_list(i.get("unless")))
                        for i in data.get("implied") or [] if keep(i["field"])]
        self.any_implied = _joined([i[0].pattern for i in self.implied])  # as any_zero
        self.lost_unit = [(regex.compile(f"(?:{u['before']}){_LOST_NUMBER}(?={u['after']})"), u["unit"])
                          for u in data.get("lost_unit") or []]
        self.similar = similar
        # the rules an indicator text admits (its unit's rules whose ind matches and none does
        # not), with their signs, and the fields of rules it names but rules out by their none:
        # indicators recur within a report and across a batch
        self.admitting = lru_cache(maxsize=8192)(self._admitting)

    def _admitting(self, unit: Optional[str], indicator: str) -> tuple[tuple, frozenset]:
        """(rule, sign) of the unit's rules, in order, that the indicator admits, and the fields of
        those whose ind it matches but whose none rules it out ('主动公开政府信息历年': not the year's
        items, nor by paraphrase); only the rules whose pattern may start with one of its characters
        (or with any) are searched."""
        rules = self.by_unit.get(unit)
        if rules is None:
            rules, (by_char, picked) = self.any_unit, self.any_unit_index
        else:
            by_char, picked = self.first_index[unit]
        for c in by_char.keys() & indicator:  # the few characters of the indicator that open a pattern
            picked |= by_char[c]
        out = []
        ruled_out = set()
        while picked:
            r = rules[(picked & -picked).bit_length() - 1]  # the lowest rule number left first: rule order
            picked &= picked - 1
            if r.ind.search(indicator):
                if r.none is None or not r.none.search(indicator):
                    out.append((r, -1 if r.sign is not None and r.sign.search(indicator) else 1))
                else:
                    ruled_out.add(r.field)
        return tuple(out), frozenset(ruled_out)

    # -------------------------------------------------------------- numeric facts
    def topic_at(self, text: str, pos: int, group: str) -> Optional[str]:
        """Which topic of `group` was named last (by where its name ends) before pos in its paragraph;
        None when it is named together with another of the group ('行政复议、行政诉讼案件…维持…')."""
        ls = text.rfind("\n", 0, pos) + 1
        best, best_start, best_pos = None, -1, -1
        ends: dict[int, str] = {}  # where each name found ends: a name joined to the last one is told by it
        for name, pat in self.topics.get(group, {}).items():
            for m in pat.finditer(text, ls, pos):
                ends[m.end()] = name
                if m.end() > best_pos:
                    best, best_start, best_pos = name, m.start(), m.end()
        if best is not None:
            joined = _TOPIC_JOINER.search(text, ls, best_start)
            if joined is not None and ends.get(joined.start(), best) != best:
                return None
        return best

    def field_for(self, text: str, indicator: str, number_start: int, number_end: int,
                  unit: Optional[str], quantity_end: Optional[int] = None) -> Optional[FieldMatch]:
        admitted, ruled_out = self.admitting(unit, indicator)
        if not admitted and (self.similar is None or self.similar.best(indicator, unit) in (None, *ruled_out)):
            return None  # half the numbers: no rule nor paraphrase, and no context to read
        ss = text.rfind("\n", 0, number_start) + 1  # the paragraph up to the number's clause
        qe = quantity_end if quantity_end is not None else number_end
        if qe == len(text) or text[qe] in _CLAUSE_END:  # the clause ends with the quantity (most do)
            ce = qe
        else:
            m = _CLAUSE_END_AT.search(text, qe)
            ce = m.start() if m else len(text)
        ctx = text[ss:ce]
        after = text[qe:ce]
        rest = None  # the sentence after the number, read when a rule asks (next, none_next)
        topic_cache: dict = {}
        vetoed = set(ruled_out)  # fields a rule named and ruled out: no paraphrase gives them back
        for r, sign in admitted:
            if r.ctx is not None and not r.ctx.search(ctx):
                continue
            if r.none_ctx is not None and r.none_ctx.search(ctx):
                vetoed.add(r.field)
                continue
            if r.after is not None and not r.after.search(after):
                continue
            if r.none_next is not None or r.next is not None:
                if rest is None:
                    m = _SENTENCE_END_AT.search(text, ce, ce + _REST_WINDOW)
                    rest = text[qe:m.start() if m else min(len(text), ce + _REST_WINDOW)]
                if r.next is not None and not r.next.search(rest):
                    continue
                if r.none_next is not None and r.none_next.search(rest):
                    vetoed.add(r.field)
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
            return FieldMatch(r.field, sign, r.money)
        if self.similar is not None:
            fid = self.similar.best(indicator, unit)
            if fid is not None and fid not in vetoed and self.similar.speaks_of(fid, ctx):
                return FieldMatch(fid)
        return None

    def unitless_counts(self, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
        """(start, end, unit the rules read it with) of each count in text[start:end] whose unit the page
        dropped ('受理政府信息公开申请0。', '共受理4申请公开政府信息'): only between the words of a
        `lost_unit` entry, so years, codes and phone numbers elsewhere stay no facts."""
        out = {}
        for pat, unit in self.lost_unit:
            for m in pat.finditer(text, start, end):
                out.setdefault((m.start("num"), m.end("num")), unit)  # a number two entries find is one count
        return [(s, e, unit) for (s, e), unit in out.items()]

    # -------------------------------------------------------------- statements in words
    def zero_claims(self, text: str) -> list[Claim]:
        out: list[Claim] = []
        start = _first_start(self.any_zero, text)
        if start < 0:
            return out
        for pat, fields in self.zeros:
            for m in pat.finditer(text, start):
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
        ends: list[int] = []  # found on the first match: most texts have none
        by_field: dict[str, list[tuple[int, int, Decimal]]] = {}
        for i, (f, v, p) in enumerate(stated):
            by_field.setdefault(f, []).append((p, i, v))
        in_order = True  # stated in text order (the pipeline's): the first in range is the first stated
        for items in by_field.values():
            in_order = in_order and all(a[0] <= b[0] for a, b in zip(items, items[1:]))
            items.sort(key=lambda t: (t[0], t[1]))
        start = None  # where the first implied statement may start, found when a pattern is read
        for pat, fld, src, only_if, unless in self.implied:
            items = by_field.get(src)
            if not items:
                continue
            if any(v != 0 for f in unless for _p, _i, v in by_field.get(f, ())):
                continue  # the source is not the whole: another part of it is stated
            if start is None:
                start = _first_start(self.any_implied, text)
            if start < 0:
                break
            positions = [t[0] for t in items]
            for m in pat.finditer(text, start):
                if not ends:
                    ends = [e.start() for e in _SENTENCE_BREAK.finditer(text)] or [len(text)]
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


# what joins two topics named together: it ends right where the last one starts
_TOPIC_JOINER = regex.compile(r"(?:、|和|及|与|或|以及)(?:行政)?$")


_RULE_KEYS = {"field", "ind", "ctx", "none", "none_ctx", "topic", "unit", "after", "sign", "money", "none_next", "next"}
_ZERO_KEYS = {"pattern", "fields"}
_IMPLIED_KEYS = {"pattern", "field", "from", "only_if", "unless"}
_LOST_UNIT_KEYS = {"before", "after", "unit"}
_TOP_KEYS = {"extends", "count_units", "topics", "rules", "zeros", "implied", "similar", "lost_unit"}


def _read_rule_file(name: str) -> dict:
    """One rule file as data; every mapping carries ``__line__`` and ``__file__`` for error messages."""
    path = model_path("forms", f"narrative_{name}.yaml")
    with open(path, encoding="utf-8") as fh:
        return parse_rule_text(fh.read(), path.name)


def parse_rule_text(text: str, filename: str) -> dict:
    """Rule-file text as data, each mapping marked with its file and line."""
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    def _mapping(loader, node, deep=False):
        m = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
        m["__line__"] = node.start_mark.line + 1
        m["__file__"] = filename
        return m

    _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
    try:
        return yaml.load(text, Loader=_Loader) or {}
    except yaml.YAMLError as exc:
        raise DataError(f"malformed rule file {filename}: {exc}") from None


def validate_rules(data: dict) -> None:
    """Check parsed rule data against the field catalogue of every form (see ``_validate``)."""
    _validate(data, set(_all_field_ids()))


def _where(entry: dict) -> str:
    return f"{entry.get('__file__', '?')} line {entry.get('__line__', '?')}"


def _plain(d: dict) -> dict:
    return {k: v for k, v in d.items() if k not in ("__line__", "__file__")}


class _Similar:
    """Paraphrases no rule lists: the indicator compared with each field's printed label and known phrasings.

    Similarity is the Dice coefficient of character bigrams; a field is taken only when its best
    phrase scores at least `threshold`, clearly ahead of any other field (`margin`), the unit is one
    a count field allows, and the clause speaks of the field's section (`needs`: a regex on the
    sentence, e.g. applications for the request rows).
    """

    def __init__(self, targets: dict[str, list[str]], needs: dict[str, "regex.Pattern"],
                 threshold: float, margin: float, units: frozenset):
        self.targets = {f: [(p, _bigrams(p)) for p in phrases if len(p) >= 2] for f, phrases in targets.items()}
        # bigram -> (field, phrase number, phrase size): only phrases sharing a bigram are compared
        self.by_gram: dict[str, list[tuple[str, int, int]]] = {}
        for fid, phrases in self.targets.items():
            for k, (_p, pb) in enumerate(phrases):
                for gram in pb:
                    self.by_gram.setdefault(gram, []).append((fid, k, len(pb)))
        self.fields_last_first = sorted(self.targets, reverse=True)
        self.needs = needs
        self.score = lru_cache(maxsize=4096)(self._score)  # indicators recur within a report and a batch
        self.threshold = threshold
        self.margin = margin
        self.units = units

    def _score(self, indicator: str) -> list[tuple[float, str]]:
        """The two best (similarity to the indicator's core, field) pairs, best first (as a sort of
        every field's pair would give them; a field sharing no bigram scores 0); none when no phrase
        can reach the threshold."""
        ib = _bigrams(_core(indicator))
        if not ib:
            return []
        # a phrase shares at most the indicator's known bigrams (k of them): its Dice coefficient
        # 2n/(len(ib)+size) is at most 2k/(len(ib)+k); below the threshold no field is taken
        known = sum(map(self.by_gram.__contains__, ib))
        if 2 * known / (len(ib) + known) < self.threshold:
            return []
        # how many of its bigrams each phrase shares with the indicator (counted in C)
        shared = Counter(chain.from_iterable(map(self.by_gram.get, ib, repeat(()))))
        best: dict[str, float] = {}
        for (fid, _k, size), n in shared.items():
            s = 2 * n / (len(ib) + size)
            if s > best.get(fid, 0.0):
                best[fid] = s
        ranked = sorted([(v, fid) for fid, v in best.items()], reverse=True)[:2]  # the few fields sharing one
        for fid in self.fields_last_first:  # fewer than two fields scored: the last fields score 0
            if len(ranked) >= 2:
                break
            if fid not in best:
                ranked.append((0.0, fid))
        return ranked

    def best(self, indicator: str, unit: Optional[str]) -> Optional[str]:
        """The field the indicator paraphrases, if one clearly does (its section still to be
        checked against the clause: ``speaks_of``)."""
        if unit not in self.units or len(indicator) < 3:
            return None
        ranked = self.score(indicator)
        if not ranked or ranked[0][0] < self.threshold:
            return None
        if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < self.margin:
            return None
        return ranked[0][1]

    def speaks_of(self, fid: str, ctx: str) -> bool:
        """Does the clause speak of the field's section (what `needs` asks of it)?"""
        need = self.needs.get(fid.split(".")[0])
        return need is None or need.search(ctx) is not None


_CORE_DROP = regex.compile(r"^(?:共|共计|累计|全年|本年度?|其中|另|已)|(?:数量|总数|数|共计|合计|总计)$")


_NOT_HAN = regex.compile(r"[^\p{Han}]")


def _core(text: str) -> str:
    return _CORE_DROP.sub("", _NOT_HAN.sub("", text))


def _bigrams(core: str) -> frozenset:
    """The character bigrams of a core (Han characters only, as _core leaves them)."""
    return frozenset(map(str.__add__, core, core[1:]))  # each character joined to the next


_COLUMN_WORDS = regex.compile(r"^(?:总计)$")


def _printed_phrase(label: str) -> str:
    """A field's printed label as one phrase: row and column joined, numbering and notes dropped."""
    from ..labels import label_key

    parts = [label_key(p) for p in label.split(" / ")]
    parts = [p for p in parts if p and not _COLUMN_WORDS.match(p)]
    return _core("".join(parts))


def _similarity_targets(tpl, data: dict) -> Optional[_Similar]:
    sim = data.get("similar")
    if not sim:
        return None
    extra = {f: list(v) for f, v in _plain(sim.get("phrasings") or {}).items()}
    skip = set(sim.get("skip_prefixes") or [])
    targets = {}
    for fid in tpl.value_ids():
        fld = tpl.fields[fid]
        if fld.unit == "万元" or any(fid.startswith(p) for p in skip):
            continue
        targets[fid] = [_printed_phrase(fld.label)] + [_core(p) for p in extra.get(fid, [])]
    needs = {k: regex.compile(v) for k, v in _plain(sim.get("needs") or {}).items()}
    return _Similar(targets, needs, float(sim.get("threshold", 0.85)), float(sim.get("margin", 0.1)),
                    frozenset(sim.get("units") or []))


def _rule_data(name: str) -> dict:
    """Rules of one file, with the rules of the file it extends appended (its own come first)."""
    try:
        model_path("forms", f"narrative_{name}.yaml")
    except DataError:
        return {}
    data = dict(_read_rule_file(name))
    unknown = set(_plain(data)) - _TOP_KEYS
    if unknown:
        raise DataError(f"{_where(data)}: unknown key(s) {', '.join(sorted(unknown))}")
    base_name = data.get("extends")
    if base_name:
        base = _rule_data(base_name)
        data["topics"] = {**_plain(base.get("topics") or {}), **_plain(data.get("topics") or {})}
        for key in ("rules", "zeros", "implied", "lost_unit"):
            data[key] = list(data.get(key) or []) + list(base.get(key) or [])
        if "similar" not in data and "similar" in base:
            data["similar"] = base["similar"]
    return data


def _validate(data: dict, known_fields: set) -> None:
    """Every rule names a field of some form and compiles; else a DataError naming file and line."""
    topics = {g: set(_plain(v)) for g, v in _plain(data.get("topics") or {}).items()}
    for g, vals in _plain(data.get("topics") or {}).items():
        for k, v in _plain(vals).items():
            _check_pattern(v, f"topic {g}.{k}", vals)

    def check_field(f, entry, what="field"):
        if not isinstance(f, str) or f not in known_fields:
            raise DataError(f"{_where(entry)}: unknown {what} id {f!r} (not in any form of spec/forms)")

    for r in data.get("rules") or []:
        extra = set(_plain(r)) - _RULE_KEYS
        if extra:
            raise DataError(f"{_where(r)}: unknown rule key(s) {', '.join(sorted(extra))}")
        if "field" not in r or "ind" not in r:
            raise DataError(f"{_where(r)}: a rule needs 'field' and 'ind'")
        check_field(r["field"], r)
        for key in ("ind", "ctx", "none", "none_ctx", "after", "sign", "none_next", "next"):
            if r.get(key) is not None:
                _check_pattern(r[key], key, r)
        for g, want in _plain(r.get("topic") or {}).items():
            if g not in topics or want not in topics[g]:
                raise DataError(f"{_where(r)}: unknown topic {g}: {want}")
    for z in data.get("zeros") or []:
        extra = set(_plain(z)) - _ZERO_KEYS
        if extra or "pattern" not in z or not z.get("fields"):
            raise DataError(f"{_where(z)}: a zero statement needs 'pattern' and 'fields' only")
        _check_pattern(z["pattern"], "pattern", z)
        for f in z["fields"]:
            check_field(f, z)
    for i in data.get("implied") or []:
        extra = set(_plain(i)) - _IMPLIED_KEYS
        if extra or not {"pattern", "field", "from"} <= set(i):
            raise DataError(f"{_where(i)}: an implied statement needs 'pattern', 'field', 'from' "
                            "(and 'only_if', 'unless')")
        _check_pattern(i["pattern"], "pattern", i)
        if i.get("only_if"):
            _check_pattern(i["only_if"], "only_if", i)
        check_field(i["field"], i)
        check_field(i["from"], i, "source field")
        for f in _field_list(i.get("unless")):
            check_field(f, i, "unless field")
    for u in data.get("lost_unit") or []:
        if set(_plain(u)) != _LOST_UNIT_KEYS or not isinstance(u.get("unit"), str):
            raise DataError(f"{_where(u)}: a lost unit needs 'before', 'after' and 'unit' only")
        _check_pattern(u["before"], "before", u)
        _check_pattern(u["after"], "after", u)
    sim = data.get("similar")
    if sim is not None:
        for f in _plain(sim.get("phrasings") or {}):
            check_field(f, sim)


def _field_list(value) -> tuple:
    """A rule key that names one field or a list of them (``unless``), as a tuple."""
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


def _check_pattern(p, what: str, entry: dict) -> None:
    if not isinstance(p, str):
        raise DataError(f"{_where(entry)}: {what} must be a text pattern, not {type(p).__name__}")
    try:
        regex.compile(p)
    except regex.error as exc:
        raise DataError(f"{_where(entry)}: broken pattern in {what} {p!r}: {exc}") from None


@lru_cache(maxsize=None)
def _all_field_ids() -> frozenset:
    from .schema import TEMPLATES, load_template

    return frozenset(f for t in TEMPLATES for f in load_template(t).fields)


@lru_cache(maxsize=None)
def load_rules(template: str) -> NarrativeRules:
    from .schema import load_template

    tpl = load_template(template)
    data = _rule_data(template)
    _validate(data, set(_all_field_ids()))
    return NarrativeRules(data, set(tpl.fields), similar=_similarity_targets(tpl, data))
