"""The whole pipeline for one document: read -> normalize -> quantities -> indicators -> forms -> checks.

``extract`` is a pure per-document function: the same input gives the same Report,
and nothing is shared between calls except read-only data tables.
"""
from __future__ import annotations

import hashlib
import os
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Optional, Union

import regex

from .checks import run_checks, text_vs_table
from .forms.detect import detect_template, detect_year
from .forms.mapping import load_rules
from .forms.schema import TEMPLATES, load_template
from .labels import label_key
from .forms.table_text import scan
from .forms.tables import TableCell, extract_meta, form_value, read_cells
from .indicators import Indicator, is_respective, listed_after, is_structure_count, link_indicators
from .normalize import NormalizedText, normalize
from .quantities import extract_quantities, money_factor
from .reader import Decoded, decode_bytes, read_path
from .readers import SUFFIXES, read_document
from .region import identify_issuer
from .types import Check, Fact, FieldValue, Quantity, Report, Statement

__all__ = ["extract", "extract_file", "extract_text", "DEFAULT_MAX_MB"]

Source = Union[str, bytes, os.PathLike]

DEFAULT_MAX_MB = 64  # one size limit for extract, extract_file and every CLI verb (batch too)

_LOOKS_LIKE_PATH = regex.compile(r"^\S{1,260}$")
_ASCII_PATH = regex.compile(r"^[A-Za-z0-9._~:/\\-]*[A-Za-z0-9]{2}[A-Za-z0-9._~:/\\-]*$")  # /etc/passwd, C:\x


def _looks_like_file_name(s: str) -> bool:
    """One word that ends like a file zhreport reads, or an ASCII path ("/etc/passwd")."""
    if not _LOOKS_LIKE_PATH.match(s):
        return False
    suffix = Path(s).suffix.lower()
    return (bool(suffix) and suffix in SUFFIXES) or \
        (("/" in s or "\\" in s) and _ASCII_PATH.match(s) is not None)


def read_file(path: Union[str, os.PathLike], max_bytes: int) -> Decoded:
    """A report file as batch reads it: PDF and Word by their readers, anything else as text or HTML
    (a binary file is refused with what it is)."""
    if Path(path).suffix.lower() in (".pdf", ".docx", ".doc"):
        return read_document(path, max_bytes)
    return read_path(path, max_bytes)


def _as_decoded(text_or_path: Source, source: Optional[str]) -> Decoded:
    """A str is always the report's text; bytes are its raw bytes."""
    if isinstance(text_or_path, bytes):
        return decode_bytes(text_or_path, source or "-")
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
    if isinstance(text_or_path, os.PathLike):
        return extract_file(text_or_path, year=year, template=template, mojibake=mojibake)
    decoded = _as_decoded(text_or_path, source)
    return extract_text(decoded.text, year=year, template=template, source=decoded.source,
                        sha256=decoded.sha256, encoding=decoded.encoding, mojibake=mojibake)


def extract_file(path: Union[str, os.PathLike], *, year: Optional[int] = None, template: Optional[str] = None,
                 mojibake: str = "repair", max_mb: float = DEFAULT_MAX_MB) -> Report:
    """Extract one report file: text in any encoding, a saved HTML page, PDF or Word — what batch reads.

    Raises ``ReadError`` (with the file and the reason) when it cannot be read, and for
    files larger than `max_mb` megabytes.
    """
    if not max_mb > 0:
        raise ValueError(f"max_mb must be positive, not {max_mb!r}")
    decoded = read_file(path, int(max_mb * 1024 * 1024))
    return extract_text(decoded.text, year=year, template=template, source=decoded.source,
                        sha256=decoded.sha256, encoding=decoded.encoding, mojibake=mojibake)


