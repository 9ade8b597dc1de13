"""The table-like regions of a text, read as streams of tokens whatever their layout.

A line of prose (a sentence ending in 。 or ；) ends a region. Every other line is cut into
cells — by '|', '｜' or tabs, by runs of spaces (aligned columns), or not at all (one cell a
line) — and every cell into tokens: label pieces, units, numbers, blank marks. A PDF text
layer's run-together cell ('(一)主动公开政府信息数条2046', '（一）予以公开 4 1 0 0 0 0 5') gives
its label, unit and numbers apart; page footers ('— 5 —', '第 3 页') and markdown rules are
dropped. Which cells are which form fields is ``forms.tables``' business.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import regex

from ..quantities import table_units, table_zero_words

__all__ = ["Token", "TableText", "scan"]

_DOUBLED_SIGN = regex.compile(r"[-－+＋]{2,}\d+(?:\.\d+)?")
_MARKS = {"——", "--", "－－", "──", "――", "—-"}  # '——': a group row's unit cell, or a blank value
_BLANKS = {"-", "—", "/", "无", "－", "／", "–", "―", "\\", "×", "空"}
_TAIL_MARKS = "—－/-"  # the blank marks _TAIL_NUMBERS reads at a cell's end
_NUMBER = r"[+\-－−]?\d+(?:,\d{3})*(?:\.\d+)?"
# a cell whose end is a run of numbers (PDF text layers: '(一)主动公开政府信息数条2046', '予以公开 4 1 0 5')
_TAIL_NUMBERS = regex.compile(rf"(?:(?<=^|[\s\p{{Han}}）)】:：])(?:{_NUMBER}|[—－/-])(?:\s+(?:[增减]?{_NUMBER}|[—－/-]))*)$")
# a row label after its group label on one line: '三、本年度办理结果 （一）予以公开', '（三）不予公开1.属于国家秘密'
_NUMBERING_INSIDE = regex.compile(r"\s+(?=(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.．、])\S)"
                                  r"|(?<=\p{Han})(?=[(（][一二三四五六七八九十]+[)）](?![项条款])|\d+[.．、](?!\d))")
# where a _NUMBERING_INSIDE cut can stand: a space, a bracket or a digit (most labels, '（一）主动公开…',
# have none after their first character, and a cut at a cell's start changes nothing)
_CUT_MARK = regex.compile(r"[\s(（\d]")
_PAGE_MARK = regex.compile(
    r"^\s*(?:[-—–－]+\s*\d+\s*[-—–－]+|第\s*\d+\s*页(?:\s*[,，/、]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+"
    r"|(?:Page|P\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?(?:\s*[-—–].*)?|共\s*\d+\s*页\s*第\s*\d+\s*页)\s*$", regex.I)
# what a page mark opens with after its spaces (besides a digit): the pattern is tried only there
_PAGE_MARK_FIRST = frozenset("-—–－第共Pp")
_RULE_LINE = regex.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*(?::?-{3,}:?)?\s*$")  # markdown '|---|---|'
_SPACES = regex.compile(r"[ \u00a0\u3000\u2002\u2003\u2009]{2,}")
_HAN = regex.compile(r"\p{Han}")
_NONSPACE = regex.compile(r"\S+")
_BARS = regex.compile(r"[|｜\t]")


class _CellPatterns:
    """Patterns built from the one unit list (models/units.yaml, via quantities.table_units)."""

    def __init__(self) -> None:
        units = sorted(table_units(), key=len, reverse=True)
        alt = "|".join(regex.escape(u) for u in units)
        self.units = frozenset(units)
        self.value = regex.compile(rf"^(?P<num>[增减]?{_NUMBER})(?P<unit>{alt})?$")
        # a money unit closing a cell after its number ('523.15万元')
        self.money_end = regex.compile(rf"(?<=\d)(?:{'|'.join(regex.escape(u) for u in units if u.endswith('元'))})$")
        # a unit cell run into the label before its number ('主动公开政府信息数条2046'): after 数/额/用/）,
        # or a unit of two characters or more after any label character
        long_units = "|".join(regex.escape(u) for u in units if len(u) > 1)
        short_units = "".join(regex.escape(u) for u in units if len(u) == 1)
        self.unit_end = regex.compile(rf"(?<=[数额用）)\p{{Han}}])({long_units}|(?<=[数额用）)])[{short_units}])$")
        # what a value or blank cell needs somewhere in its region: a number (it ends in a digit) or a
        # blank mark, with at most a unit before the cell ends (every cell ends at a space, a bar or the
        # line's end): a run of headings and titles ('一、主动公开情况', '…局2015年…报告') is no table
        blanks = "".join(regex.escape(b) for b in sorted(_BLANKS))
        self.value_or_blank = regex.compile(rf"(?:\d(?:{alt})?|[{blanks}])(?![\p{{L}}\p{{N}}])")


@lru_cache(maxsize=1)
def _patterns() -> _CellPatterns:
    return _CellPatterns()


@dataclass
class Token:
    __slots__ = ("kind", "text", "start", "end", "line", "unit")  # thousands per table
    kind: str  # label | unit | value | blank | mark | empty | tail (an empty cell after a line's last cell)
    # | garbled (a number with a doubled sign, '--253': it holds its column and fills no field)
    #            | gap (a line of bars standing for empty cells whose places were lost) | serial (a row number)
    text: str
    start: int
    end: int
    line: int
    unit: Optional[str]  # a value cell's own unit ('152790元'), else None


@dataclass
class TableText:
    """The table-like regions of a text, each a stream of tokens."""

    regions: list[list[Token]]


# A token before it is placed in a text is its shape: (kind, start, end, unit); its text is text[start:end].

def _cell_shape(before: str, cell: str) -> tuple:
    """(kind, start, end, unit) of each token of a cell, relative to the cell's start."""
    shape = _form_cell_shapes().get(cell)
    return shape if shape is not None else _read_cell_shape(before, cell)


