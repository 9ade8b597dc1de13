"""A generator of mirror-site scrape damage, for tests, benchmarks and synthetic corpora.

It reproduces the process described in the project's artifacts notes: simplified
text converted to traditional character by character (no phrase rules, a few
characters left as they are), a per-page set of characters annotated with one
fixed pinyin reading each, GBK encoding cut before every byte pair equal to
。！？， (also across character boundaries), each piece decoded on its own, then
full-width ASCII folded to ASCII. ``indent`` puts the U+3000 indentation that
table cells of the source pages had at the start of chosen lines.
"""
from __future__ import annotations

import random
from functools import lru_cache
from typing import Iterable, Optional

from .mojibake import damage_text

# characters the farm's table left unconverted (seen in the seed)
_KEEP = set("范于布余了系征并托咨泄")
# the characters annotated on the seed's page, as one example of a page's list
SEED_ANNOTATED = "數網發業規統內鎮創協經據調監環態區現節續穩聯"


@lru_cache(maxsize=None)
def _s2t_char(ch: str) -> str:
    from .convert import _converter

    if ch == "台":
        return "臺"
    if ch in _KEEP:
        return ch
    out = _converter("s2tw").convert(ch)
    return out if len(out) == 1 else ch


def to_traditional_chars(text: str) -> str:
    """Simplified -> traditional, one character at a time, as the farm did."""
    return "".join(_s2t_char(c) for c in text)


@lru_cache(maxsize=None)
def reading(ch: str, tone: bool = True) -> Optional[str]:
    """One fixed reading per character, whatever the context (調 is always diào)."""
    from pypinyin import Style, pinyin

    got = pinyin(ch, style=Style.TONE if tone else Style.NORMAL, heteronym=False)
    syl = got[0][0] if got and got[0] else None
    return syl if syl and syl.isalpha() else None


def annotate(text: str, chars: Iterable[str], tone: bool = True) -> str:
    table = set(chars)
    out = []
    for ch in text:
        out.append(ch)
        if ch in table:
            r = reading(ch, tone)
            if r:
                out.append(f"({r})")
    return "".join(out)


def farm_damage(simplified: str, annotated: Iterable[str] = SEED_ANNOTATED, indent: Iterable[int] = (),
                tone: bool = True) -> str:
    """The whole damage process on clean simplified text. `indent`: line numbers to indent."""
    lines = simplified.split("\n")
    ind = set(indent)
    lines = [("\u3000" + line if i in ind else line) for i, line in enumerate(lines)]
    trad = to_traditional_chars("\n".join(lines))
    return damage_text(annotate(trad, annotated, tone))


def random_annotated_set(rng: random.Random, text: str, k: int = 22) -> str:
    """A page's list: k characters of the text whose traditional form differs."""
    pool = sorted({c for c in to_traditional_chars(text) if c != _simp_char(c)})
    rng.shuffle(pool)
    return "".join(pool[:k])


@lru_cache(maxsize=None)
def _simp_char(ch: str) -> str:
    from .convert import to_simplified

    return to_simplified(ch)
