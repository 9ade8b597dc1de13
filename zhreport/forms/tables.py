"""Printed statistics tables, read whatever their layout, into form cells.

A scraped table reaches us flattened in many ways: '|' or tab rows, one cell per
line (with or without blank lines between cells, or a leading '| '), columns
aligned by runs of spaces, a PDF text layer where label, unit and number run
together and a row's numbers stand apart by single spaces, flip-book pages whose
header characters are split over lines, page footers and repeated header rows in
the middle. None of that is trusted. The text is read as a stream of tokens —
label pieces, units, numbers, blank marks — and the form itself is the model of
the table: its printed row labels (with their groups) and the number of value
columns of each row. Reading is aligning the stream to the form's rows:

1. ``scan`` (``forms.table_text``) cuts the text into table regions (runs of lines
   that are no prose) and each line into tokens; page marks are dropped.
2. Each run of labels followed by values is one printed row. The labels before it
   that are not its own (group labels printed only before their first sub-row,
   column headers, a repeated header) become its context; a label split over two
   lines is joined when the joined label matches the form better.
3. Rows are matched to the form's rows by label similarity (character bigrams),
   with the context deciding between rows of the same name; a monotone alignment
   keeps the form's order, and rows whose labels were garbled between two matched
   rows are placed by their position.
4. A row's values fill the form row's columns in order; blank marks are zero and
   flagged; a blank 总计 whose row has parts is imputed (forms.yaml).

The template's own labels also tell which form a page prints (``template_votes``).
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from decimal import Decimal
from collections import Counter
from functools import lru_cache, partial
import itertools
from typing import Optional

import regex

from ..quantities import money_factor, parse_signed, table_zero_words
from ..labels import label_key
from .schema import TEMPLATES, Template, load_template
from .table_text import TableText, Token, form_cell_texts

__all__ = ["TableCell", "read_cells", "form_value", "template_votes", "extract_meta", "row_specs", "RowSpec"]

# ---------------------------------------------------------------- the form as the model
@dataclass(frozen=True)
class RowSpec:
    id: str
    keys: tuple  # printed labels (numbering and notes stripped), aliases included
    numbered: bool  # printed with numbering ('（七）总计', '3.其他')
    groups: tuple  # keys of the groups above it
    columns: tuple  # value field ids in column order; () for a group row
    unit: Optional[str]  # the unit a 1-D row prints


_DEFINITION = regex.compile(r"(?<=\p{Han}{2}[^:：]*)(?<!其中)[:：].*$")
_OPEN_NOTE = regex.compile(r"[(（][^()（）]*$")  # '（不包括用于…' cut at the line's end
_CLOSE_NOTE = regex.compile(r"^[^()（）]*[)）]")  # '…等方面的经费）' the rest of a note cut before


def _match_key(label: str) -> str:
    """A printed label as compared: numbering, notes, an unclosed note ('（不包括…') and a definition
    after a colon ('规章：地方行政规章指…') dropped."""
    key = _form_label_keys().get(label)
    return key if key is not None else _read_match_key(label)


@lru_cache(maxsize=1)
def _form_label_keys() -> dict[str, str]:
    """The match keys of the texts the forms print, computed once: most labels of a table are the form's own."""
    return {text: _read_match_key.__wrapped__(text) for text in form_cell_texts()}


@lru_cache(maxsize=8192)  # a label is keyed several times (row joins, context, template votes)
def _read_match_key(label: str) -> str:
    """_match_key by its patterns."""
    s = label  # each pattern only where its colon or parenthesis is
    if ":" in s or "：" in s:
        s = _DEFINITION.sub("", s)
    if "(" in s or "（" in s:
        s = _OPEN_NOTE.sub("", s)
    if ")" in s or "）" in s:
        s = _CLOSE_NOTE.sub("", s)
    return label_key(s)


_NUMBERED = regex.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、])")


@lru_cache(maxsize=None)
def row_specs(template_id: str) -> tuple:
    """The printed rows of a template in form order."""
    t = load_template(template_id)
    specs = []
    if template_id == "gov2008":
        for fid in t.order:
            f = t.fields[fid]
            keys = [f.key] + ([_match_key(f.label_full)] if f.label_full else [])
            keys += [_match_key(a) for a in t.aliases.get(fid, [])]
            cols = () if f.kind == "group" else (fid,)
            specs.append(RowSpec(fid, tuple(k for k in dict.fromkeys(keys) if k), bool(f.numbering), (),
                                 cols, f.unit))
        return tuple(specs)
    children: dict[str, list[str]] = {}
    for f in t.fields.values():
        if f.kind == "value" and f.parent:
            children.setdefault(f.parent, []).append(f.id)
    for f in t.fields.values():
        if f.kind != "row":
            continue
        cells = [t.fields[c].cell or {} for c in children.get(f.id, [])]
        path = (cells[0].get("row_path") if cells else None) or []
        block = cells[0].get("block") if cells else None
        printed = path[-1] if path else f.label
        groups = tuple(_match_key(p) for p in path[:-1]) or ((_match_key(block),) if block else ())
        keys = [_match_key(printed)] + [_match_key(a) for a in t.aliases.get(f.id, [])]
        specs.append(RowSpec(f.id, tuple(k for k in dict.fromkeys(keys) if k), bool(_NUMBERED.match(printed)),
                             groups, tuple(children.get(f.id, [])), None))
    return tuple(specs)