@lru_cache(maxsize=1)
def form_cell_texts() -> frozenset:
    """The texts the forms print in their cells: row labels (with and without their numbering, in
    full, and their other spellings), group and column heads, units and marks."""
    from .schema import TEMPLATES, load_template  # the forms are read when a table is

    texts = set(_patterns().units) | _MARKS | _BLANKS
    for tid in TEMPLATES:
        t = load_template(tid)
        for f in t.fields.values():
            for label in (f.label, f.label_full):
                if label:
                    texts.update((label, (f.numbering or "") + label))
            cell = f.cell or {}
            texts.update([cell.get("col"), cell.get("block")] + list(cell.get("col_path") or [])
                         + list(cell.get("row_path") or []))
        for spellings in t.aliases.values():
            texts.update(spellings)
    return frozenset(x for x in texts if x and x == x.strip())


# the cell patterns look one character behind a cell's start, for a Han character (a numbering cut)
# and for one of [数额用）)] (a unit run into a label): none, '）' (the set, no Han), '数' (both) and
# '年' (Han, not the set) give every outcome of the two
_SOME_BEFORE = ("", "）", "数", "年")


@lru_cache(maxsize=1)
def _form_cell_shapes() -> dict[str, tuple]:
    """The shapes of the cells the forms print, read once: most cells of a table are the form's own,
    and the general reader tries a dozen patterns on each. Only shapes no character before the cell
    changes (the reader looks behind a cell's start for a unit run into a label), of texts without a
    run of spaces (a cell found here is one cell)."""
    shapes = {}
    for cell in form_cell_texts():
        if _SPACES.search(cell):  # read as cells apart by spaces, not as one cell
            continue
        read = {_read_cell_shape.__wrapped__(before, cell) for before in _SOME_BEFORE}
        if len(read) == 1:
            shapes[cell] = read.pop()
    return shapes


@lru_cache(maxsize=8192)
def _read_cell_shape(before: str, cell: str) -> tuple:
    """_cell_shape by the general reader."""
    k = len(before)
    return tuple((kind, a - k, b - k, unit) for kind, a, b, unit in _read_cell(before + cell, k, k + len(cell)))