def extract_text(text: str, *, year: Optional[int] = None, template: Optional[str] = None,
                 source: str = "-", sha256: Optional[str] = None, encoding: Optional[str] = "utf-8",
                 mojibake: str = "repair") -> Report:
    """The stages, in order, over one decoded text."""
    if template is not None and template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}; expected one of {', '.join(TEMPLATES)}")
    norm = normalize(text, mojibake=mojibake)
    tables = scan(norm.text)
    year = year if year is not None else detect_year(norm.text)
    template, notes = _template(norm.text, year, template, tables)
    tpl = load_template(template) if template else None
    cells = read_cells(tables, tpl) if tpl is not None else []
    facts, table_form, statements = _in_text_order(_table_facts(norm, cells, tpl),
                                                   _narrative_facts(norm, tpl, _table_spans(norm.text, cells)))
    statements += _meta_statements(norm, tpl, bool(cells))
    form, disagreements = fill_form(table_form, statements, facts)
    checks = notes + disagreements + (run_checks(form, tpl) if tpl is not None else [])
    filing = form.get("meta.filing_unit")
    issuer, level, region = identify_issuer(norm.text, filing.value if filing else None)
    return Report(source=source, sha256=sha256 or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
                  encoding=encoding, script=norm.script, year=year, template=template, issuer=issuer,
                  issuer_level=level, region=region, text=text, repairs=list(norm.repairs), facts=facts,
                  form=form, checks=checks)


def _template(text: str, year: Optional[int], template: Optional[str], tables) -> tuple[Optional[str], list[Check]]:
    if template is not None:
        return template, []
    template, note = detect_template(text, year, tables)
    return template, [Check("template", "info", [], note)] if note else []


def _table_facts(norm: NormalizedText, cells: list[TableCell], tpl) -> tuple[list[Fact], dict[str, FieldValue]]:
    """A fact for every printed number, and the fields the cells fill (blank ones too): the form as the
    tables give it. A field's first cell fills it; no other source overrides a table, so a cell needs no
    statement."""
    facts: list[Fact] = []
    form: dict[str, FieldValue] = {}
    if not cells:  # most reports print no table
        return facts, form
    original, fields = norm.original, tpl.fields if tpl is not None else {}
    # a cell's span, and its row's label span (one for the row's cells), mapped in one call each
    spans = norm.source_spans([(c.start, c.end) for c in cells])
    label_spans = dict.fromkeys(c.label_span for c in cells)
    label_spans = dict(zip(label_spans, norm.source_spans(list(label_spans))))
    indicators: dict[str, str] = {}  # printed label -> the indicator of its cells' facts
    for c, span in zip(cells, spans):
        fact = None
        fid = c.field
        if c.value is not None and "imputed" not in c.flags:
            s, e = span
            fld = fields[fid] if fid else None
            if fld is not None and "/" in fld.label:
                indicator = fld.label
            else:
                indicator = indicators.get(c.label)
                if indicator is None:
                    indicator = indicators[c.label] = _label(c)
            fact = len(facts)
            # positional: a dataclass of thirteen fields takes keywords at twice the cost, per cell
            facts.append(Fact(s, e, original[s:e], c.value, c.unit, None, indicator, label_spans[c.label_span],
                              fid, "table", c.confidence))
        if fid is not None and fid not in form:  # a table printed twice: its first copy fills the form
            form[fid] = FieldValue(form_value(c, tpl), [fact] if fact is not None else [], "table",
                                   list(c.flags), [span])
    return facts, form


def _label(cell: TableCell) -> str:
    return label_key(cell.label) or cell.label


def _table_spans(text: str, cells: list[TableCell]) -> list[tuple[int, int]]:
    """The lines the tables were read from, each row from its label to its values (normalised
    offsets, sorted, merged): no narrative facts there."""
    # a row's cells share its label: the lines of each cell overlap the label's, so the row's
    # first and last positions give the same merged lines as every cell's own
    rows: dict[tuple[int, int], list[int]] = {}
    label_span = row = None
    for c in cells:
        if c.label_span is not label_span:  # a row's cells stand together and share one label span
            label_span = c.label_span
            row = rows.get(label_span)
            if row is None:
                row = rows[label_span] = list(label_span)
        if c.start < row[0]:
            row[0] = c.start
        if c.end > row[1]:
            row[1] = c.end
    merged: list[tuple[int, int]] = []
    line = (0, -1)  # the last line found: the next row mostly starts on the line after it
    for first, last in sorted(rows.values()):
        s = line[0] if line[0] <= first <= line[1] else _line_span(text, first)[0]
        if not line[0] <= last <= line[1]:
            line = _line_span(text, last)
        if merged and s <= merged[-1][1] + 1:  # sorted by first, so by s
            merged[-1] = (merged[-1][0], max(merged[-1][1], line[1]))
        else:
            merged.append((s, line[1]))
    return merged