@lru_cache(maxsize=None)
def _review_columns(template_id: str) -> tuple:
    """The review/litigation table of the 2019 and 2021 forms: one row of fifteen numbers, no label."""
    t = load_template(template_id)
    return tuple(f.id for f in t.fields.values()
                 if f.kind == "value" and (f.cell or {}).get("row") == "(single data row)")


def _grams(s: str) -> frozenset:
    return frozenset(map(str.__add__, s, s[1:])) if len(s) > 1 else frozenset(s)


class _Index:
    """Bigram index of a template's printed row labels: the candidates of a label in one lookup."""

    def __init__(self, template_id: str):
        self.template_id = template_id
        self.specs = row_specs(template_id)
        self.keys: list[tuple[int, int]] = []  # (spec index, number of bigrams) of each printed label
        self.by_gram: dict[str, list] = {}
        for i, sp in enumerate(self.specs):
            for k in sp.keys:
                g = _grams(k)
                self.keys.append((i, len(g)))
                for gram in g:
                    self.by_gram.setdefault(gram, []).append(len(self.keys) - 1)
        # similar(key): spec index -> best Dice similarity of `key` to one of its labels (1.0 when equal)
        self.similar = partial(_similar, template_id)
        # what _score can add to a similarity: the context bonus of a row of a group, nothing otherwise
        self.lift = [_CONTEXT_BONUS if sp.columns and sp.groups else 0.0 for sp in self.specs]
        # the score a printed row needs to match a form row (the 2008 form's one-column rows: lower)
        self.threshold = 0.45 if template_id == "gov2008" else 0.6
        # most printed labels are the form's own: their similarities and reach computed with the index
        self.of_form_label: dict[str, dict[int, float]] = {}
        self.of_form_label = {k: self.similarities(k) for sp in self.specs for k in sp.keys}
        self.reach_of_form_label = {k: self.within(sims) for k, sims in self.of_form_label.items()}
        # the printed texts of the forms that key to this form's labels: (key, best similarity, numbered)
        self.printed: dict[str, tuple[str, float, bool]] = {}
        for text in form_cell_texts():
            key = _match_key(text)
            sims = self.of_form_label.get(key)
            if sims is not None:
                self.printed[text] = (key, max(sims.values(), default=0.0), bool(_NUMBERED.match(text)))

    def within_reach(self, key: str) -> tuple:
        """(spec index, similarity) of the form rows whose score can reach the threshold."""
        known = self.reach_of_form_label.get(key)
        return known if known is not None else _within_reach(self.template_id, key)

    def within(self, similar: dict[int, float]) -> tuple:
        """The (spec index, similarity) pairs of `similar` whose score can reach the threshold."""
        floor = self.threshold - _CONTEXT_BONUS  # no context lifts a weaker label over the threshold
        lift, threshold = self.lift, self.threshold
        return tuple((j, sim) for j, sim in similar.items() if not (sim < floor or sim + lift[j] < threshold))

    def similarities(self, key: str) -> dict[int, float]:
        """`similar`, computed (equal labels share all their bigrams: 1.0)."""
        known = self.of_form_label.get(key)
        if known is not None:
            return known
        if not key:
            return {}
        g = _grams(key)
        hits = Counter(itertools.chain.from_iterable(map(self.by_gram.get, g, itertools.repeat(()))))
        n_key = len(g)
        keys = self.keys
        out: dict[int, float] = {}
        for ki, n in hits.items():
            si, n_label = keys[ki]
            s = 2 * n / (n_key + n_label)
            if s > out.get(si, 0.0):
                out[si] = s
        # in form order: the bigrams came in their set's order, which changes with the hash seed
        # (and callers break ties by order)
        return dict(sorted(out.items()))


@lru_cache(maxsize=None)
def _index(template_id: str) -> _Index:
    return _Index(template_id)


@lru_cache(maxsize=20000)  # labels repeat across pages and copies; bounded for a hostile page of distinct labels
def _similar(template_id: str, key: str) -> dict[int, float]:
    return _index(template_id).similarities(key)


@lru_cache(maxsize=20000)
def _within_reach(template_id: str, key: str) -> tuple:
    index = _index(template_id)
    return index.within(index.similar(key))


# ---------------------------------------------------------------- printed rows
_VALUE_KINDS = frozenset(("value", "blank", "mark", "empty", "garbled"))
_PRINTED = ("value", "blank", "garbled")  # a printed cell: a number, a blank mark, or digits no reader knows