def _read_cell(text: str, s: int, e: int) -> list[tuple]:
    """_cell_at's reading of the trimmed, non-empty cell text[s:e]: the shapes of its tokens."""
    cell = text[s:e]
    pat = _patterns()
    m = pat.value.match(cell)  # the commonest cell first
    if m:
        return [("value", s, e, m.group("unit"))]
    squeezed = "".join(cell.split())
    if squeezed in _MARKS:
        return [("mark", s, e, None)]
    if squeezed in table_zero_words():  # '未增未减': a value, 0 (tables._number)
        return [("value", s, e, None)]
    if squeezed in _BLANKS:
        return [("blank", s, e, None)]
    if squeezed in pat.units:
        return [("unit", s, e, None)]
    # units, numbers and blank marks apart by single spaces ('件 439', '4 1 0 0 0 0 5', '条 /')
    parts = [(p.start() + s, p.end() + s) for p in _NONSPACE.finditer(cell)] if len(squeezed) < len(cell) \
        else [(s, e)]
    if len(parts) > 1:
        toks = [_single(text, ps, pe) for ps, pe in parts]
        if all(t is not None for t in toks):
            return toks
    if not _HAN.search(cell):
        toks = [t for t in (_single(text, ps, pe) for ps, pe in parts) if t is not None]
        # a number with a doubled sign ('--253') is a printed cell all the same, not a blank; other
        # digits no reader knows (page marks '1/4', scrape junk '4k') are no cells
        return toks or ([("garbled", s, e, None)] if _DOUBLED_SIGN.fullmatch(cell) else [])
    out: list[tuple] = []
    # the last number may carry a money unit ('政府集中采购 14 523.15万元': the amount column's own unit)
    money = pat.money_end.search(cell) if cell[-1] == "元" else None
    body = cell[:money.start()] if money else cell
    # numbers (or a blank mark) can only close a cell that ends in a digit or a dash
    m = _TAIL_NUMBERS.search(body) if body and (body[-1].isdigit() or (not money and body[-1] in _TAIL_MARKS)) \
        else None
    label_end = e
    tail: list[tuple] = []
    if m and _HAN.search(cell[:m.start()]):
        label_end = s + m.start()
        for p in _NONSPACE.finditer(m.group(0)):
            ps, pe = s + m.start() + p.start(), s + m.start() + p.end()
            tok = _single(text, ps, pe)
            if tok is not None:
                tail.append(tok)
        if money and tail and tail[-1][0] == "value" and tail[-1][2] == s + m.end():
            tail[-1] = ("value", tail[-1][1], e, money.group(0))
    le = label_end
    while le > s and text[le - 1].isspace():
        le -= 1
    unit = pat.unit_end.search(text, s, le) if tail else None
    if unit:
        le = unit.start()
    # a group label and a row label on one line ('三、本年度办理结果 （一）予以公开')
    ls = s
    for cut in _NUMBERING_INSIDE.finditer(text, s, le) if _CUT_MARK.search(text, s + 1, le) else ():
        if ls < cut.start():
            out.append(("label", ls, cut.start(), None))
        ls = cut.end()
    if ls < le:
        out.append(("label", ls, le, None))
    if unit:
        out.append(("unit", unit.start(), unit.end(), None))
    out.extend(tail)
    return out


def _single(text: str, s: int, e: int) -> Optional[tuple]:
    """The shape of a part of a cell that stands apart by spaces, when it is a unit, a mark, a blank
    or a number without a unit."""
    t = text[s:e]
    pat = _patterns()
    if t in pat.units:
        return ("unit", s, e, None)
    if t in _MARKS:
        return ("mark", s, e, None)
    if t in _BLANKS:
        return ("blank", s, e, None)
    if t.strip("|｜") == "":
        return ("empty", s, s, None)
    m = pat.value.match(t)
    if m and not m.group("unit"):
        return ("value", s, e, None)
    return None


def _is_prose(line: str) -> bool:
    if "。" in line and "|" not in line and "\t" not in line:  # the commonest line, without stripping it
        return True
    s = line.strip()
    if "|" in s or "\t" in s:
        return False
    return "。" in s or s.endswith(("；", ";")) or len(s) > 400


def scan(text: str) -> TableText:
    """Table-like regions of the text as token streams; prose lines end a region."""
    regions: list[list[Token]] = []
    run: list[tuple[int, int, str]] = []  # (line number, start, line) of the lines since the last prose line
    pos = 0
    for n, line in enumerate(text.split("\n")):
        ls = pos
        pos += len(line) + 1
        if _is_prose(line):
            if run:
                _read_run(text, run, regions)
                run = []
        else:
            run.append((n, ls, line))
    if run:
        _read_run(text, run, regions)
    return TableText(regions)


def _read_run(text: str, run: list[tuple[int, int, str]], regions: list[list[Token]]) -> None:
    """The tokens of a run of lines, appended to `regions` when they hold a value or a blank cell."""
    _n, last_start, last_line = run[-1]
    if not _patterns().value_or_blank.search(text, run[0][1], last_start + len(last_line)):
        return  # no cell of it can be a value or a blank
    cur: list[Token] = []
    holds_value = False
    extra_blanks = _blank_line_cells(run)
    leading_blanks = _leading_bar_cells(run)
    for n, ls, line in run:
        if n in extra_blanks:
            cur.append(Token("empty", "", ls, ls, n, None))
            continue
        if n in leading_blanks:
            at = ls + line.index(line.lstrip()[0])
            cur.append(Token("empty", "", at, at, n, None))
        # a form's lines recur (its labels, rows of zeros, the same table in both scripts): read once
        # per line text (and the character before it, which the cell patterns look behind at), then placed
        read = _line_shape if len(line) <= _CACHED_LINE else _read_line_shape
        shapes, value_here = read(text[ls - 1] if ls else "", line)
        holds_value = holds_value or value_here
        cur.extend([Token(kind, line[a:b], ls + a, ls + b, n, unit) for kind, a, b, unit in shapes])
    if holds_value:
        regions.append(cur)


