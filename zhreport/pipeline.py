"""The whole pipeline for one document: read -> normalize -> quantities -> indicators -> forms -> checks.

``extract`` is a pure per-document function: the same input gives the same Report,
and nothing is shared between calls except read-only data tables.
"""
from __future__ import annotations

import hashlib
import os
import warnings
from bisect import bisect_right
from decimal import Decimal
from pathlib import Path
from typing import Optional, Union

import regex

from .checks import run_checks, text_vs_table
from .forms.detect import detect_template, detect_year
from .forms.mapping import load_rules
from .forms.schema import TEMPLATES, load_template, strip_label
from .forms.grid import read_grid
from .forms.tables import align_1d, extract_meta, read_tables
from .indicators import link_indicators
from .normalize import NormalizedText, normalize
from .region import identify_issuer
from .quantities import extract_quantities, money_factor, parse_signed
from .reader import Decoded, decode_bytes, read_path
from .readers import read_document
from .types import Check, Fact, FieldValue, Report

__all__ = ["extract", "extract_file", "extract_text", "DEFAULT_MAX_MB"]

Source = Union[str, bytes, os.PathLike]

DEFAULT_MAX_MB = 64  # one size limit for extract, extract_file and every CLI verb (batch too)

_LOOKS_LIKE_PATH = regex.compile(r"^\S{1,260}$")


def _looks_like_file_name(s: str) -> bool:
    """One word that ends like a file zhreport reads, or an ASCII path ("/etc/passwd")."""
    from .readers import SUFFIXES

    if not _LOOKS_LIKE_PATH.match(s):
        return False
    suffix = Path(s).suffix.lower()
    return (bool(suffix) and suffix in SUFFIXES) or (s.isascii() and ("/" in s or "\\" in s))


def read_file(path: Union[str, os.PathLike], max_bytes: int) -> Decoded:
    """A report file as batch reads it: PDF and Word by their readers, anything else as text or HTML
    (a binary file is refused with what it is)."""
    if Path(path).suffix.lower() in (".pdf", ".docx"):
        return read_document(path, max_bytes)
    return read_path(path, max_bytes)


def _as_decoded(text_or_path: Source, source: Optional[str]) -> Decoded:
    """A str is always the report's text; bytes are its raw bytes; a path is read as batch reads it."""
    if isinstance(text_or_path, bytes):
        return decode_bytes(text_or_path, source or "-")
    if isinstance(text_or_path, os.PathLike):
        return read_file(text_or_path, int(DEFAULT_MAX_MB * 1024 * 1024))
    if not isinstance(text_or_path, str):
        raise TypeError(f"extract() takes text, bytes or a path, not {type(text_or_path).__name__}")
    s = text_or_path
    if _looks_like_file_name(s):
        warnings.warn(f"extract() reads a str as the report's text, and {s[:80]!r} looks like a file name; "
                      f"to read a file use zhreport.extract_file({s[:80]!r}) or pass a pathlib.Path",
                      UserWarning, stacklevel=3)
    sha = hashlib.sha256(s.encode("utf-8", "surrogatepass")).hexdigest()
    return Decoded(s, None, sha, source or "-")  # type: ignore[arg-type]


def extract(text_or_path: Source, *, year: Optional[int] = None, template: Optional[str] = None,
            source: Optional[str] = None, mojibake: str = "repair") -> Report:
    """Extract facts, the filled form and its checks from one report.

    `text_or_path` is the report's text (a ``str`` is always text, never a file name),
    its raw bytes, or a ``pathlib.Path`` read as ``extract_file`` reads it.
    `year` and `template` override what is detected; `mojibake` is the normalisation's
    mode for GBK-misalignment runs ("repair", "report" or "off"; see
    ``zhreport.normalize.normalize``). Raises ``ReadError`` when a file cannot be
    read; never raises on odd text.

        >>> r = extract("2018年，受理行政复议案件2件，被依法纠错1件。")
        >>> [(f.text, int(f.value), f.field) for f in r.facts]
        [('2件', 2, 'admin_review.total'), ('1件', 1, 'admin_review.corrected')]
    """
    if template is not None and template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}; expected one of {', '.join(TEMPLATES)}")
    decoded = _as_decoded(text_or_path, source)
    return extract_text(decoded.text, year=year, template=template, source=decoded.source,
                        sha256=decoded.sha256, encoding=decoded.encoding, mojibake=mojibake)


