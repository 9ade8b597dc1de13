"""spaCy pipeline component: the facts of a report as spans, the Report on the Doc.

    nlp = spacy.blank("zh")          # any segmenter: char (default), jieba, pkuseg
    nlp.add_pipe("zhreport", config={"year": None, "template": None, "mojibake": "repair"})
    doc = nlp(text)
    doc.spans["zhreport"]            # one span per fact, label = field id or "FACT"
    doc._.zhreport                   # the Report (rebuilt from doc.user_data)

The factory is registered through the ``spacy_factories`` entry point, so
``add_pipe("zhreport")`` works once zhreport is installed with its ``spacy`` extra.
Importing this module registers the factory; the ``Doc``/``Span`` extensions are
set only when a component is created.

Exact offsets: spaCy spans are made of whole tokens, and a segmenter may put a
token boundary inside a fact (jieba joins "共13件" into one token). Each fact's
span is the smallest run of tokens that covers it (``char_span(...,
alignment_mode="expand")``), and the fact's exact end-exclusive character offsets
survive beside it: ``span._.zhreport_start`` / ``span._.zhreport_end`` and
``doc._.zhreport.facts[i]`` for the i-th span of the group.

What must survive ``DocBin`` and ``nlp.pipe(n_process=2)`` is plain JSON in
``doc.user_data["zhreport"]`` (``Report.to_dict()``); ``doc._.zhreport`` is a
getter that rebuilds the Report from it on each access.
"""
# no `from __future__ import annotations`: spaCy builds a pydantic model from the factory's
# signature, and on spaCy 3.7 string annotations stay unresolved forward references
from typing import Optional

from .types import Fact, Report

__all__ = ["ZhReportComponent", "make_zhreport", "SPANS_KEY", "FACT_LABEL", "Errors"]

SPANS_KEY = "zhreport"
FACT_LABEL = "FACT"  # the label of a fact that fills no form field
_USER_DATA_KEY = "zhreport"


class Errors:
    """Messages of the component, with codes in spaCy's style ("[E001] ...")."""

    E001 = "[E001] zhreport's spaCy component needs spaCy: pip install 'zhreport[spacy]'"
    E002 = "[E002] zhreport component: template must be one of {expected} or null, not {value!r}"
    E003 = "[E003] zhreport component: mojibake must be one of {expected}, not {value!r}"
    E004 = "[E004] zhreport component: year must be an integer between 1990 and 2100 or null, not {value!r}"


try:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, SpanGroup
except ImportError as exc:  # the component needs the extra; the core does not
    raise ImportError(Errors.E001) from exc


def _check_config(year, template, mojibake) -> None:
    from .forms.schema import TEMPLATES
    from .normalize import MOJIBAKE_MODES

    if template is not None and template not in TEMPLATES:
        raise ValueError(Errors.E002.format(expected=", ".join(TEMPLATES), value=template))
    if mojibake not in MOJIBAKE_MODES:
        raise ValueError(Errors.E003.format(expected=", ".join(MOJIBAKE_MODES), value=mojibake))
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100):
        raise ValueError(Errors.E004.format(value=year))


@Language.factory(
    "zhreport",
    default_config={"year": None, "template": None, "mojibake": "repair"},
    assigns=["doc.spans", "doc._.zhreport"],
)
def make_zhreport(nlp: Language, name: str, year: Optional[int], template: Optional[str],
                  mojibake: str) -> "ZhReportComponent":
    return ZhReportComponent(name=name, year=year, template=template, mojibake=mojibake)


class ZhReportComponent:
    """Runs ``zhreport`` on each Doc's text; see the module docstring."""

    def __init__(self, name: str = "zhreport", *, year: Optional[int] = None,
                 template: Optional[str] = None, mojibake: str = "repair"):
        _check_config(year, template, mojibake)
        self.name = name
        self.year = year
        self.template = template
        self.mojibake = mojibake
        _set_extensions()

    def __call__(self, doc: Doc) -> Doc:
        from .pipeline import extract_text  # text only: never read a Doc's text as a path

        report = extract_text(doc.text, year=self.year, template=self.template, encoding=None,
                              mojibake=self.mojibake)
        doc.user_data[_USER_DATA_KEY] = report.to_dict()
        doc.spans[SPANS_KEY] = fact_spans(doc, report.facts)
        return doc

    def __reduce__(self):  # nlp.pipe(n_process=...) pickles the component for its workers
        return (_rebuild_component, (self.name, self.year, self.template, self.mojibake))


def _rebuild_component(name, year, template, mojibake) -> ZhReportComponent:
    return ZhReportComponent(name, year=year, template=template, mojibake=mojibake)


def fact_spans(doc: Doc, facts: list[Fact]) -> SpanGroup:
    """One span per fact, in the facts' order, each covering the tokens the fact touches."""
    spans = []
    for f in facts:
        span = doc.char_span(f.start, f.end, label=f.field or FACT_LABEL, alignment_mode="expand")
        if span is None:  # the fact lies in whitespace spaCy keeps outside tokens
            span = _covering_span(doc, f.start, f.end, f.field or FACT_LABEL)
        span._.zhreport_start = f.start
        span._.zhreport_end = f.end
        spans.append(span)
    return SpanGroup(doc, name=SPANS_KEY, spans=spans)


def _covering_span(doc: Doc, start: int, end: int, label: str) -> Span:
    first = last = None
    for tok in doc:
        tok_end = tok.idx + len(tok.text_with_ws)
        if first is None and tok_end > start:
            first = tok.i
        if tok.idx < max(end, start + 1):
            last = tok.i
    if first is None:
        first = len(doc) - 1
    last = max(first, last if last is not None else first)
    return Span(doc, first, last + 1, label=label)


def _set_extensions() -> None:
    if not Doc.has_extension("zhreport"):
        Doc.set_extension("zhreport", getter=report_of)
    for attr in ("zhreport_start", "zhreport_end"):
        if not Span.has_extension(attr):
            Span.set_extension(attr, default=None)


def report_of(doc: Doc) -> Optional[Report]:
    """The Report of a Doc the component has processed (None for any other Doc)."""
    data = doc.user_data.get(_USER_DATA_KEY) if isinstance(doc.user_data, dict) else None
    if data is None:
        return None
    return Report.from_dict(data, doc.text)
