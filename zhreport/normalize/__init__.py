"""Repair scrape damage and convert to simplified script, keeping an offset map.

    >>> from zhreport.normalize import normalize
    >>> n = normalize("受理行政復(fù)議案件２件")
    >>> n.text
    '受理行政复议案件2件'
    >>> [(r.kind, r.before, r.after) for r in n.repairs]
    [('pinyin', '(fù)', ''), ('width', '２', '2')]
    >>> n.original[slice(*n.offsets.source_span(8, 10))]
    '２件'
"""
from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field

from ..types import Repair
from .convert import detect_script, to_simplified
from .fixes import FIXERS
from .html import html_edits, looks_like_html
from .offsets import Edit, OffsetMap, StageMap, apply_edits

__all__ = ["NormalizedText", "normalize", "DEFAULT_FIXERS"]

# order matters: entities first (they can hide digits), pinyin before width folding
DEFAULT_FIXERS = ("entity", "crlf", "pinyin", "width", "split_number", "split_line", "date")


@dataclass
class NormalizedText:
    original: str
    text: str  # repaired, simplified
    offsets: OffsetMap
    repairs: list[Repair] = field(default_factory=list)
    script: str = "hans"

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets.source_span(start, end)


MOJIBAKE_MODES = ("report", "repair", "off")


def normalize(original: str, fixers: tuple[str, ...] = DEFAULT_FIXERS, mojibake: str = "repair") -> NormalizedText:
    """Repair `original` and convert it to simplified script; nothing is lost.

    `mojibake`: "repair" searches each GBK-misalignment run's original characters,
    applies the confident restorations and reports the others (`applied` false, the
    best guess as `after`); "report" only lists the runs (no search: cheap); "off"
    skips them. Text without a run costs one regular-expression scan either way.
    """
    if mojibake not in MOJIBAKE_MODES:
        raise ValueError(f"mojibake must be one of {', '.join(MOJIBAKE_MODES)}, not {mojibake!r}")
    text = original
    offsets = OffsetMap()
    repairs: list[Repair] = []
    if looks_like_html(text):
        edits = html_edits(text)
        if edits:
            text = apply_edits(text, edits)
            offsets = offsets.then(StageMap(edits))
    if mojibake != "off":
        edits, reported = _mojibake_edits(text, mojibake)
        for r in reported:  # in original coordinates
            a, b = offsets.source_span(r.start, r.end)
            repairs.append(Repair(r.kind, a, b, original[a:b], r.after, r.confidence, r.applied))
        if edits:
            text = apply_edits(text, edits)
            offsets = offsets.then(StageMap(edits))
    for name in fixers:
        found = FIXERS[name](text)
        if not found:
            continue
        edits = [e for e, _kind in found]
        for e, kind in found:
            s, t = offsets.source_span(e.start, e.end) if e.end > e.start else (
                offsets.source_pos(e.start),) * 2
            repairs.append(Repair(kind, s, t, original[s:t], e.replacement))
        text = apply_edits(text, edits)
        offsets = offsets.then(StageMap(edits))
    simplified = to_simplified(text)
    script = detect_script(text, simplified)
    repairs.sort(key=lambda r: (r.start, r.end))
    return NormalizedText(original, simplified, offsets, repairs, script)


def _mojibake_edits(text: str, mode: str) -> tuple[list[Edit], list[Repair]]:
    from .mojibake import find_runs, repair_mojibake

    if mode == "report":
        return [], [Repair("mojibake", i, i + 2, text[i:i + 2], text[i:i + 2], 0.0, applied=False)
                    for i in find_runs(text)]
    edits, reported = [], []
    for r in repair_mojibake(text):
        if r.after is not None:
            end, after = _absorb_pinyin(text, r.end, r.after)
            edits.append(Edit(r.start, end, after))
            reported.append(Repair("mojibake", r.start, end, text[r.start:end], after, r.confidence))
        else:
            reported.append(Repair("mojibake", r.start, r.end, r.before, r.suggestion or r.before,
                                   r.confidence, applied=False))
    return edits, reported


def _absorb_pinyin(text: str, end: int, after: str) -> tuple[int, str]:
    """Remove pinyin annotations inside a restoration, and one it opens ('數(' + 'shù)'),
    so that the mojibake repair and the pinyin repair never overlap."""
    from .fixes import _ANNOT_TAIL, fix_inserted_pinyin, is_reading

    inner = fix_inserted_pinyin(after)
    if inner:
        after = apply_edits(after, [e for e, _k in inner])
    if len(after) >= 2 and after[-1] in "(（":
        m = _ANNOT_TAIL.match(text, end)
        if m and is_reading(after[-2], m.group(1)):
            return m.end(), after[:-1]
    return end, after


def apply_repairs(original: str, repairs: list[Repair]) -> str:
    """Replay the applied repairs on the original (before script conversion)."""
    edits = [Edit(r.start, r.end, r.after) for r in sorted(repairs, key=lambda r: r.start) if r.applied]
    return apply_edits(original, edits)


class _CallablePackage(types.ModuleType):
    """`zhreport.normalize(text)` calls normalize() while `zhreport.normalize` stays this
    package, so that its submodules (zhreport.normalize.mojibake, ...) are reachable as
    attributes instead of being shadowed by a function of the same name."""

    def __call__(self, original: str, *args, **kwargs) -> NormalizedText:
        return normalize(original, *args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
