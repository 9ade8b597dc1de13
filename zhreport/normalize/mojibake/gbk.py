"""The GBK code table as the search needs it: characters by lead and by trail byte,
the well-formed pairs with no character (the decoder dropped them), how a damaged
character can have been produced, and the characters a pinyin syllable names."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

# the byte pairs the mirror cut before, as they appear after full-width folding
PUNCT_BYTES = {"。": (0xA1, 0xA3), "!": (0xA3, 0xA1), "！": (0xA3, 0xA1), "?": (0xA3, 0xBF),
               "？": (0xA3, 0xBF), ",": (0xA3, 0xAC), "，": (0xA3, 0xAC)}
SPLIT_PATTERNS = (b"\xa1\xa3", b"\xa3\xa1", b"\xa3\xbf", b"\xa3\xac")


@lru_cache(maxsize=None)
def gbk_pair(a: int, b: int) -> Optional[str]:
    try:
        return bytes((a, b)).decode("gbk")
    except UnicodeDecodeError:
        return None


def plausible(ch: str) -> bool:
    """Characters an original report can hold: Han, CJK/full-width punctuation, a few symbols."""
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F
            or (0xFF01 <= o <= 0xFF5E and not ("Ａ" <= ch <= "Ｚ" or "ａ" <= ch <= "ｚ"))
            or ch in "“”‘’—…·")


@lru_cache(maxsize=1)
def tables() -> tuple[dict, dict]:
    """The GBK characters a report can hold, by lead byte and by trail byte: (other byte, char)."""
    by_lead: dict[int, list[tuple[int, str]]] = {}
    by_trail: dict[int, list[tuple[int, str]]] = {}
    trails = [t for t in range(0x40, 0xFF) if t != 0x7F]
    for a in range(0x81, 0xFF):
        for b in trails:
            ch = gbk_pair(a, b)
            if ch is not None and plausible(ch):
                by_lead.setdefault(a, []).append((b, ch))
                by_trail.setdefault(b, []).append((a, ch))
    return by_lead, by_trail


@lru_cache(maxsize=1)
def byte_pairs() -> dict:
    """char -> (lead, trail) of each character of tables() (its GBK encoding: each is there once)."""
    return {ch: (lead, t) for lead, row in tables()[0].items() for t, ch in row}


@lru_cache(maxsize=1)
def unmapped_flags() -> bytearray:
    """flags[a * 256 + b] == 1 when (a, b) is a well-formed GBK pair with no character."""
    flags = bytearray(65536)
    for a in range(0x81, 0xFF):
        for b in range(0x40, 0xFF):
            if b != 0x7F and gbk_pair(a, b) is None:
                flags[a * 256 + b] = 1
    return flags


@lru_cache(maxsize=1)
def drop_first() -> frozenset:
    """Bytes that can open a dropped pair whose second byte is a lead byte."""
    f = unmapped_flags()
    return frozenset(u for u in range(0x81, 0xFF) if any(f[u * 256 + v] for v in range(0x81, 0xFF)))


@lru_cache(maxsize=8192)
def units(d: str) -> tuple:
    """How the out-of-step decoder can have produced damaged character d:
    ('invalid', ()) a lost trail byte, ('single', (byte,)) or ('pair', (byte, byte))."""
    out = []
    if d in ("?", "\ufffd"):
        out.append(("invalid", ()))
        out.append(("pair", (0xA3, 0xBF)))  # a full-width ？ folded to '?'
        return tuple(out)
    if d.isascii() and d.isprintable():
        out.append(("single", (ord(d),)))
        fw = "\u3000" if d == " " else chr(ord(d) + 0xFEE0)
        try:
            b = fw.encode("gbk")
            if len(b) == 2:
                out.append(("pair", tuple(b)))
        except UnicodeEncodeError:
            pass
        return tuple(out)
    try:
        b = d.encode("gbk")
    except UnicodeEncodeError:
        return tuple(out)
    if len(b) == 2:
        out.append(("pair", tuple(b)))
    return tuple(out)


@lru_cache(maxsize=None)
def read_as(syllable: str) -> tuple:
    """(lead, trail, char) of the GBK characters that `syllable` (toned or toneless) can be
    a reading of: a pinyin annotation after a run names the character before it."""
    from ..fixes import _plain, is_reading

    return tuple(x for x in reading_index().get(_plain(syllable), ()) if is_reading(x[2], syllable))


@lru_cache(maxsize=1)
def reading_index() -> dict:
    """Toneless syllable -> (lead, trail, char) of the GBK Han characters it is a reading of."""
    from pypinyin.pinyin_dict import pinyin_dict

    from ..fixes import _plain

    by_lead, _ = tables()
    index: dict = {}
    for lead, row in by_lead.items():
        for t, c in row:
            for syl in set(pinyin_dict.get(ord(c), "").split(",")) - {""}:
                index.setdefault(_plain(syl), []).append((lead, t, c))
    return index