class _Row:
    """A printed row: its label and the tokens after it, with what every comparison asks of them."""

    __slots__ = ("label", "label_span", "key", "context", "cells", "numbered", "unit", "values", "has_value")

    def __init__(self, label: Token, key: str, context: tuple, cells: list[Token], numbered: bool):
        self.label = label  # the row's own label (joined when it was split over lines)
        self.label_span = (label.start, label.end)  # every cell of the row carries it
        self.key = key
        self.context = context  # labels printed before it that are not its own (last ones last)
        self.cells = cells  # the non-label tokens after the label, in order
        self.numbered = numbered
        # read once (one pass over the cells): every form row the row is compared with asks for them
        unit: Optional[Token] = None  # the first unit (or '——') cell
        kept: list[Token] = []  # the cells but a line's tail
        values: list[Token] = []  # the value cells in order
        empties = 0
        has_value = False
        for t in cells:
            kind = t.kind
            if kind == "tail":
                continue
            kept.append(t)
            if kind in _VALUE_KINDS:
                values.append(t)
                if kind == "empty":
                    empties += 1
                elif kind == "value":
                    has_value = True
                elif unit is None and kind == "mark":
                    unit = t
            elif unit is None and kind == "unit":
                unit = t
        self.unit = unit
        # a line of bars is a blank cell, unless bars stand after every cell (a separator line: then
        # only a second bar in a row marks a blank)
        filled = len(kept) - empties
        if empties and filled >= 2:
            after = sum(1 for a, b in zip([label] + kept, kept) if a.kind != "empty" and b.kind == "empty")
            if after >= 0.8 * (filled + 1):
                values = [b for a, b in zip([label] + kept, kept)
                          if b.kind in _VALUE_KINDS and not (b.kind == "empty" and a.kind != "empty")]
        self.values = values
        self.has_value = has_value


def _join(toks: list[Token]) -> Token:
    return Token("label", "".join(t.text for t in toks), toks[0].start, toks[-1].end, toks[0].line, None)


def _rows(region: list[Token], index: _Index) -> tuple[list[_Row], list[list[Token]]]:
    """Printed rows of a region, and the runs of values that stand before any label."""
    rows: list[_Row] = []
    orphans: list[list[Token]] = []
    context: list[str] = []
    printed = index.printed  # most labels are the form's own: their key, similarity and numbering known
    is_label = [t.kind == "label" for t in region]
    i, n = 0, len(region)
    while i < n:
        j = i
        while j < n and is_label[j]:
            j += 1
        labels = region[i:j]
        k = j
        while k < n and not is_label[k]:
            k += 1
        cells = region[j:k]
        if not labels:
            if cells:
                orphans.append(cells)
            i = k
            continue
        # the row's own label: the last label, or the last two or three joined (a label split over lines)
        best, best_s, cut = labels[-1], -1.0, len(labels) - 1
        for take in (1, 2, 3) if len(labels) > 1 else ():  # a lone label is the row's whatever its score
            if take > 1 and best_s + 0.05 >= 1.0:
                break  # no join can beat it: a similarity is at most 1.0 (the last label is the form's own)
            part = labels[-take:]
            if take > len(labels) or (take > 1 and any(b.line - a.line > 1 for a, b in zip(part, part[1:]))):
                break
            joined = part[0] if take == 1 else _join(part)
            known = printed.get(joined.text)
            s = known[1] if known is not None else max(index.similar(_match_key(joined.text)).values(), default=0.0)
            if s > best_s + (0.05 if take > 1 else 0.0):
                best, best_s, cut = joined, s, len(labels) - take
        if cut:
            context.extend(_match_key(t.text) for t in labels[:cut])
        if cells:
            known = printed.get(best.text)
            key, _s, numbered = known if known is not None else \
                (_match_key(best.text), None, bool(_NUMBERED.match(best.text)))
            rows.append(_Row(best, key, tuple(context[-3:]), cells, numbered))
        else:
            context.append(_match_key(best.text))
        i = k
    return rows, orphans


# ---------------------------------------------------------------- alignment
@dataclass
class TableCell:
    """One printed cell of the form: the value as printed (unit as printed), where it stands."""

    field: Optional[str]  # None: a printed row that is no field of the form (kept as a fact)
    value: Optional[Decimal]  # None: printed blank
    unit: Optional[str]
    start: int  # the value's (or the blank mark's) span in the normalised text
    end: int
    label: str
    label_span: tuple
    confidence: float = 0.9
    flags: list = field(default_factory=list)


_UNIT_FAMILIES = ({"人", "人次", "名"}, {"次", "场"}, {"条", "件"}, {"万元", "元"})
_FITTING_UNITS = frozenset((a, b) for fam in _UNIT_FAMILIES for a in fam for b in fam)


def _unit_fits(printed: str, wanted: Optional[str]) -> bool:
    return not wanted or printed == wanted or (printed, wanted) in _FITTING_UNITS


