"""Offset maps: every position of a normalised text points back into the original.

A stage (one fixer, or the script conversion) is described by its edits, each
replacing ``src[start:end]`` by a string. ``StageMap`` maps output positions of one
stage to input positions; ``OffsetMap`` composes the stages. The maps store edits
only, so an unchanged 50 MB text costs nothing.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple


class Edit(NamedTuple):  # a tuple: an HTML page makes one per text node, and a frozen dataclass costs 3x to build
    start: int
    end: int
    replacement: str


class StageMap:
    """Output -> input positions of one stage, built from sorted non-overlapping edits."""

    __slots__ = ("_out_starts", "_edits")

    def __init__(self, edits: list[Edit]):
        self._edits: list[tuple[int, int, int, int]] = []  # src_s, src_e, out_s, out_e
        self._out_starts: list[int] = []
        shift = 0
        for start, end, replacement in edits:
            out_s = start + shift
            out_e = out_s + len(replacement)
            self._edits.append((start, end, out_s, out_e))
            self._out_starts.append(out_s)
            shift = out_e - end

    def start(self, i: int) -> int:
        """Input position of output character i."""
        return self.spans(((i, i),))[0][0]

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Input span of the output span [i, j); an empty one stays empty, at its input position."""
        return self.spans(((i, j),))[0]

    def spans(self, spans) -> list[tuple[int, int]]:
        """span() of each of `spans`, in one loop (a table's hundreds of cells)."""
        out_starts, edits = self._out_starts, self._edits
        out = []
        for i, j in spans:
            # the start: in the last edit whose output starts at or before i, or after it
            k = bisect_right(out_starts, i) - 1
            if k < 0:
                a = i
            else:
                src_s, src_e, _out_s, out_e = edits[k]
                a = src_s if i < out_e else src_e + (i - out_e)
            if j <= i:
                out.append((a, a))
                continue
            # the end: that of the span's last character j - 1
            if j <= 0:
                b = 0
            else:
                k = bisect_right(out_starts, j - 1) - 1
                if k < 0:
                    b = j
                else:
                    _src_s, src_e, _out_s, out_e = edits[k]
                    b = src_e if j - 1 < out_e else src_e + (j - out_e)
            out.append((a, b))
        return out


class OffsetMap:
    """Composition of stage maps: normalised span -> original span."""

    def __init__(self, stages: list[StageMap] | None = None):
        self.stages = list(stages or [])

    def then(self, stage: StageMap) -> "OffsetMap":
        return OffsetMap(self.stages + [stage])

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of normalised text[start:end]."""
        if not self.stages:  # normalisation changed nothing (clean text)
            return start, end
        for stage in reversed(self.stages):
            start, end = stage.span(start, end)
        return start, end

    def source_spans(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """source_span of each span, mapped stage by stage (a table's hundreds of cells): `spans`
        itself when no stage changed the text (clean text, most reports)."""
        for stage in reversed(self.stages):
            spans = stage.spans(spans)
        return spans

    def source_pos(self, i: int) -> int:
        for stage in reversed(self.stages):
            i = stage.start(i)
        return i


def apply_edits(text: str, edits: list[Edit]) -> str:
    """The text with the (sorted, non-overlapping) edits applied."""
    if not edits:
        return text
    parts = []
    pos = 0
    for start, end, replacement in edits:
        parts.append(text[pos:start])
        parts.append(replacement)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
