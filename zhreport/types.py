"""Plain dataclasses passed between the pipeline stages, and the output contract.

Offsets are end-exclusive code-point offsets into the *original decoded text*.
Values are exact (``Decimal``); ``to_dict`` turns them into JSON numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional

__all__ = ["Repair", "Quantity", "Fact", "Statement", "FieldValue", "Check", "Report", "json_number", "report_dict"]


def json_number(value: Optional[Decimal]) -> Any:
    """Decimal -> int when integral, else float (repr of a short decimal is exact)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _decimal(v: Any) -> Any:
    """A JSON number back to the exact Decimal it was written from (strings and None as they are)."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    return v


@dataclass(frozen=True)
class Repair:
    """One change made to the original text by normalisation."""

    kind: str  # pinyin | mojibake | width | entity | split_number | ...
    start: int
    end: int
    before: str
    after: str
    confidence: float = 1.0
    applied: bool = True  # False: damage found but left as it is (reported only)

    def to_dict(self) -> dict:
        d = {"kind": self.kind, "start": self.start, "end": self.end,
             "before": self.before, "after": self.after}
        if self.confidence != 1.0 or not self.applied:
            d["confidence"] = round(self.confidence, 3)
        if not self.applied:
            d["applied"] = False
        return d


@dataclass
class Quantity:
    """A number with its unit, found in the normalised text (normalised offsets)."""

    start: int
    end: int
    number_start: int
    number_end: int
    value: Decimal
    unit: Optional[str]
    approx: Optional[str]
    number_text: str
    upper: Optional[Decimal] = None  # upper bound of a range (三四百 -> value 300, upper 400)


@dataclass
class Fact:
    """A numeric fact: quantity + what it counts + the form field, in original offsets."""

    start: int
    end: int
    text: str
    value: Decimal
    unit: Optional[str]
    approx: Optional[str]
    indicator: Optional[str]
    indicator_span: Optional[tuple[int, int]]
    field: Optional[str] = None
    source: str = "narrative"  # narrative | table
    confidence: float = 0.5
    sign: int = 1  # -1: the number is a decrease of its field ('本年减少3项' fills the field with -3)
    upper: Optional[Decimal] = None  # a range's upper bound ('三四百人': value 300, upper 400)

    def to_dict(self) -> dict:
        return {
            "start": self.start, "end": self.end, "text": self.text,
            "value": json_number(self.value), "unit": self.unit, "approx": self.approx,
            "indicator": self.indicator,
            "indicator_span": list(self.indicator_span) if self.indicator_span else None,
            "field": self.field, "source": self.source, "sign": self.sign,
            "confidence": round(self.confidence, 2),
            **({"upper": json_number(self.upper)} if self.upper is not None else {}),
        }


@dataclass
class Statement:
    """One statement of a form field's value besides the tables' cells (which fill the form
    directly) — a narrative fact, words ('未收到…' is 0), a header string — with the span of
    the original text that makes it."""

    field: str
    value: Any  # Decimal in the field's own unit and sign; str for meta fields
    source: str  # narrative | text | meta
    span: Optional[tuple[int, int]]  # original offsets
    fact: Optional[int] = None  # index of the fact that states it
    flags: list[str] = field(default_factory=list)


@dataclass
class FieldValue:
    """The value a document gives one form field, with the facts that state it."""

    value: Any  # Decimal for numeric fields, str for meta fields
    facts: list[int] = field(default_factory=list)
    source: str = "narrative"  # narrative | table | both | text (stated in words) | meta
    flags: list[str] = field(default_factory=list)  # e.g. "blank_cell", "imputed"
    spans: list[tuple[int, int]] = field(default_factory=list)  # original offsets of every statement

    def to_dict(self) -> dict:
        v = json_number(self.value) if isinstance(self.value, Decimal) else self.value
        d = {"value": v, "facts": list(self.facts), "source": self.source,
             "spans": [list(s) for s in self.spans]}
        if self.flags:
            d["flags"] = list(self.flags)
        return d


@dataclass
class Check:
    """A consistency finding: a sum that does not add up, narrative vs table, ..."""

    rule: str  # sum | le | balance | text_vs_table | template
    severity: str  # error | warning | info
    fields: list[str]
    message: str
    expected: Any = None
    found: Any = None

    def to_dict(self) -> dict:
        d = {"rule": self.rule, "severity": self.severity, "fields": list(self.fields),
             "message": self.message}
        if self.expected is not None:
            d["expected"] = json_number(self.expected) if isinstance(self.expected, Decimal) else self.expected
        if self.found is not None:
            d["found"] = json_number(self.found) if isinstance(self.found, Decimal) else self.found
        return d


@dataclass
class Report:
    """Everything extracted from one document; ``to_dict`` is the output contract."""

    source: str
    sha256: str
    encoding: Optional[str]
    script: str
    year: Optional[int]
    template: Optional[str]
    issuer: Optional[str]
    text: str = field(repr=False, default="")
    repairs: list[Repair] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    form: dict[str, FieldValue] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    issuer_level: Optional[str] = None  # "<national|province|city|county|township> <government|department>"
    region: Optional[dict] = None  # {"code": 6-digit division code, "name", "level"} from the gazetteer

    def to_dict(self) -> dict:
        from . import __version__

        return {
            "zhreport": __version__,
            "source": self.source, "sha256": self.sha256, "encoding": self.encoding,
            "script": self.script, "year": self.year, "template": self.template,
            "issuer": self.issuer, "issuer_level": self.issuer_level, "region": self.region,
            "repairs": [r.to_dict() for r in self.repairs],
            "facts": [f.to_dict() for f in self.facts],
            "form": {k: v.to_dict() for k, v in self.form.items()},
            "checks": [c.to_dict() for c in self.checks],
        }

    @classmethod
    def from_dict(cls, d: dict, text: str = "") -> "Report":
        """The Report that ``to_dict()`` describes (the original text given apart): to_dict's inverse."""
        facts = [Fact(start=f["start"], end=f["end"], text=f["text"], value=_decimal(f["value"]), unit=f["unit"],
                      approx=f["approx"], indicator=f["indicator"],
                      indicator_span=tuple(f["indicator_span"]) if f.get("indicator_span") else None,
                      field=f["field"], source=f["source"], confidence=f.get("confidence", 0.5),
                      sign=f.get("sign", 1), upper=_decimal(f.get("upper")))
                 for f in d.get("facts", [])]
        repairs = [Repair(r["kind"], r["start"], r["end"], r["before"], r["after"],
                          r.get("confidence", 1.0), r.get("applied", True)) for r in d.get("repairs", [])]
        form = {k: FieldValue(_decimal(v["value"]), list(v.get("facts", [])), v.get("source", "narrative"),
                              list(v.get("flags", [])), [tuple(s) for s in v.get("spans", [])])
                for k, v in d.get("form", {}).items()}
        checks = [Check(c["rule"], c["severity"], list(c["fields"]), c["message"], _decimal(c.get("expected")),
                        _decimal(c.get("found"))) for c in d.get("checks", [])]
        return cls(source=d.get("source", "-"), sha256=d.get("sha256", ""), encoding=d.get("encoding"),
                   script=d.get("script", "hans"), year=d.get("year"), template=d.get("template"),
                   issuer=d.get("issuer"), text=text, repairs=repairs, facts=facts, form=form, checks=checks,
                   issuer_level=d.get("issuer_level"), region=d.get("region"))

    def to_html(self) -> str:
        """One self-contained page for reading the report: see ``zhreport.view``."""
        from .view import render_html

        return render_html(self)