_CONTEXT_BONUS = 0.3  # a row printed under its form group


def _score(row: _Row, spec: RowSpec, sim: float) -> float:
    """Similarity of a printed row to a form row, with its context and shape; < 0 when impossible."""
    unit = row.unit
    if not spec.columns:  # a group row: a '——' unit cell, or nothing but its label
        return sim if (unit is not None and unit.kind == "mark") or not row.values else -1.0
    if unit is not None and unit.kind == "mark" and not row.has_value:
        return -1.0
    if unit is not None and unit.kind == "unit" and spec.unit and not _unit_fits(unit.text, spec.unit):
        return -1.0
    if len(spec.columns) > 1 and spec.numbered and not row.numbered and (len(row.key) <= 4 or sim < 0.8):
        return -1.0  # column header words ('总计', '其他') are not the numbered rows of a 2-D table
    s = sim
    if spec.groups:
        inner = spec.groups[-1]
        if any(inner == c or (len(c) >= 2 and (inner in c or c in inner)) for c in row.context[-2:]):
            s += _CONTEXT_BONUS
        elif row.numbered and len(row.key) <= 6:
            s -= 0.3
    return s


def _align(rows: list[_Row], index: _Index) -> list[tuple[int, int, float]]:
    """(row, spec, score): the best order-keeping assignment, then strong matches out of order,
    then garbled rows placed by position between two matched rows."""
    specs, threshold = index.specs, index.threshold
    cand: list[tuple[int, int, float]] = []
    for i, r in enumerate(rows):
        for j, sim in index.within_reach(r.key):
            s = _score(r, specs[j], sim)
            if s >= threshold:
                cand.append((i, j, s))
    chain = _increasing_chain(cand, len(specs))
    placed_rows = {i for i, _j, _s in chain}
    placed_specs = {j for _i, j, _s in chain}
    # matches the order did not allow (a report that prints rows in its own order): strong ones,
    # and a row and a form row that are each other's best remaining match by a clear margin
    of_row: dict[int, list] = {}  # the candidates of each row and of each form row, when a rival is looked for
    of_spec: dict[int, list] = {}
    free = [c for c in cand if c[0] not in placed_rows and c[1] not in placed_specs]  # mostly none
    for i, j, s in sorted(free, key=lambda c: -c[2]):
        if i in placed_rows or j in placed_specs:
            continue
        if 0.5 <= s < 0.85 and not of_row:
            for c in cand:
                of_row.setdefault(c[0], []).append(c)
                of_spec.setdefault(c[1], []).append(c)
        # rivals: the other candidates of the row or of the form row, neither placed yet
        if s >= 0.85 or (s >= 0.5 and all(c[2] <= s - 0.1 for c in of_row[i] + of_spec[j] if (c[0] == i) != (c[1] == j)
                                          and c[0] not in placed_rows and c[1] not in placed_specs)):
            chain.append((i, j, s))
            placed_rows.add(i)
            placed_specs.add(j)
    chain.sort()
    # rows between two matched rows whose labels did not match (mojibake): placed by position
    anchors = [(-1, -1)]  # the matched rows whose form row lies after every one matched before
    for i, j, _s in chain:
        if j > anchors[-1][1]:
            anchors.append((i, j))
    anchors.append((len(rows), len(specs)))
    for (a0, b0), (a1, b1) in zip(anchors, anchors[1:]):
        if a1 - a0 < 2 or a0 < 0 or a1 >= len(rows):  # no row between them, or no matched row on one side
            continue
        gap_rows = [r for r in range(a0 + 1, a1) if r not in placed_rows and _GARBLED.search(rows[r].label.text)]
        if not gap_rows:
            continue
        gap_specs = [s for s in range(b0 + 1, b1) if s not in placed_specs]
        if len(gap_rows) != len(gap_specs):
            continue
        if all(_score(rows[r], specs[s], 1.0) >= 0 for r, s in zip(gap_rows, gap_specs)):
            chain.extend((r, s, 0.2) for r, s in zip(gap_rows, gap_specs))
    chain.sort()
    return chain


def _increasing_chain(cand: list[tuple[int, int, float]], m: int) -> list[tuple[int, int, float]]:
    """The heaviest set of (row, spec, score) pairs increasing in both row and spec:
    rows in order, a prefix-maximum tree over specs (O(P log m))."""
    # a prefix-maximum (Fenwick) tree over specs: the best chain score and the candidate that ends it
    tree_score = [0.0] * (m + 1)
    tree_end = [-1] * (m + 1)
    below, at = _tree_walks(m)
    back: list[int] = [-1] * len(cand)
    total: list[float] = [0.0] * len(cand)
    row_of = [c[0] for c in cand]
    for _row, same_row in itertools.groupby(sorted(range(len(cand)), key=row_of.__getitem__), row_of.__getitem__):
        group = list(same_row)
        for c in group:  # a row's candidates do not chain with each other
            _i, j, score = cand[c]
            best, prev = 0.0, -1  # the best chain over specs < j
            for node in below[j]:
                if tree_score[node] > best:
                    best, prev = tree_score[node], tree_end[node]
            total[c] = best + score
            back[c] = prev
        for c in group:
            score = total[c]
            for node in at[cand[c][1]]:
                if score > tree_score[node]:
                    tree_score[node], tree_end[node] = score, c
    if not cand:
        return []
    c = max(range(len(cand)), key=total.__getitem__)
    chain = []
    while c >= 0:
        chain.append(cand[c])
        c = back[c]
    chain.reverse()
    return chain


