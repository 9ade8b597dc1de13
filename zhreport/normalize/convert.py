"""Traditional -> simplified with OpenCC (the official binding), length-preserving.

OpenCC's phrase tables almost never change a line's length; where one would, that
line is converted character by character instead, so the offset map stays the
identity and every position still points at its original character.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice
from operator import ne


@lru_cache(maxsize=None)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


_LONE_SURROGATES = re.compile("([\ud800-\udfff]+)")


def _convert_same_length(text: str, config: str) -> str:
    if _LONE_SURROGATES.search(text):  # OpenCC reads UTF-8, which cannot hold them: they stay as they are
        pieces = _LONE_SURROGATES.split(text)  # odd places: the surrogates
        return "".join(p if i % 2 else _convert_same_length(p, config) for i, p in enumerate(pieces))
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
def _simplified_only_class() -> "re.Pattern":
    """One of _simplified_only(), as a character class of the standard library's `re` (a bitmap:
    counting them in a report takes ~2 µs, a set lookup per character ~25 µs)."""
    return re.compile("[" + re.escape("".join(sorted(_simplified_only()))) + "]")


@lru_cache(maxsize=1)
def _simplified_only_table() -> "np.ndarray":
    """A boolean per code point up to the highest of _simplified_only(), then one False that every
    higher code point is looked up at: counting them in a text is one index by its code points."""
    import numpy as np

    codes = np.fromiter(map(ord, _simplified_only()), dtype=np.int64)
    table = np.zeros(int(codes.max()) + 2 if codes.size else 1, dtype=bool)
    table[codes] = True
    return table


def code_points(text: str) -> "np.ndarray":
    """The code points of `text` (a lone surrogate too), as one array (read at once from its UTF-32
    encoding)."""
    import numpy as np

    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def count_differing(a: str, b: str) -> int:
    """Positions where two strings of the same length differ, in one numpy pass (a Python one
    costs ~25 ns a character)."""
    import numpy as np

    return int(np.count_nonzero(code_points(a) != code_points(b)))


def _count_simplified_only(text: str) -> int:
    """Characters of _simplified_only() in `text`, in one numpy pass."""
    import numpy as np

    table = _simplified_only_table()
    return int(np.count_nonzero(table[np.minimum(code_points(text), len(table) - 1)]))


_HEAD = 1024  # characters whose converted ones are counted in Python, 64 at a time
_CHUNK = 64


def detect_script(text: str, simplified: str | None = None) -> str:
    """'hant', 'hans' or 'mixed', from how many characters each conversion would change
    (t2s over the text, s2t character by character): 'hans' when the simplified-only
    characters are at least 4x the converted ones, 'hant' when the converted ones are
    at least 4x the simplified-only ones."""
    if simplified is None:
        simplified = to_simplified(text)
    if text == simplified:  # nothing a traditional character: no need to ask the other way
        return "hans"
    # a traditional text is decided in its first characters, in Python, without loading numpy
    # (~70 ms): there the converted characters must reach 4x the simplified-only ones, so with more
    # than _HEAD / 4 of those they cannot, and numpy counts both kinds over the whole text at once
    simp = sum(1 for _ in islice(_simplified_only_class().finditer(text), _HEAD // 4 + 1))
    if simp > _HEAD // 4:
        simp, trad = _count_simplified_only(text), count_differing(text, simplified)  # t2s keeps the length
    else:
        enough = max(1, 4 * simp)  # text != simplified: at least one converted character
        trad = 0
        for at in range(0, min(len(text), _HEAD), _CHUNK):
            trad += sum(map(ne, text[at:at + _CHUNK], simplified[at:at + _CHUNK]))
            if trad >= enough:
                return "hant"
        if len(text) > _HEAD:  # a text undecided so far: its rest in one pass
            trad += count_differing(text[_HEAD:], simplified[_HEAD:])
    if trad >= max(1, 4 * simp):
        return "hant"
    if simp >= 4 * trad:
        return "hans"
    return "mixed"