def _narrative_facts(norm: NormalizedText, tpl, skip: list[tuple[int, int]]) -> tuple[list[Fact], list[Statement]]:
    """Quantities of the running text, what each counts, and the form field the rules map it to;
    then the values stated in words: zeros ('未收到政府信息公开申请') and values implied by a
    stated one ('均为当面提交')."""
    t = norm.text
    rules = load_rules(tpl.id) if tpl is not None else None
    field_for = rules.field_for if rules is not None else None
    # per fact its quantity, indicator (or None) and field match (or None), in text order, and the
    # spans of the quantities and indicators: mapped to the original afterwards in one call each
    found: list[tuple] = []
    q_spans: list[tuple[int, int]] = []
    ind_spans: list[tuple[int, int]] = []
    for s, e in _between(skip, len(t)):
        respective: dict[int, Indicator] = {}  # a list's later values, each given its own item
        quantities = extract_quantities(t, s, e)
        read_as: dict[int, str] = {}  # a count whose unit the page dropped: the unit its rules read it with
        if rules is not None and rules.lost_unit:
            quantities, read_as = _with_unitless(t, s, e, quantities, rules)
        for k, q in enumerate(quantities):
            if is_structure_count(t, q):  # '共六个部分' counts no fact
                continue
            if k in respective:
                inds = [respective.pop(k)]
            else:
                inds = link_indicators(t, q)
                if len(inds) > 1 and is_respective(t, inds[-1].end, q.start):  # 'A、B、C分别为x、y和z'
                    listed = listed_after(t, quantities, k)
                    if len(listed) + 1 == len(inds):
                        respective.update(zip(listed, inds[1:]))
                        inds = inds[:1]
                    else:  # which value is whose is not written
                        inds = []
            if not inds:
                found.append((q, None, None))
                q_spans.append((q.start, q.end))
                continue
            for ind in inds:
                found.append((q, ind, None if field_for is None else
                              field_for(t, ind.text, q.number_start, q.number_end, read_as.get(k, q.unit), q.end)))
                q_spans.append((q.start, q.end))
                ind_spans.append((ind.start, ind.end))
    original = norm.original
    facts: list[Fact] = []
    statements: list[Statement] = []
    stated: list[tuple[str, Decimal, int]] = []  # (field, value, position in the normalised text)
    ind_span = iter(norm.source_spans(ind_spans))
    for (q, ind, match), (s, e) in zip(found, norm.source_spans(q_spans)):
        if match is None:
            facts.append(Fact(s, e, original[s:e], q.value, q.unit, q.approx,
                              None if ind is None else ind.text, None if ind is None else next(ind_span),
                              None, "narrative", 0.6, 1, q.upper))
            continue
        fact = Fact(s, e, original[s:e], q.value, q.unit, q.approx, ind.text, next(ind_span), match.field,
                    "narrative", 0.8, match.sign, q.upper)
        facts.append(fact)
        value = _form_value(fact, "万元" if match.money else tpl.fields[match.field].unit)
        if value is not None and fact.approx != "range":  # '三四百件' states no one value
            statements.append(Statement(match.field, value, "narrative", (s, e), len(facts) - 1))
            stated.append((match.field, value, q.start))
    if rules is not None:
        for claim in rules.implied_claims(t, stated) + rules.zero_claims(t):
            if claim.field in tpl.fields:
                statements.append(Statement(claim.field, claim.value, "text",
                                            norm.source_span(claim.start, claim.end)))
    return facts, statements