@lru_cache(maxsize=None)  # one per form: its number of rows
def _tree_walks(m: int) -> tuple[tuple, tuple]:
    """The nodes of a prefix-maximum tree over m specs that the query below spec j visits, in order,
    and those the update at spec j visits: each walk found once, not bit by bit at every candidate."""
    below, at = [], []
    for j in range(m):
        nodes, k = [], j
        while k > 0:
            nodes.append(k)
            k -= k & -k
        below.append(tuple(nodes))
        nodes, k = [], j + 1
        while k <= m:
            nodes.append(k)
            k += k & -k
        at.append(tuple(nodes))
    return tuple(below), tuple(at)


# characters a report label does not have but scrape damage leaves ('?。ㄒ唬┦盏缴暾垟?'): a row whose label
# shows them is placed by its position between two matched rows; a clean label that matches nothing is no field
_GARBLED = regex.compile(r"[?？\uFFFD\u2500-\u257F\u3100-\u312F\u3040-\u30FF\uE000-\uF8FF]")

_ANNUAL = ("本年累计", "全年", "年度", "统计数", "本年度")
_NOT_ANNUAL = ("历年累计", "代码", "本期", "上年", "计量单位", "单位")
_COLUMN_WORD = regex.compile(r"代码|本期实际|本期|本年累计|历年累计|累计|(?:\d{4}|本)年度?|年度|上年同期|上年")


def _kind_after(region: list[Token], k: int) -> str:
    """The kind of the first token after region[k] that is no empty cell or line tail ('' for none):
    looked at from k on, not in a copy of the region's rest (a header of many units)."""
    for i in range(k + 1, len(region)):
        kind = region[i].kind
        if kind != "empty" and kind != "tail":
            return kind
    return ""


def _value_column(region: list[Token]) -> tuple[Optional[int], Optional[int]]:
    """(the year's column, the row-code column) among several value columns, when the header names
    them (local 2008–2013 tables: 指标名称 | 计量单位 | 代码 | 本期实际 | 本年累计, or 2009年度 | 历年累计);
    (None, None) otherwise. The header is what stands before the first unit cell, however it is cut
    into lines ('计量' / '单位', '2009  年度')."""
    words: list[str] = []
    for k, t in enumerate(region):
        if t.kind == "unit" and _kind_after(region, k) == "value":
            break  # the first data row
        if t.kind == "label":
            w = "".join(t.text.split())
            if words and words[-1].isdigit() and w.startswith("年"):
                words[-1] += w  # '2009  年度' cut by its spaces
            else:
                words.append(w)
        elif t.kind == "value":
            words.append("".join(t.text.split()))
    cols = [w for w in words if _COLUMN_WORD.fullmatch(w)]
    if len(cols) < 2:
        return None, None
    code = cols.index("代码") if "代码" in cols else None
    for k, w in enumerate(cols):
        if any(a in w for a in _ANNUAL) and not any(b in w for b in _NOT_ANNUAL):
            return k, code
    for k, w in enumerate(cols):
        if "本期" in w:
            return k, code
    return None, code


