"""Traditional -> simplified with OpenCC (the official binding), length-preserving.

OpenCC's phrase tables almost never change a line's length; where one would, that
line is converted character by character instead, so the offset map stays the
identity and every position still points at its original character.
"""
from __future__ import annotations

import re
from functools import lru_cache


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
    witnesses = _t2s_witness_class()
    if witnesses is not None and witnesses.search(text) is None:
        return text  # no key of t2s that changes can match: most reports are simplified already
    return _convert_same_length(text, "t2s")


_BUILT_WITH = re.compile(r"with OpenCC (\S+);")


@lru_cache(maxsize=1)
def _t2s_witness_class() -> "re.Pattern | None":
    """One of the characters of models/script/t2s_witnesses.txt (a text without them is unchanged
    by t2s; built from OpenCC's dictionaries by scripts/build_script_chars.py), as a character
    class of the standard library's `re`: ~2 µs a report, t2s 7-25 µs. Any character beyond the
    Basic Multilingual Plane stands for the witnesses there (Extension B): `re` tests a class of
    BMP characters and ranges with a bitmap, and one that lists astral characters one by one
    (~200 µs). None when the installed OpenCC is not the one they were built from: then every
    text is converted."""
    import opencc

    from ..resources import model_path

    data = model_path("script", "t2s_witnesses.txt").read_text(encoding="utf-8")
    built = _BUILT_WITH.search(data)
    if built is None or built.group(1) != getattr(opencc, "__version__", None):
        return None
    chars = "".join(line.strip() for line in data.splitlines() if line.strip() and not line.startswith("#"))
    bmp = "".join(c for c in chars if c <= "\uffff")
    return re.compile("[" + re.escape(bmp) + "\U00010000-\U0010FFFF]")


@lru_cache(maxsize=1)
def _simplified_only() -> frozenset:
    """Characters OpenCC's s2t changes (models/script/simplified_only.txt, built from OpenCC by
    scripts/build_script_chars.py): counted instead of converting a text to traditional script."""
    from ..resources import load_lines

    return frozenset("".join(load_lines("script", "simplified_only.txt")))


@lru_cache(maxsize=1)
def _simplified_only_table() -> "np.ndarray":
    """A boolean per code point up to the highest of _simplified_only(), and one False past it
    (where every higher code point is looked up): counting them in a text is one index by
    its code points."""
    import numpy as np

    codes = np.fromiter(map(ord, _simplified_only()), dtype=np.int64)
    table = np.zeros(int(codes.max()) + 2 if codes.size else 1, dtype=bool)
    table[codes] = True
    return table


def _code_points(text: str) -> "np.ndarray":
    """The code points of `text` (a lone surrogate too), as one array."""
    import numpy as np

    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def detect_script(text: str, simplified: str | None = None) -> str:
    """'hant', 'hans' or 'mixed', from how many characters each conversion would change
    (t2s over the text, s2t character by character): 'hans' when the simplified-only
    characters are at least 4x the converted ones, 'hant' when the converted ones are
    at least 4x the simplified-only ones."""
    import numpy as np

    if simplified is None:
        simplified = to_simplified(text)
    if text == simplified:  # nothing a traditional character: no need to ask the other way
        return "hans"
    # both counts in one pass of numpy over the code points: a Python loop over the characters
    # of a long mixed text cost ~50 ns each
    codes = _code_points(text)
    table = _simplified_only_table()
    simp = int(np.count_nonzero(table[np.minimum(codes, len(table) - 1)]))
    trad = int(np.count_nonzero(codes != _code_points(simplified)))  # t2s keeps the length
    if trad >= max(1, 4 * simp):
        return "hant"
    if simp >= 4 * trad:
        return "hans"
    return "mixed"
