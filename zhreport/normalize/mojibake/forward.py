"""The forward model of the damage: encode to GBK, cut before the punctuation pairs,
decode each piece on its own, fold full-width ASCII (used to verify restorations and
to generate synthetic damage)."""
from __future__ import annotations

import re

from .gbk import SPLIT_PATTERNS, gbk_pair

_CUT = re.compile(b"(?=" + b"|".join(re.escape(p) for p in SPLIT_PATTERNS) + b")")


def _decode_piece(b: bytes) -> str:
    out = []
    i, n = 0, len(b)
    while i < n:
        c = b[i]
        if c < 0x80:
            out.append(chr(c)); i += 1; continue
        if c in (0x80, 0xFF) or i + 1 >= n:
            out.append("?"); i += 1; continue
        d = b[i + 1]
        if d < 0x21:
            out.append("?"); i += 1; continue
        if 0x21 <= d <= 0x3F or d in (0x7F, 0xFF):
            out.append("?"); i += 2; continue
        ch = gbk_pair(c, d)
        if ch is not None:
            out.append(ch)
        i += 2
    return "".join(out)


_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20


def fold(s: str) -> str:
    """Full-width ASCII and the ideographic space as ASCII, as the mirror printed them."""
    return s.translate(_FOLD)


def damage_text(text: str, fold_width: bool = True) -> str:
    """The mirror's damage applied to (traditional, annotated) text: cut, decode, fold."""
    b = text.encode("gbk", errors="replace")
    cuts = [m.start() for m in _CUT.finditer(b)]  # overlapping matches too: a zero-width lookahead
    pieces, prev = [], 0
    for k in cuts:
        pieces.append(b[prev:k])
        prev = k
    pieces.append(b[prev:])
    s = "".join(_decode_piece(p) for p in pieces)
    return fold(s) if fold_width else s