def read_cells(tables: TableText, template: Template) -> list[TableCell]:
    """Every printed cell of the template's tables found in the scanned text."""
    index = _index(template.id)
    review = _review_columns(template.id)
    one_d = template.id == "gov2008"
    out: list[TableCell] = []  # every region read on its own: a table printed twice gives its facts twice
    for region in tables.regions:
        rows, orphans = _rows(region, index)
        chain = _align(rows, index)
        found: list[TableCell] = []
        matched = 0
        full_rows = 0  # matched rows that print three values or more (a page cut off after two such rows)
        headed_full = False  # a full row under a header that names each of its columns (a page cut after it)
        col, code = _value_column(region) if one_d else (None, None)
        placed = set()
        heads = None  # made when a row of the 2-D forms' 第二十条 blocks asks for its header
        for i, j, s in chain:
            spec = index.specs[j]
            placed.add(i)
            if not spec.columns:
                continue
            # (a row with a 总计 column prints its lone value there: its empties are run together, not unnamed)
            named = None
            if len(spec.columns) > 1 and not spec.columns[-1].endswith(".total"):
                if heads is None:
                    heads = _BlockHeads(region, rows)
                keys = heads.keys(i)
                named = _named_columns(keys, spec, template)
                if not headed_full and sum(t.kind == "value" for t in rows[i].values) >= len(spec.columns) >= 2:
                    headed_full = all(_names(keys, _column_of(template.fields[fid])) for fid in spec.columns)
            # the text's last row may be cut off by the page's end: its printed cells keep their places
            cut = region is tables.regions[-1] and i == len(rows) - 1
            cells = _fill(rows[i], spec, template, col, code, min(0.99, 0.5 + s / 2) if one_d else 0.9, named, cut)
            if cells:
                # a row that prints nothing but empty lines (a page's paragraphs apart by lines of spaces)
                # is evidence of a table only under the form's own label: a heading over such a line
                # ('二、主动公开政府信息情况') is no blank row of the form
                matched += s >= _OWN_LABEL or any(t.kind not in _UNPRINTED for t in rows[i].cells)
                full_rows += sum(1 for c in cells if c.value is not None) >= _FULL_ROW
                found.extend(cells)
        if one_d:  # printed rows that are no field of the form are still facts
            for i, r in enumerate(rows):
                if i not in placed and r.unit is not None and r.unit.kind == "unit":
                    v = _first_value(r, col)
                    if v is not None and v.kind == "value":
                        found.append(_cell(None, v, r, r.unit.text, 0.5))
        review_cells = []
        if review and _names_review(region):
            runs = [[t for t in run if t.kind in _VALUE_KINDS]
                    + [t for t in run if t.kind == "tail"] for run in orphans]
            runs += [r.values + [t for t in r.cells if t.kind == "tail"] for i, r in enumerate(rows) if i not in placed]
            for run in runs:  # fifteen cells in a row, blanks and a line's tail included
                if len(run) >= len(review) and any(t.kind == "value" for t in run):
                    review_cells = _cells((fid, t, None, None, 0.9) for fid, t in zip(review, run))
                    break
        # one or two rows that look like a table are no table; two rows of a 2-D block printed whole
        # are (a page that stops after them: the first block of a form, the first two application rows),
        # and so is one under a header that names each of its columns
        if matched >= 3 or (matched == 2 and full_rows == 2) or headed_full or review_cells:
            out.extend(found)
            out.extend(review_cells)
    return out


_FULL_ROW = 3  # values a matched row prints for two rows alone to be a table
_OWN_LABEL = 0.95  # a row label this similar to a form row's is the form's own (its numbering or spacing aside)
_UNPRINTED = frozenset(("empty", "tail"))


def _names_review(region: list[Token]) -> bool:
    labels = "".join(t.text for t in region if t.kind == "label")
    return "行政复议" in labels and "行政诉讼" in labels


class _BlockHeads:
    """The header of each row's block: the labels between the rows above that print values and the block's
    first row, keyed for column matching; found once per block (a table of thousands of rows)."""

    def __init__(self, region: list[Token], rows: list[_Row]):
        self.region, self.rows = region, rows
        self.starts = [t.start for t in region]
        self.first = []  # the first row of each row's block (rows printing values one after another)
        self.head = []  # the first of the rows without values right before it
        for i, r in enumerate(rows):
            after_value = i > 0 and rows[i - 1].has_value
            self.first.append(self.first[-1] if after_value else i)
            self.head.append(i if i == 0 or after_value else self.head[-1])
        self.cache: dict[int, list] = {}

    def keys(self, i: int) -> list:
        b = self.first[i]
        got = self.cache.get(b)
        if got is None:
            h = self.head[b]
            start = self.rows[h - 1].cells[-1].end if h > 0 and self.rows[h - 1].cells else self.region[0].start
            lo, hi = bisect_left(self.starts, start), bisect_left(self.starts, self.rows[b].label.start)
            got = self.cache[b] = [_column_key(t.text) for t in self.region[lo:hi] if t.kind == "label"]
        return got


def _named_columns(heads: list, spec: RowSpec, template: Template) -> Optional[tuple]:
    """The columns of a 2-D row that its block's header names, when it names only some of the form's
    (a 2022 page printing the 2019 form with the 2021 form's one '处理决定数量' column): None otherwise."""
    if not heads:
        return None
    named = tuple(fid for fid in spec.columns if _names(heads, _column_of(template.fields[fid])))
    if named:
        return named if len(named) < len(spec.columns) else None
    # a header that names none of the row's columns but another form's (收费金额 over a 2019 fee row
    # that counts items): its values belong to no column of this form
    return () if any(_names(heads, col) for col in _other_columns(template.id)) else None


def _column_key(label: str) -> str:
    return _match_key(label).replace("本年度", "本年")  # the forms print both for 'this year'


def _column_of(field) -> str:
    """The key of the column head the form prints over a field's cell ('' for none)."""
    return _column_key((field.cell or {}).get("col") or "")


def _names(heads: list, col: str) -> bool:
    """Does a header name the column? Whole, or in part: four characters of it, or its first three (a
    header cut short: '本年增/' for 本年增/减)."""
    return bool(col) and any(col in k or (len(k) >= 4 and k in col) or (len(k) == 3 and col.startswith(k))
                             for k in heads)