_INT_DIGITS = 4000  # below Python's int/str limit (4300 digits): JSON writers and readers take them


def _writable(value: Decimal) -> bool:
    """Can json_number's int or float of this value be written as JSON and read back?"""
    if not value.is_finite():
        return False
    if value == value.to_integral_value():
        return value.adjusted() < _INT_DIGITS
    return value.adjusted() < 300  # a float: finite, not Infinity


def report_dict(rep) -> dict:
    """``rep.to_dict()`` that JSON can write and read back: a value beyond what JSON numbers
    carry (thousands of digits, not finite) is left out (None) with a warning check naming
    the fact — a missing value rather than a crash or a wrong one."""
    dropped = []
    for f in rep.facts:
        if isinstance(f.value, Decimal) and not _writable(f.value):
            dropped.append(f"{f.start}-{f.end}")
            f.value = None
    for fid, fv in rep.form.items():
        if isinstance(fv.value, Decimal) and not _writable(fv.value):
            dropped.append(fid)
            fv.value = None
    for c in rep.checks:
        for attr in ("expected", "found"):
            v = getattr(c, attr)
            if isinstance(v, Decimal) and not _writable(v):
                setattr(c, attr, None)
    if dropped:
        rep.checks.append(Check("value_range", "warning", [], "values too large for JSON numbers left out: "
                                + ", ".join(dropped[:10]) + (" …" if len(dropped) > 10 else "")))
    return rep.to_dict()
