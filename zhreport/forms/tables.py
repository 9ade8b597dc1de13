"""Printed statistics tables, flattened into text, read back into form cells.

A scraped table arrives as ``label | unit | value |`` rows, tab-separated rows or
one cell per line. All three are read into one stream of rows (label, unit,
value), and the rows are aligned to the template's printed row sequence: labels
are compared by character bigrams, and a run of rows whose labels were garbled
(mojibake) between two confidently matched rows is placed by its position.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import regex

from .schema import Template, strip_label

__all__ = ["TableRow", "read_tables", "split_cells", "align_1d", "extract_meta"]

GROUP_MARKS = {"——", "--", "－－", "—", "──"}
BLANK_MARKS = {"-", "—", "/", "无", "－", "／", "－－", "--"}
_TABLE_UNITS = {"条", "件", "次", "篇", "个", "人", "人次", "万元", "元", "项", "件次", "条次", "名", "家", "场"}
_VALUE = regex.compile(r"^[+\-－]?\d+(?:,\d{3})*(?:\.\d+)?$")
_HEADER_WORDS = {"统计指标", "指标名称", "单位", "统计数", "计量单位", "指标"}


@dataclass
class Cell:
    text: str
    start: int
    end: int


@dataclass
class TableRow:
    label: Cell
    unit: Optional[Cell] = None
    value: Optional[Cell] = None
    blank: bool = False  # a value cell printed empty, '-', '/', '无'
    line_start: int = 0
    line_end: int = 0

    @property
    def is_group(self) -> bool:
        return (self.unit is not None and self.unit.text in GROUP_MARKS) and self.value is None

    @property
    def key(self) -> str:
        return strip_label(self.label.text)


def split_cells(text: str, s: int, e: int) -> list[Cell]:
    """The '|'- or tab-separated cells of text[s:e], trimmed, with their positions."""
    out = []
    pos = s
    for part in regex.split(r"[|\t]", text[s:e]):
        ps, pe = pos, pos + len(part)
        pos = pe + 1
        while ps < pe and text[ps].isspace():
            ps += 1
        while pe > ps and text[pe - 1].isspace():
            pe -= 1
        out.append(Cell(text[ps:pe], ps, pe))
    return out


def _kind(cell: Cell) -> str:
    t = cell.text.replace(" ", "")
    if not t:
        return "empty"
    if t in GROUP_MARKS and t not in ("—",):
        return "unit"
    if t in _TABLE_UNITS:
        return "unit"
    if t in BLANK_MARKS:
        return "blank"
    if _VALUE.match(t):
        return "value"
    if any("\u4e00" <= c <= "\u9fff" for c in t):
        return "label"
    return "other"


def is_tableish(line: str, max_len: int = 80) -> bool:
    """A line that can belong to a table: it has cell separators, or is short and no sentence."""
    s = line.strip()
    if "|" in s or "\t" in s:
        return True
    return 0 < len(s) <= max_len and "。" not in s


def read_tables(text: str) -> list[list[TableRow]]:
    """The table regions of the text, each a list of rows in order."""
    regions: list[list[TableRow]] = []
    lines = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    # region detection: runs of table-ish lines holding at least 4 rows with units
    run: list[TableRow] = []
    pending: Optional[TableRow] = None
    value_col: Optional[int] = None  # set by a header that names its columns (代码 | 本年累计)

    def flush():
        nonlocal run, pending
        if pending is not None:
            run.append(pending)
            pending = None
        if sum(1 for r in run if r.unit is not None) >= 4:
            kept = [r for r in run if r.key and r.key not in _HEADER_WORDS
                    and (r.unit is not None or r.value is not None or r.blank)]
            if kept:
                regions.append(kept)
        run = []

    for ls, le in lines:
        line = text[ls:le]
        if not is_tableish(line):
            flush()
            continue
        cells = split_cells(text, ls, le)
        if len(cells) > 1:
            if pending is not None:
                run.append(pending)
                pending = None
            header = _value_column(cells)
            if header is not None:
                value_col = header
                continue
            row = _row_from_cells(cells, ls, le, value_col)
            if row is not None:
                run.append(row)
            continue
        cell = cells[0]
        k = _kind(cell)
        if k == "empty":
            continue
        if k == "label":
            if pending is not None:
                run.append(pending)
            pending = TableRow(label=cell, line_start=ls, line_end=le)
        elif pending is not None and k == "unit" and pending.unit is None and pending.value is None:
            pending.unit = cell
            pending.line_end = le
        elif pending is not None and k in ("value", "blank") and pending.value is None and not pending.blank:
            if k == "value":
                pending.value = cell
            else:
                pending.blank = True
            pending.line_end = le
            run.append(pending)
            pending = None
    flush()
    return regions


_ANNUAL = ("本年累计", "全年", "年度", "统计数", "本年度")
_NOT_ANNUAL = ("历年累计", "代码", "本期", "上年", "计量单位", "单位")


def _value_column(cells: list[Cell]) -> Optional[int]:
    """Column of the year's value in a header that names its columns (local 2008-2013 tables:
    指标名称 | 计量单位 | 代码 | 本期实际 | 本年累计); None for any other line."""
    texts = [c.text.replace(" ", "") for c in cells]
    if not any(t in ("代码", "本年累计", "历年累计", "本期实际") for t in texts):
        return None
    for i, t in enumerate(texts):
        if any(a in t for a in _ANNUAL) and not any(b in t for b in _NOT_ANNUAL):
            return i
    for i, t in enumerate(texts):
        if "本期" in t:
            return i
    return None


def _row_from_cells(cells: list[Cell], ls: int, le: int, value_col: Optional[int] = None) -> Optional[TableRow]:
    kinds = [_kind(c) for c in cells]
    if "label" not in kinds:
        return None
    i = kinds.index("label")
    if value_col is not None and value_col < len(cells) and i < value_col:
        row = TableRow(label=cells[i], line_start=ls, line_end=le)
        for c, k in zip(cells[i + 1:value_col], kinds[i + 1:value_col]):
            if k == "unit" and row.unit is None:
                row.unit = c
        k = kinds[value_col]
        if k == "value":
            row.value = cells[value_col]
        elif k in ("blank", "empty"):
            row.blank = True
        if row.unit is None and row.value is None and not row.blank:
            return None
        return row
    row = TableRow(label=cells[i], line_start=ls, line_end=le)
    rest = list(zip(cells[i + 1:], kinds[i + 1:]))
    for c, k in rest:
        if k == "unit" and row.unit is None and row.value is None:
            row.unit = c
        elif k == "value" and row.value is None and not row.blank:
            row.value = c
        elif k in ("blank", "empty") and row.value is None and not row.blank and row.unit is not None \
                and row.unit.text not in GROUP_MARKS:
            row.blank = True
    if row.unit is None and row.value is None and not row.blank:
        return None
    return row


# ---------------------------------------------------------------- alignment
def _grams(s: str) -> set:
    return {s[i:i + 2] for i in range(len(s) - 1)} if len(s) > 1 else set(s)


def dice(a: str, b: str) -> float:
    """Dice coefficient of the character bigrams of two labels."""
    ga, gb = _grams(a), _grams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))


def _field_keys(template: Template, fid: str) -> list[str]:
    f = template.fields[fid]
    keys = [f.key]
    if f.label_full:
        keys.append(strip_label(f.label_full))
    keys.extend(strip_label(a) for a in template.aliases.get(fid, []))
    return [k for k in keys if k]


_KEY_CACHE: dict[str, list[tuple[frozenset, list[tuple[str, set]]]]] = {}


def _template_keys(template: Template) -> list[list[tuple[str, set]]]:
    """(key, bigrams) of every printed row of the template, computed once."""
    cached = _KEY_CACHE.get(template.id)
    if cached is None:
        cached = [[(k, _grams(k)) for k in _field_keys(template, fid)] for fid in template.order]
        _KEY_CACHE[template.id] = cached
    return cached


def _compatible(row: TableRow, template: Template, fid: str) -> bool:
    f = template.fields[fid]
    if f.kind == "group":
        return row.is_group or (row.value is None and not row.blank)
    if row.is_group:
        return False
    if row.unit is not None and f.unit and row.unit.text not in GROUP_MARKS:
        return row.unit.text == f.unit or {row.unit.text, f.unit} <= {"人", "人次", "名"} \
            or {row.unit.text, f.unit} <= {"次", "场"} or {row.unit.text, f.unit} <= {"条", "件"}
    return True


def align_1d(rows: list[TableRow], template: Template, threshold: float = 0.45) -> list[tuple[TableRow, str, float]]:
    """Monotone alignment of printed rows to the template's row order.

    Returns (row, field id, confidence) for every row placed.
    """
    order = template.order
    n, m = len(rows), len(order)
    if n == 0:
        return []
    keys = _template_keys(template)
    score = [[0.0] * m for _ in range(n)]
    for i, r in enumerate(rows):
        rk = r.key
        rg = _grams(rk)
        si = score[i]
        for j, fid in enumerate(order):
            if not _compatible(r, template, fid):
                si[j] = -1.0
                continue
            best_s = 0.0
            for k, kg in keys[j]:
                if k == rk:
                    best_s = 1.0
                    break
                if rg and kg:
                    d = 2 * len(rg & kg) / (len(rg) + len(kg))
                    if d > best_s:
                        best_s = d
            si[j] = best_s
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        bi, bp = best[i], best[i - 1]
        si = score[i - 1]
        for j in range(1, m + 1):
            v = bp[j] if bp[j] >= bi[j - 1] else bi[j - 1]
            s = si[j - 1]
            if s >= threshold and bp[j - 1] + s > v:
                v = bp[j - 1] + s
            bi[j] = v
    # backtrack
    pairs = []
    i, j = n, m
    while i > 0 and j > 0:
        s = score[i - 1][j - 1]
        if s >= threshold and abs(best[i][j] - (best[i - 1][j - 1] + s)) < 1e-9:
            pairs.append((i - 1, j - 1, s))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    # place garbled rows that sit between two anchors by their position
    placed = list(pairs)
    anchors = [(-1, -1)] + [(a, b) for a, b, _ in pairs] + [(n, m)]
    for (a0, b0), (a1, b1) in zip(anchors, anchors[1:]):
        gap_rows = list(range(a0 + 1, a1))
        gap_fields = list(range(b0 + 1, b1))
        if not gap_rows or len(gap_rows) != len(gap_fields):
            continue
        if a0 < 0 and a1 >= n:
            continue  # no anchor at all: nothing to place by
        if all(_compatible(rows[r], template, order[f]) for r, f in zip(gap_rows, gap_fields)):
            placed.extend((r, f, 0.6) for r, f in zip(gap_rows, gap_fields))
    placed.sort()
    return [(rows[i], order[j], min(0.99, 0.5 + s / 2)) for i, j, s in placed]


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