_TERMINATED_MIN_LINES = 4  # lines ending in a bar (and not starting with one) before the layout is taken


def _leading_bar_cells(run: list[tuple[int, int, str]]) -> frozenset:
    """The lines of a run whose leading bar ends an empty cell. Where a page ends every cell with a bar
    ('25 |', a blank cell a lone '|'), a line '| 25 |' is an empty cell and then 25 (the line break
    between them lost); where bars open the lines too (markdown rows, '| 12' value lines), a leading
    bar is the table's edge and carries nothing."""
    opened: list[int] = []
    ended = 0
    for n, _ls, line in run:
        core = line.strip()
        if not core.strip("|｜").strip():  # a blank line or bars alone: no cell text
            continue
        if core[0] in _BAR_CHARS:
            opened.append(n)
        elif core[-1] in _BAR_CHARS:
            ended += 1
    if not opened or ended < max(_TERMINATED_MIN_LINES, len(opened)):
        return frozenset()
    return frozenset(opened)


_BAR_CHARS = frozenset("|｜")


_BLANK_SEPARATED_MIN_GAPS = 8  # cells of a run before its blank lines are taken as a layout
# of the gaps between its cells: at least this share one blank line (the rest longer: empty cells), and
# at most _ADJACENT_SHARE none (a label wrapped over two lines)
_BLANK_SEPARATED_SHARE = 0.5
_ADJACENT_SHARE = 0.05


def _blank_line_cells(run: list[tuple[int, int, str]]) -> frozenset:
    """The blank lines of a run that are empty cells: in a table written one cell a line with one
    blank line between cells (a web page's cells, each a paragraph), an empty cell is one more blank
    line ('一、本年新收…' then six blank lines and '0' is six empty cells and the total). Elsewhere
    (any bar, tab or aligned columns, or no regular one-line gap) blank lines are layout only."""
    if len(run) < 2 * _BLANK_SEPARATED_MIN_GAPS:
        return frozenset()
    gaps: list[tuple[int, int]] = []  # (first blank line, blank lines) between two lines with text
    previous = None
    for n, _ls, line in run:
        if line:
            if "|" in line or "｜" in line or "\t" in line or _SPACES.search(line.strip()):
                return frozenset()
            if previous is not None:
                gaps.append((previous + 1, n - previous - 1))
            previous = n
    ones = sum(1 for _f, k in gaps if k == 1)
    adjacent = sum(1 for _f, k in gaps if k == 0)  # two cells on adjacent lines: no blank-line layout
    if len(gaps) < _BLANK_SEPARATED_MIN_GAPS or ones < _BLANK_SEPARATED_SHARE * len(gaps) or \
            adjacent > _ADJACENT_SHARE * len(gaps):
        return frozenset()
    return frozenset(first + extra for first, k in gaps for extra in range(1, k))


def _read_line_shape(before: str, line: str) -> tuple:
    """The shapes of the tokens of a line (start and end relative to the line's start), and whether
    one of them is a value or a blank."""
    shapes = _read_line(before, line)
    return shapes, not _VALUE_OR_BLANK.isdisjoint([shape[0] for shape in shapes])


_VALUE_OR_BLANK = frozenset(("value", "blank"))


# the lines of a form are short; a long line (a wide table's row) seldom recurs and would weigh on memory
_CACHED_LINE = 160
_line_shape = lru_cache(maxsize=4096)(_read_line_shape)


def _read_line(before: str, line: str) -> tuple:
    """The shapes of the tokens of a line that is no prose."""
    core = line.strip()
    if not core:  # a cell of its own that holds only spaces or &nbsp;: an empty cell; '' is a layout gap
        return (("empty", 0, 0, None),) if line else ()
    if core.isdigit() and core.isascii() and "\t" not in line:  # a number alone (no page mark is digits only)
        at = line.index(core)
        return (("value", at, at + len(core), None),)
    if ((core[0] in _PAGE_MARK_FIRST or core[0].isdigit()) and _PAGE_MARK.match(line)) or \
            ("---" in line and _RULE_LINE.match(line)):
        return ()
    if "|" in line or "｜" in line or "\t" in line:
        return _bar_cells(before, line)
    return tuple(_space_cells(before, line, 0, len(line)))


