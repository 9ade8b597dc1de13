"""Two-dimensional tables of the 2019 and 2021 forms, read by label sequence.

Scraped copies lose the grid: row-span group labels (三、本年度办理结果, （三）不予公开)
appear once, cells come one per line, as '|' or tab rows with empty tails, or as
space-separated numbers of a flip-book page. The reader therefore does not trust
column positions: it walks the table's tokens, recognises each printed row label
(with the group it stands in), and gives the row the values that follow it, in the
form's column order. The review/litigation table is one row of fifteen numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Optional

import regex

from ..quantities import money_factor, parse_signed
from .schema import Template, strip_label
from .tables import dice, is_tableish, split_cells

__all__ = ["RowSpec", "row_specs", "read_grid", "GridCell"]

_NUM = regex.compile(r"^[+\-－]?\d+(?:,\d{3})*(?:\.\d+)?(?:万元|元|件|项|个)?$")
_BLANK = {"-", "—", "/", "无", "－", "／", "--", "——", "――"}
_NUMBERING = regex.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|\d+[.．、])")


@dataclass
class RowSpec:
    id: str
    key: str  # printed label without numbering
    numbered: bool  # the printed label carries numbering ('（七）总计', '3.其他')
    groups: tuple  # keys of the groups above it ('不予公开', ...)
    columns: list  # value field ids in column order
    section: str  # proactive | requests | review


@dataclass
class Token:
    text: str
    start: int
    end: int
    kind: str  # label | value | blank
    line: int


@dataclass
class GridCell:
    field: str
    value: Optional[Decimal]  # None: printed blank
    token: Optional[Token]
    flags: list = field(default_factory=list)


@lru_cache(maxsize=None)
def _specs(template_id: str) -> tuple:
    from .schema import load_template

    t = load_template(template_id)
    children: dict[str, list[str]] = {}
    for f in t.fields.values():
        if f.kind == "value" and f.parent:
            children.setdefault(f.parent, []).append(f.id)
    specs = []
    review_cols = []
    for f in t.fields.values():
        if f.kind == "row":
            cell_paths = [t.fields[c].cell or {} for c in children.get(f.id, [])]
            path = (cell_paths[0].get("row_path") if cell_paths else None) or []
            block = cell_paths[0].get("block") if cell_paths else None
            printed = path[-1] if path else f.label
            groups = tuple(strip_label(p) for p in path[:-1])
            if block:
                groups = (strip_label(block),)
            section = "proactive" if f.id.startswith("proactive") else "requests"
            specs.append(RowSpec(f.id, strip_label(printed), bool(_NUMBERING.match(printed)), groups,
                                 children.get(f.id, []), section))
        elif f.kind == "value" and (f.cell or {}).get("row") == "(single data row)":
            review_cols.append(f.id)
    if review_cols:
        specs.append(RowSpec("review_litigation", "", False, (), review_cols, "review"))
    return tuple(specs)


def row_specs(template: Template) -> tuple:
    return _specs(template.id)


def _tokens(text: str) -> list[list[Token]]:
    """Token runs of the table-like regions of the text."""
    regions: list[list[Token]] = []
    cur: list[Token] = []
    pos = 0
    for n, line in enumerate(text.split("\n")):
        ls, le = pos, pos + len(line)
        pos = le + 1
        if not is_tableish(line, max_len=90):  # 2-D row labels run longer
            if sum(t.kind == "value" for t in cur) >= 5:
                regions.append(cur)
            cur = []
            continue
        if "|" in line or "\t" in line:
            cells = split_cells(text, ls, le)
            while cells and not cells[-1].text:
                cells.pop()  # '||' tails
            while cells and not cells[0].text:
                cells.pop(0)
            for c in cells:
                cur.append(_token(text, c.start, c.end, n))
        else:
            parts = [(m.start() + ls, m.end() + ls) for m in regex.finditer(r"\S+", line)]
            if parts and all(_kind(text[s:e]) in ("value", "blank") for s, e in parts):
                cur.extend(_token(text, s, e, n) for s, e in parts)
            elif parts:
                s, e = parts[0][0], parts[-1][1]
                cur.append(_token(text, s, e, n))
    if sum(t.kind == "value" for t in cur) >= 5:
        regions.append(cur)
    return regions


def _kind(s: str) -> str:
    t = s.replace(" ", "")
    if not t or t in _BLANK:
        return "blank"
    if _NUM.match(t):
        return "value"
    return "label"


def _token(text: str, s: int, e: int, line: int) -> Token:
    return Token(text[s:e], s, e, _kind(text[s:e]), line)


def _sim(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return 1.0 if a == b else dice(a, b)


_GROUP_KEYS = ("本年度办理结果", "不予公开", "无法提供", "不予处理", "其他处理")


def _match(tok: Token, specs: tuple, groups: list) -> Optional[RowSpec]:
    key = strip_label(tok.text)
    if not key:
        return None
    numbered = bool(_NUMBERING.match(tok.text))
    best, best_s = None, 0.0
    for sp in specs:
        if sp.section == "review":
            continue
        s = _sim(key, sp.key)
        if s < 0.5:
            continue
        if sp.numbered and not numbered and (len(key) <= 4 or s < 0.8):
            continue  # header words ('总计', '其他') are not the numbered rows
        if sp.groups:
            inner = sp.groups[-1]
            if inner in groups[-2:]:
                s += 0.3
            elif numbered and len(key) <= 6:
                s -= 0.3
        if s > best_s:
            best, best_s = sp, s
    return best if best_s >= 0.6 else None


def read_grid(text: str, template: Template) -> list[GridCell]:
    """Cells of the 2-D tables found in the (normalised) text."""
    specs = row_specs(template)
    if not specs:
        return []
    out: list[GridCell] = []
    done: set = set()
    for toks in _tokens(text):
        groups: list[str] = []
        i, n = 0, len(toks)
        review = next((sp for sp in specs if sp.section == "review"), None)
        labels = "".join(t.text for t in toks if t.kind == "label")
        while i < n:
            tok = toks[i]
            if tok.kind != "label":
                i += 1
                continue
            key = strip_label(tok.text)
            sp = _match(tok, specs, groups)
            if sp is None or sp.id in done:
                if any(g in key for g in _GROUP_KEYS) or _NUMBERING.match(tok.text) and len(key) <= 8:
                    groups.append(key)
                i += 1
                continue
            vals: list[Token] = []
            j = i + 1
            while j < n and len(vals) < len(sp.columns):
                if toks[j].kind == "label":
                    if toks[j].line != tok.line or vals:
                        break
                    j += 1
                    continue
                vals.append(toks[j])
                j += 1
            if not vals:
                groups.append(key)
                i += 1
                continue
            done.add(sp.id)
            out.extend(_assign(sp, vals))
            i = j
        if review is not None and review.id not in done and "行政复议" in labels and "行政诉讼" in labels:
            run: list[Token] = []
            for t in toks:
                if t.kind in ("value", "blank"):
                    run.append(t)
                    if len(run) == len(review.columns):
                        break
                elif run:
                    run = []
            if len(run) == len(review.columns):
                done.add(review.id)
                out.extend(_assign(review, run))
    return out


def _value(tok: Token) -> Optional[Decimal]:
    t = tok.text.replace(" ", "")
    unit = None
    m = regex.search(r"(万元|元|件|项|个)$", t)
    if m:
        unit = m.group(1)
        t = t[:m.start()]
    v = parse_signed(t)
    if v is not None and unit in ("元", "万元"):
        v = v * money_factor(unit)
    return v


def _assign(sp: RowSpec, vals: list[Token]) -> list[GridCell]:
    cells = []
    for fid, tok in zip(sp.columns, vals):
        if tok.kind == "blank":
            cells.append(GridCell(fid, None, tok, ["blank_cell"]))
        else:
            cells.append(GridCell(fid, _value(tok), tok))
    for fid in sp.columns[len(vals):]:
        cells.append(GridCell(fid, None, None, ["blank_cell"]))
    # a blank 总计 cell whose row has parts is not reported: impute it (forms.yaml)
    if sp.section == "requests" and cells and cells[-1].field.endswith(".total") and cells[-1].value is None:
        parts = [c.value for c in cells[:-1] if c.value is not None]
        if any(parts):
            cells[-1].value = sum(parts, Decimal(0))
            cells[-1].flags = ["imputed"]
    return cells
