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

import re
import sys
import types
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from ..types import Repair
from .convert import detect_script, to_simplified
from .fixes import FIXERS
from .html import html_edits, looks_like_html
from .offsets import Edit, OffsetMap, StageMap, apply_edits

__all__ = ["NormalizedText", "normalize", "DEFAULT_FIXERS", "apply_repairs", "fold_line_ends"]

# order matters: entities first (they can hide digits), pinyin before width folding
DEFAULT_FIXERS = ("entity", "crlf", "pinyin", "width", "split_number", "split_line", "spaced_number", "date")


@dataclass
class NormalizedText:
    original: str
    text: str  # repaired, simplified
    offsets: OffsetMap
    repairs: list[Repair] = field(default_factory=list)
    script: str = "hans"

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets.source_span(start, end)

    def source_spans(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        return self.offsets.source_spans(spans)


MOJIBAKE_MODES = ("report", "repair", "off")
# a fixer's edits per text: far beyond any real report, and a bound on the memory a flood of
# damage ('&lt;x' a million times) can take; the rest of that damage is left as it is
MAX_STAGE_EDITS = 100_000
_LINE_END = re.compile("\r\n?")


def fold_line_ends(text: str) -> str:
    """`text` with CRLF and CR line ends as '\n', as normalize reads them first (not a repair:
    replaying the repairs on the original and folding its line ends gives the repaired text)."""
    return _LINE_END.sub("\n", text)


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
    if "\r" in text:  # Windows and old Mac line ends: one "\n", as every later stage (and lxml) reads lines
        edits = [Edit(m.start(), m.end(), "\n") for m in _LINE_END.finditer(text)]
        text = apply_edits(text, edits)
        offsets = offsets.then(StageMap(edits))
    if looks_like_html(text):
        edits = html_edits(text)
        if edits:
            text = apply_edits(text, edits)
            offsets = offsets.then(StageMap(edits))
    live = _LiveRepairs(original, repairs)
    if mojibake != "off":
        edits, reported = _mojibake_edits(text, mojibake)
        for r in reported:  # in original coordinates
            a, b = offsets.source_span(r.start, r.end)
            repairs.append(Repair(r.kind, a, b, original[a:b], r.after, r.confidence, r.applied))
        if edits:
            text = apply_edits(text, edits)
            offsets = offsets.then(StageMap(edits))
            live.add_stage(offsets.stages[-1], [i for i, r in enumerate(repairs) if r.applied], text)
    for name in fixers:
        found = FIXERS[name](text)[:MAX_STAGE_EDITS]
        if not found:
            continue
        edits = [e for e, _kind in found]
        first = len(repairs)
        for e, kind in found:
            s, t = offsets.source_span(e.start, e.end) if e.end > e.start else (
                offsets.source_pos(e.start),) * 2
            repairs.append(Repair(kind, s, t, original[s:t], e.replacement))
        text = apply_edits(text, edits)
        offsets = offsets.then(StageMap(edits))
        live.add_stage(offsets.stages[-1], list(range(first, len(repairs))), text)
    repairs[:] = [r for r in repairs if r is not None]
    simplified = to_simplified(text)
    script = detect_script(text, simplified)
    repairs.sort(key=lambda r: (r.start, r.end))
    return NormalizedText(original, simplified, offsets, repairs, script)


class _LiveRepairs:
    """The applied repairs with their span in the text as it is now, so that a repair of a
    later stage that touches an earlier one's output is merged with it into one repair:
    replaying the repairs on the original must give the repaired text."""

    def __init__(self, original: str, repairs: list):
        self.original, self.repairs = original, repairs
        self.spans: dict[int, tuple[int, int, int]] = {}  # repair index -> (stage, start, end) in that stage's output
        self.stages: list[tuple[StageMap, list[int]]] = []  # each stage's map and its edits' input starts
        self.by_start: list[tuple[int, int]] = []  # (original start, repair index) of the live repairs, sorted

    def add_stage(self, smap: StageMap, indices: list[int], text: str) -> None:
        """One stage's repairs: `indices` into the repair list, in the order of the stage's edits."""
        k = len(self.stages)
        self.stages.append((smap, [t[0] for t in smap._edits]))
        for i, (src_s, src_e, out_s, out_e) in zip(indices, smap._edits):
            r = self.repairs[i]
            conflicts = self._conflicts(r, src_s, src_e, k) if self.by_start else []
            if conflicts:
                s = min([r.start] + [self.repairs[j].start for j, _a, _b in conflicts])
                t = max([r.end] + [self.repairs[j].end for j, _a, _b in conflicts])
                out_s = min([out_s] + [a for _j, a, _b in conflicts])
                out_e = max([out_e] + [b for _j, _a, b in conflicts])
                kinds = dict.fromkeys([self.repairs[j].kind for j, _a, _b in conflicts] + [r.kind])
                self.repairs[i] = Repair("+".join(kinds), s, t, self.original[s:t], text[out_s:out_e])
                for j, _a, _b in conflicts:
                    self.repairs[j] = None
                    del self.spans[j]
            self.spans[i] = (k, out_s, out_e)
        self.by_start = sorted((self.repairs[i].start, i) for i in self.spans)

    def _conflicts(self, r: Repair, e_start: int, e_end: int, k: int) -> list[tuple[int, int, int]]:
        """Earlier live repairs near r in the original whose current span the edit [e_start, e_end)
        of stage k overlaps; with their span in stage k's output."""
        pos = bisect_left(self.by_start, (r.start, -1))
        while pos > 0 and self._end(pos - 1) >= r.start:
            pos -= 1
        out = []
        for start, j in self.by_start[pos:]:
            if start > r.end:
                break
            if j not in self.spans:
                continue
            stage, a, b = self.spans[j]
            for smap, starts in self.stages[stage + 1:k]:  # to the input of stage k
                a, b = _forward(smap, starts, a, b)
            if (a < e_end and e_start < b) or (a == b and e_start < a < e_end) or \
                    (e_start == e_end and a < e_start < b):
                out.append((j, *_forward(*self.stages[k], a, b)))
        return out

    def _end(self, pos: int) -> int:
        r = self.repairs[self.by_start[pos][1]]
        return -1 if r is None else r.end


def _forward(smap: StageMap, starts: list[int], a: int, b: int) -> tuple[int, int]:
    """Span [a, b) of a stage's input -> its span in the stage's output (an edit it touches inside is included)."""
    edits = smap._edits
    k = bisect_right(starts, a) - 1
    if k < 0:
        na = a
    else:
        src_s, src_e, out_s, out_e = edits[k]
        na = out_s if src_s <= a < src_e else out_e + (a - src_e)
    k = bisect_left(starts, b) - 1
    if k < 0:
        nb = b
    else:
        _src_s, src_e, _out_s, out_e = edits[k]
        nb = out_e if b <= src_e else out_e + (b - src_e)
    return na, max(na, nb)


def _mojibake_edits(text: str, mode: str) -> tuple[list[Edit], list[Repair]]:
    if "?" not in text and "\ufffd" not in text:  # a run opens with one of them: clean text stops here
        return [], []
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