@lru_cache(maxsize=None)
def _other_columns(template_id: str) -> tuple:
    """Column heads the other forms print and this one does not."""
    own = {_column_of(f) for f in load_template(template_id).fields.values()}
    other = {_column_of(f) for t in TEMPLATES if t != template_id for f in load_template(t).fields.values()}
    return tuple(sorted(c for c in other - own if len(c) >= 4))


def _first_value(row: _Row, col: Optional[int]) -> Optional[Token]:
    """A 1-D row's value: the named column's, else the first printed value, else a blank cell."""
    vals = [t for t in row.values if t.kind != "mark"]
    if col is not None and len(vals) > col:
        return vals[col]
    printed = [t for t in vals if t.kind in _PRINTED]
    if printed:
        return printed[0]
    empty = vals[:1] or [t for t in row.cells if t.kind == "tail"][:1]
    return empty[0] if empty else None


def _cells(args) -> list[TableCell]:
    """The cells of (field, token, row, unit, confidence) tuples; a garbled cell gives none."""
    return [_cell(*a) for a in args if a[1].kind != "garbled"]


def _cell(fid: Optional[str], tok: Token, row: Optional[_Row], unit: Optional[str], conf: float) -> TableCell:
    if row is not None:
        lspan, ltext = row.label_span, row.label.text
    else:
        lspan, ltext = (tok.start, tok.end), ""
    if tok.kind == "value":
        return TableCell(fid, _number(tok), tok.unit or unit, tok.start, tok.end, ltext, lspan, conf)
    return TableCell(fid, None, unit, tok.start, tok.end, ltext, lspan, conf, ["blank_cell"])


def _number(tok: Token) -> Optional[Decimal]:
    """A value cell's number: '1,268', '-12', '+5', '减2' (a decrease), '152790元' (its unit apart)."""
    t = tok.text[:len(tok.text) - len(tok.unit)] if tok.unit else tok.text
    if t.isascii() and t.isdigit():
        return Decimal(t)
    t = t.replace(" ", "")
    if t in table_zero_words():  # '未增未减'
        return Decimal(0)
    if t[:1] in ("增", "减"):
        v = parse_signed(t[1:])
        return None if v is None else (-v if t[0] == "减" else v)
    return parse_signed(t)


def _fill(row: _Row, spec: RowSpec, template: Template, col: Optional[int], code: Optional[int],
          conf: float, named: Optional[tuple] = None, cut: bool = False) -> list[TableCell]:
    unit = row.unit.text if row.unit is not None and row.unit.kind == "unit" else None
    if len(spec.columns) == 1 and spec.unit is not None:  # a 1-D row: one value after its unit
        v = _first_value(row, col)
        if v is None:
            return []
        # the other value columns of a local table (本期实际, 历年累计) are facts of no field
        vals = [t for t in row.values if t.kind != "mark"]
        others = [t for k, t in enumerate(vals) if t.kind == "value" and t is not v and k != code] \
            if col is not None else []
        return _cells([(spec.columns[0], v, row, unit, conf)] + [(None, t, row, unit, 0.5) for t in others])
    vals = row.values
    if named is not None:  # the header names fewer columns than the form: its values fill those alone
        printed = [t for t in vals if t.kind in _PRINTED]
        if not named:
            return [_cell(None, t, row, unit, 0.5) for t in printed if t.kind == "value"]
        if 0 < len(printed) <= len(named):  # a row of empty cells: read as the form prints it, below
            return _cells((fid, t, row, unit or template.fields[fid].unit, conf) for fid, t in zip(named, printed))
    n = len(spec.columns)
    filled = [t for t in vals if t.kind != "empty"]
    if len(filled) >= n:
        vals = filled  # empties only pad
    elif len(vals) < n:  # empty cells at the end of a row printed on one line ('… | 5 | 3 | |') are blank cells;
        # after a lone cell ('0 |', one cell a line) the bar only ends the line
        # (a line that holds two cells or more, or two empty cells or more after its label)
        cells_on, tails_on = {row.label.line: 1}, {}
        for t in row.cells:
            cells_on[t.line] = cells_on.get(t.line, 0) + (t.kind not in ("tail", "empty"))
            tails_on[t.line] = tails_on.get(t.line, 0) + (t.kind == "tail")
        vals = vals + [t for t in row.cells if t.kind == "tail"
                       and (cells_on[t.line] >= 2 or tails_on[t.line] >= 2)][:n - len(vals)]
    vals = vals[:n]
    # a row with fewer cells than the form's columns and no blank cell printed, followed by more of the
    # table: its blanks were dropped (or run together: a 'gap'), so only its total can be placed
    if len(vals) < n and spec.columns[-1].endswith(".total") and \
            (any(t.kind == "gap" for t in row.cells) or (not cut and all(t.kind == "value" for t in vals))):
        return _total_only(row, spec, template, vals, unit, conf)
    cells = _cells((fid, t, row, unit or template.fields[fid].unit, conf) for fid, t in zip(spec.columns, vals))
    if not cells or len(cells) < len(vals):  # a garbled part: no total is imputed from the others
        return cells
    # a blank 总计 cell whose row has parts is not reported: impute it (forms.yaml)
    last = cells[-1]
    if len(cells) > 2 and last.field.endswith(".total") and last.value is None:
        parts = [c.value for c in cells[:-1] if c.value is not None]
        if any(parts):
            last.value = sum(parts, Decimal(0))
            last.flags = ["imputed"]
    return cells