def extract_file(path: Union[str, os.PathLike], *, year: Optional[int] = None, template: Optional[str] = None,
                 mojibake: str = "repair", max_mb: float = DEFAULT_MAX_MB) -> Report:
    """Extract one report file: text in any encoding, a saved HTML page, PDF or Word — what batch reads.

    Raises ``ReadError`` (with the file and the reason) when it cannot be read, and for
    files larger than `max_mb` megabytes.
    """
    if template is not None and template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}; expected one of {', '.join(TEMPLATES)}")
    if not max_mb > 0:
        raise ValueError(f"max_mb must be positive, not {max_mb!r}")
    decoded = read_file(path, int(max_mb * 1024 * 1024))
    return extract_text(decoded.text, year=year, template=template, source=decoded.source,
                        sha256=decoded.sha256, encoding=decoded.encoding, mojibake=mojibake)


def extract_text(text: str, *, year: Optional[int] = None, template: Optional[str] = None,
                 source: str = "-", sha256: Optional[str] = None, encoding: Optional[str] = "utf-8",
                 mojibake: str = "repair") -> Report:
    norm = normalize(text, mojibake=mojibake)
    t = norm.text
    yr = year if year is not None else detect_year(t)
    checks: list[Check] = []
    if template is None:
        template, note = detect_template(t, yr)
        if note:
            checks.append(Check("template", "warning", [], note))
    report = Report(source=source, sha256=sha256 or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
                    encoding=encoding, script=norm.script, year=yr, template=template, issuer=None,
                    text=text, repairs=list(norm.repairs))
    facts: list[Fact] = []
    form: dict[str, FieldValue] = {}
    table_cells = []
    table_lines: list[tuple[int, int]] = []
    tpl = load_template(template) if template else None
    grid_cells = []
    unplaced_rows = []  # printed rows that are no field of the form: kept as facts, field null
    if tpl is not None and tpl.id == "gov2008":
        for region in read_tables(t):
            placed = align_1d(region, tpl)
            table_cells.extend(placed)
            table_lines.extend((r.line_start, r.line_end) for r in region)
            placed_rows = {id(r) for r, _f, _c in placed}
            unplaced_rows.extend(r for r in region if id(r) not in placed_rows and r.value is not None)
    elif tpl is not None:
        grid_cells = read_grid(t, tpl)
        lines = sorted({_line_span(t, c.token.start) for c in grid_cells if c.token is not None})
        table_lines.extend(lines)
    # ---- table facts
    cell_facts: list[tuple[str, Optional[Fact], object]] = []
    for row, fid, conf in table_cells:
        fld = tpl.fields[fid]
        if row.value is not None:
            fact = _table_fact(norm, row, fid, fld.label, conf)
            if fact.value is None:
                continue
            facts.append(fact)
            cell_facts.append((fid, fact, row))
        elif row.blank:
            cell_facts.append((fid, None, row))
    for row in unplaced_rows:
        fact = _table_fact(norm, row, None, strip_label(row.label.text), 0.5)
        if fact.value is not None:
            facts.append(fact)
    for cell in grid_cells:
        if cell.token is not None and cell.value is not None:
            fact = _grid_fact(norm, cell, tpl)
            facts.append(fact)
            cell_facts.append((cell.field, fact, cell))
        else:
            cell_facts.append((cell.field, None, cell))
    # ---- narrative facts
    rules = load_rules(template) if template else None
    narrative: list[Fact] = []
    norm_start: dict[int, int] = {}  # id(fact) -> position in the normalised text
    money_facts: set = set()  # facts whose field holds money (in 万元) though the form prints no unit
    for q in extract_quantities(t):
        if _inside(q.start, table_lines):
            continue
        inds = link_indicators(t, q) or [None]
        for ind in inds:
            fid, sign, money = None, 1, False
            if rules is not None and ind is not None:
                fm = rules.field_for(t, ind.text, q.number_start, q.number_end, q.unit, q.end)
                if fm is not None:
                    fid, sign, money = fm.field, fm.sign, fm.money
            s, e = norm.source_span(q.start, q.end)
            ispan = norm.source_span(ind.start, ind.end) if ind is not None else None
            f = Fact(start=s, end=e, text=text[s:e], value=q.value, unit=q.unit, approx=q.approx,
                     indicator=ind.text if ind is not None else None,
                     indicator_span=ispan, field=fid, source="narrative",
                     confidence=0.8 if fid else 0.6, sign=sign)
            if money:
                money_facts.add(id(f))
            narrative.append(f)
            facts.append(f)
            norm_start[id(f)] = q.start
    facts.sort(key=lambda f: (f.start, f.end, f.source))
    index = {id(f): i for i, f in enumerate(facts)}
    # ---- form: table cells win
    for fid, fact, row in cell_facts:
        if fid in form:
            continue
        flags = list(getattr(row, "flags", []) or [])
        if fact is None:
            value = getattr(row, "value", None)
            form[fid] = FieldValue(value if value is not None else Decimal(0), [], "table",
                                   flags or ["blank_cell"])
        else:
            form[fid] = FieldValue(fact.value, [index[id(fact)]], "table", flags)
    reported: set = set()
    stated: list[tuple[str, Decimal, int]] = []
    for f in narrative:
        if not f.field or tpl is None:
            continue
        value = _form_value(f, "万元" if id(f) in money_facts else tpl.fields[f.field].unit)
        if value is None:
            continue
        stated.append((f.field, value, norm_start[id(f)]))
        fv = form.get(f.field)
        if fv is None:
            form[f.field] = FieldValue(value, [index[id(f)]], "narrative")
        elif fv.source in ("table", "both"):
            if fv.value == value:
                fv.facts.append(index[id(f)])
                fv.source = "both"
            elif (f.field, value) not in reported:
                reported.add((f.field, value))
                checks.append(text_vs_table(f.field, fv.value, f))
        elif fv.source == "narrative" and fv.value == value:
            fv.facts.append(index[id(f)])
    if rules is not None:
        for claim in rules.implied_claims(t, stated) + rules.zero_claims(t):
            if claim.field not in form and tpl is not None and claim.field in tpl.fields:
                form[claim.field] = FieldValue(claim.value, [], "text")
    if table_cells:
        for fid, (val, _s, _e) in extract_meta(t).items():
            if tpl is not None and fid in tpl.fields:
                form.setdefault(fid, FieldValue(val, [], "table"))
    for fv in form.values():
        fv.facts.sort()
    if tpl is not None:
        checks.extend(run_checks(form, tpl))
    report.facts = facts
    report.form = form
    report.checks = checks
    filing = form.get("meta.filing_unit")
    report.issuer, report.issuer_level, report.region = identify_issuer(t, filing.value if filing else None)
    return report