def _in_text_order(table: tuple[list[Fact], dict[str, FieldValue]],
                   narrative: tuple[list[Fact], list[Statement]]) -> tuple[list[Fact], dict[str, FieldValue],
                                                                     list[Statement]]:
    """The tables' and the narrative's facts in one list sorted by where they stand; the fact indices
    of the tables' form and of the narrative's statements (local to their stage's list) follow their facts."""
    table_facts, table_form = table
    narrative_facts, statements = narrative
    facts = table_facts + narrative_facts
    keys = [(f.start, f.end, f.source) for f in facts]
    order = sorted(range(len(facts)), key=keys.__getitem__)
    rank = [0] * len(order)
    for new, old in enumerate(order):
        rank[old] = new
    for fv in table_form.values():
        if fv.facts:  # a cell's one fact
            fv.facts[0] = rank[fv.facts[0]]
    shift = len(table_facts)
    for st in statements:
        if st.fact is not None:
            st.fact = rank[st.fact + shift]
    return [facts[k] for k in order], table_form, statements


def _meta_statements(norm: NormalizedText, tpl, has_table: bool) -> list[Statement]:
    """The form's header and footer strings (填报单位, 填报日期, …), where a table was read."""
    if tpl is None or not has_table:
        return []
    return [Statement(fid, val, "meta", norm.source_span(s, e))
            for fid, (val, s, e) in extract_meta(norm.text).items() if fid in tpl.fields]


_STATEMENT_RANK = ("narrative", "text", "meta")  # fill_form: after the tables, the source that wins a field first


def fill_form(table_form: dict[str, FieldValue], statements: list[Statement],
              facts: list[Fact]) -> tuple[dict[str, FieldValue], list[Check]]:
    """Every field's value: the tables' form (``_table_facts``, taken over and completed), then the
    narrative's statements, then words, then header strings; a narrative value that contradicts the
    table becomes a check."""
    form = table_form
    checks: list[Check] = []
    reported: set = set()
    by_source: dict[str, list[Statement]] = {source: [] for source in _STATEMENT_RANK}
    for st in statements:  # each source keeps its order
        by_source[st.source].append(st)
    for source in _STATEMENT_RANK:
        for st in by_source[source]:
            fv = form.get(st.field)
            if fv is None:
                form[st.field] = FieldValue(st.value, [st.fact] if st.fact is not None else [], st.source,
                                            list(st.flags), [st.span] if st.span else [])
                continue
            if source != "narrative" or fv.source not in ("table", "both", "narrative"):
                continue
            if fv.value == st.value:
                if fv.source in ("table", "both"):
                    fv.source = "both"
                fv.facts.append(st.fact)
                fv.spans.append(st.span)
            elif fv.source in ("table", "both") and (st.field, st.value) not in reported:
                reported.add((st.field, st.value))
                checks.append(text_vs_table(st.field, fv.value, facts[st.fact]))
    for fv in form.values():
        if len(fv.facts) > 1:  # only a field stated twice has an order to put right
            fv.facts.sort()
        if len(fv.spans) > 1:
            fv.spans.sort()
    return form, checks


def _line_span(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, len(text) if e < 0 else e


def _with_unitless(t: str, s: int, e: int, quantities: list, rules) -> tuple[list, dict[int, str]]:
    """The quantities with the counts whose unit the page dropped (unit None, as written) put in text
    order, and per such count's index the unit the rules read it with."""
    taken = [(q.start, q.end) for q in quantities]
    extra = [(ns, ne, unit) for ns, ne, unit in rules.unitless_counts(t, s, e)
             if not any(a < ne and ns < b for a, b in taken)]
    if not extra:
        return quantities, {}
    lost = [Quantity(ns, ne, ns, ne, Decimal(t[ns:ne]), None, None, t[ns:ne]) for ns, ne, _u in extra]
    merged = sorted(quantities + lost, key=lambda q: q.start)
    unit_of = {(ns, ne): unit for ns, ne, unit in extra}
    return merged, {k: unit_of[(q.start, q.end)] for k, q in enumerate(merged)
                    if q.unit is None and (q.start, q.end) in unit_of}


def _between(spans: list[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    """The stretches of text[0:n] outside the sorted, non-overlapping spans (the tables' lines)."""
    out, pos = [], 0
    for s, e in spans:
        if s > pos:
            out.append((pos, s))
        pos = max(pos, e)
    if pos < n:
        out.append((pos, n))
    return out


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