def _bar_cells(before: str, line: str) -> tuple:
    """_line_shape of a line cut by '|', '｜' or tabs."""
    toks: list[tuple] = []
    form_shapes = _form_cell_shapes()
    p = 0
    for part in _bar_parts(line):  # every separator is one character
        cs = p
        p += len(part) + 1
        core = part.strip()
        if not core:
            toks.append(("empty", cs, cs, None))
            continue
        at = cs if core is part else cs + part.index(core)  # str.strip gives the string itself when it strips nothing
        if core.isdigit() and core.isascii():  # the commonest cell, without the general reader
            toks.append(("value", at, at + len(core), None))
            continue
        shape = form_shapes.get(core)  # the next commonest: a text the form prints (no run of spaces in it)
        if shape is None and _SPACES.search(core) is None:  # one cell (a label, a unit)
            shape = _read_cell_shape(line[at - 1] if at else before, core)
        if shape is None:  # cells apart by runs of spaces
            toks.extend(_space_cells(before, line, cs, p - 1))
        elif len(shape) == 1:
            kind, a, b, unit = shape[0]
            toks.append((kind, at + a, at + b, unit))
        else:
            toks.extend(_placed(shape, at))
    # empties before the first cell carry nothing (a leading '| '); a line of bars is one empty cell;
    # empties after the last cell are a tail ('352 | |'): a blank cell only where a row lacks its value
    first = 0
    while first < len(toks) and toks[first][0] == "empty":
        first += 1
    if first == len(toks):  # a line of bars: one empty cell; three bars or more: empty cells run together
        return (("gap" if line.count("|") + line.count("｜") >= 3 else "empty", 0, 0, None),)
    if first:
        del toks[:first]
    lead = toks[0]
    if len(toks) > 1 and lead[0] == "value" and toks[1][0] == "label" and line[lead[1]:lead[2]].isdigit():
        toks[0] = ("serial",) + lead[1:]  # a row number before the label ('3 | 其中：…'), no value of the row above
    k = len(toks)
    while toks[k - 1][0] == "empty":
        k -= 1
    if k == len(toks):
        return tuple(toks)
    return tuple(toks[:k]) + tuple([("tail",) + t[1:] for t in toks[k:]])


def _bar_parts(line: str) -> list[str]:
    """The line cut at every '|', '｜' and tab (str.split when one of them is all it has: ~8x faster)."""
    if "｜" not in line and "\t" not in line:
        return line.split("|")
    if "|" not in line and "｜" not in line:
        return line.split("\t")
    return _BARS.split(line)


def _space_cells(before: str, line: str, s: int, e: int) -> list[tuple]:
    """Shapes of the cells of line[s:e] apart by runs of spaces (aligned columns)."""
    part = line[s:e]
    core = part.strip()
    if not core:
        return [("empty", s, s, None)]
    if not _SPACES.search(core):  # one cell (the commonest), without cutting and trimming
        at = s + part.index(core)
        return _cell_at(before, line, at, at + len(core))
    out: list[tuple] = []
    p, e = _trimmed(line, s, e)  # whitespace at the ends (a stray form feed after the last run) is no cell
    for m in _SPACES.finditer(line, p, e):
        if p < m.start():
            out.extend(_cell_at(before, line, *_trimmed(line, p, m.start())))
        p = m.end()
    if p < e:
        out.extend(_cell_at(before, line, *_trimmed(line, p, e)))
    return out


def _trimmed(line: str, s: int, e: int) -> tuple[int, int]:
    while s < e and line[s].isspace():
        s += 1
    while e > s and line[e - 1].isspace():
        e -= 1
    return s, e


def _cell_at(before: str, line: str, s: int, e: int) -> list[tuple]:
    """Shapes of the tokens of the trimmed cell line[s:e]. A cell that is a number may carry its unit
    ('152790元', '160.5964万元'); a number run into a label may not ('收到申请12件' is prose)."""
    if s >= e:
        return [("empty", s, s, None)]
    # the same cells recur in lines that differ (a label, then this report's numbers): read once per cell
    return _placed(_cell_shape(line[s - 1] if s else before, line[s:e]), s)


def _placed(shape: tuple, at: int) -> list[tuple]:
    """A cell's token shapes moved to where the cell starts in its line."""
    return [(kind, at + a, at + b, unit) for kind, a, b, unit in shape]