def _line_span(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, len(text) if e < 0 else e


def _grid_fact(norm: NormalizedText, cell, tpl) -> Fact:
    tok = cell.token
    s, e = norm.source_span(tok.start, tok.end)
    fld = tpl.fields[cell.field]
    return Fact(start=s, end=e, text=norm.original[s:e], value=cell.value, unit=fld.unit, approx=None,
                indicator=fld.label, indicator_span=None, field=cell.field, source="table", confidence=0.9)


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Is pos inside one of the sorted, non-overlapping spans?"""
    k = bisect_right(spans, (pos, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


def _form_value(f: Fact, field_unit: Optional[str]) -> Optional[Decimal]:
    value = f.value * f.sign
    if field_unit == "万元":
        factor = money_factor(f.unit)
        if factor is None:
            return None
        return (value * factor).normalize()
    if f.unit in ("%", "倍", "个百分点", "百分点"):
        return None
    return value


def _table_fact(norm: NormalizedText, row, fid: str, label: str, conf: float) -> Fact:
    s, e = norm.source_span(row.value.start, row.value.end)
    value = parse_signed(row.value.text)
    unit = row.unit.text if row.unit is not None and row.unit.text not in ("——", "--") else None
    return Fact(start=s, end=e, text=norm.original[s:e], value=value, unit=unit, approx=None,
                indicator=label, indicator_span=norm.source_span(row.label.start, row.label.end),
                field=fid, source="table", confidence=conf)