def _total_only(row: _Row, spec: RowSpec, template: Template, vals: list, unit: Optional[str],
                conf: float) -> list[TableCell]:
    """A row whose empty cells were run together ('3 |', '3 |', '|||||||') or dropped: the places of its
    values are lost. Its last value is the 总计 when it is the sum of the others, and a lone value is the
    总计 (a part printed has its total printed too); the rest are facts of no field."""
    nums = [t for t in vals if t.kind == "value"]
    total = spec.columns[-1]
    if not nums or not total.endswith(".total"):
        return [_cell(None, t, row, unit, 0.5) for t in nums]
    if len(nums) == 1:
        return [_cell(total, nums[0], row, unit or template.fields[total].unit, conf)]
    parts = [_number(t) for t in nums[:-1]]
    if None in parts or sum(parts, Decimal(0)) != _number(nums[-1]):
        return [_cell(None, t, row, unit, 0.5) for t in nums]
    return [_cell(None, t, row, unit, 0.5) for t in nums[:-1]] + \
        [_cell(total, nums[-1], row, unit or template.fields[total].unit, conf)]


def form_value(cell: TableCell, template: Template) -> Decimal:
    """The cell's value in its field's unit (money printed in 元 goes to a field kept in 万元)."""
    v = cell.value if cell.value is not None else Decimal(0)
    if cell.unit not in (None, "万元") and template.fields[cell.field].money:
        factor = money_factor(cell.unit)
        if factor is not None:
            return (v * factor).normalize()
    return v


# ---------------------------------------------------------------- which form the labels are
@lru_cache(maxsize=None)
def _own_labels() -> dict[str, str]:
    """The printed labels (rows, groups, column heads) that one form prints and the others do not,
    each with its form."""
    printed: dict[str, set] = {}
    for tid in TEMPLATES:
        t = load_template(tid)
        keys = {k for sp in row_specs(tid) for k in sp.keys}
        for f in t.fields.values():
            c = f.cell or {}
            for part in [c.get("col")] + list(c.get("col_path") or []):
                if part:
                    keys.add(_match_key(part))
        printed[tid] = {k for k in keys if len(k) >= 4}
    return {k: tid for tid, keys in printed.items() for k in keys
            if not any(k in printed[o] for o in TEMPLATES if o != tid)}


def template_votes(tables: TableText) -> dict[str, int]:
    """How many printed labels of each template's own are on the page."""
    own = _own_labels()
    labels = {t.text for region in tables.regions for t in region if t.kind == "label"}
    seen: dict[str, set] = {tid: set() for tid in TEMPLATES}
    for key in {_match_key(label) for label in labels}:
        tid = own.get(key)
        if tid is not None:
            seen[tid].add(key)
    return {tid: len(v) for tid, v in seen.items()}


# ---------------------------------------------------------------- header/footer text
_META = {
    "meta.filing_unit": regex.compile(r"填报单位\s*(?:[(（]盖章[)）])?\s*[:：]\s*([^\s|\t:：]{2,40})"),
    "meta.period": regex.compile(r"[(（]\s*(\d{4}\s*年度)\s*[)）]"),
    "meta.unit_head": regex.compile(r"单位负责人\s*[:：]\s*([^\s|\t:：]{1,10}?)(?=\s|审核人|填报人|$)"),
    "meta.reviewer": regex.compile(r"审核人\s*[:：]\s*([^\s|\t:：]{1,10}?)(?=\s|填报人|联系电话|$)"),
    "meta.filler": regex.compile(r"(?<!单位)填报人\s*[:：]\s*([^\s|\t:：]{1,10}?)(?=\s|联系电话|填报日期|$)"),
    "meta.phone": regex.compile(r"联系电话\s*[:：]\s*([\d\-－ ]{5,20}\d)"),
    "meta.fill_date": regex.compile(r"填报日期\s*[:：]\s*(\d{4}\s*[-年./]\s*\d{1,2}\s*[-月./]\s*\d{1,2}日?)"),
}


def extract_meta(text: str, start: int = 0) -> dict[str, tuple[str, int, int]]:
    """meta.* strings of the form header/footer (value, start, end in `text`)."""
    out = {}
    for fid, pat in _META.items():
        m = pat.search(text, start)
        if m:
            out[fid] = (m.group(1).strip(), m.start(1), m.end(1))
    return out
