"""Traditional -> simplified with OpenCC (the official binding), length-preserving.

OpenCC's phrase tables almost never change a line's length; where one would, that
line is converted character by character instead, so the offset map stays the
identity and every position still points at its original character.
"""
from __future__ import annotations

from functools import lru_cache
from operator import ne


@lru_cache(maxsize=None)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def _convert_same_length(text: str, config: str) -> str:
    conv = _converter(config)
    out = conv.convert(text)
    if len(out) == len(text):
        return out
    lines_in = text.split("\n")
    lines_out = []
    for line in lines_in:
        c = conv.convert(line)
        if len(c) != len(line):
            c = "".join(x if len(x := conv.convert(ch)) == 1 else ch for ch in line)
        lines_out.append(c)
    return "\n".join(lines_out)


def to_simplified(text: str) -> str:
    """Simplified text of the same length as `text`."""
    if not text:
        return text
    return _convert_same_length(text, "t2s")


@lru_cache(maxsize=1)
def _simplified_only() -> frozenset:
    """Characters OpenCC's s2t changes (models/script/simplified_only.txt, built from OpenCC by
    scripts/build_script_chars.py): counted instead of converting a text to traditional script."""
    from ..resources import load_lines

    return frozenset("".join(load_lines("script", "simplified_only.txt")))


def detect_script(text: str, simplified: str | None = None) -> str:
    """'hant', 'hans' or 'mixed', from how many characters each conversion would change
    (t2s over the text, s2t character by character)."""
    if simplified is None:
        simplified = to_simplified(text)
    trad = 0 if text == simplified else sum(map(ne, text, simplified))
    if trad == 0:  # nothing a traditional character: no need to ask the other way
        return "hans"
    simp = sum(map(_simplified_only().__contains__, text))
    if simp >= 4 * trad:
        return "hans"
    if trad >= 4 * simp:
        return "hant"
    return "mixed"
