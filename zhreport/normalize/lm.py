"""A character bigram model (simplified script) for choosing among repair candidates.

Counts come from ``models/lm/char_bigrams.tsv`` (jieba's dictionary plus the form
labels; see scripts/build_char_lm.py) and, per document, from the document's own
undamaged text, which knows the page's vocabulary best.
"""
from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

from .convert import to_simplified
from ..resources import model_path


@lru_cache(maxsize=1)
def _base() -> tuple[dict, dict, int]:
    uni: dict[str, int] = {}
    bi: dict[str, int] = {}
    total = 1
    with open(model_path("lm", "char_bigrams.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                if "total=" in line:
                    total = int(line.rsplit("total=", 1)[1])
                continue
            key, _, n = line.rstrip("\n").partition("\t")
            if len(key) == 1:
                uni[key] = int(n)
            elif len(key) == 2:
                bi[key] = int(n)
    return uni, bi, total


class CharLM:
    """log P of simplified text under base counts + a document cache."""

    def __init__(self, document: str = "", cache_weight: float = 2000.0):
        self.uni, self.bi, self.total = _base()
        self.cache_bi: Counter = Counter()
        self.cache_uni: Counter = Counter()
        self.cache_weight = cache_weight
        self._memo: dict[str, float] = {}
        self._steps: dict[str, float] = {}
        self.script: str = "mixed"
        if document:
            self.add_document(document)

    def add_document(self, text: str) -> None:
        self._memo.clear()
        self._steps.clear()
        s = to_simplified(text)
        for a, b in zip(s, s[1:]):
            if _is_han(a) and _is_han(b):
                self.cache_bi[a + b] += 1
        for c in s:
            if _is_han(c):
                self.cache_uni[c] += 1

    def logp_char(self, c: str) -> float:
        n = self.uni.get(c, 0) + self.cache_uni.get(c, 0) * self.cache_weight
        return math.log((n + 1) / (self.total + 20000))

    def logp_pair(self, a: str, b: str) -> float:
        """log P(b | a), interpolated with the unigram."""
        key = a + b
        got = self._memo.get(key)
        if got is None:
            pb = math.exp(self.logp_char(b))
            n_ab = self.bi.get(key, 0) + self.cache_bi.get(key, 0) * self.cache_weight
            n_a = self.uni.get(a, 0) + self.cache_uni.get(a, 0) * self.cache_weight
            # linear interpolation: the dictionary's bigrams are word-internal, so a word
            # boundary must not cost much more than starting afresh after punctuation
            got = math.log(BIGRAM_LAMBDA * (n_ab / n_a if n_a else 0.0) + (1 - BIGRAM_LAMBDA) * pb)
            self._memo[key] = got
        return got

    def step(self, prev: str, ch: str) -> float:
        """log P(ch | prev) for single characters (any script), memoised.

        In a document of one script, a character that exists only in the other one
        is penalised: mirror pages were converted as a whole.
        """
        key = prev + ch
        got = self._steps.get(key)
        if got is None:
            got = self.score(ch, prev)
            if self.script == "hant" and _is_simplified_only(ch):
                got += OTHER_SCRIPT_PENALTY
            elif self.script == "hans" and _simp(ch) != ch:
                got += OTHER_SCRIPT_PENALTY
            self._steps[key] = got
        return got

    def score(self, text: str, left: str = "") -> float:
        """log P of `text` (any script) given the character before it."""
        prev = _simp(left[-1]) if left else ""
        total = 0.0
        for ch in text:
            c = _simp(ch)
            if _is_han(c):
                total += self.logp_pair(prev, c) if prev and _is_han(prev) else self.logp_char(c)
            else:
                total += _punct_logp(c)
            prev = c
        return total


OTHER_SCRIPT_PENALTY = -8.0
BIGRAM_LAMBDA = 0.7


@lru_cache(maxsize=65536)
def _is_simplified_only(c: str) -> bool:
    """A simplified character whose traditional form differs (东, 这), not a shared one (政, 京)."""
    if not _is_han(c):
        return False
    from .convert import _converter

    t = _converter("s2t").convert(c)
    return len(t) == 1 and t != c


@lru_cache(maxsize=65536)
def _simp(c: str) -> str:
    s = to_simplified(c)
    return s if len(s) == 1 else c


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


@lru_cache(maxsize=4096)
def _punct_logp(c: str) -> float:
    # ASCII and common punctuation are ordinary in reports; symbols from the GBK
    # symbol rows (box drawing, bopomofo, pinyin letters) are what mojibake is made of
    o = ord(c)
    if c.isdigit() or c in "()（）、，。；：“”《》!?,.;:-—% " or c.isascii():
        return -7.0
    if 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF:
        return -9.0
    return -16.0
