"""A character bigram model (simplified script) for choosing among repair candidates.

Counts come from ``models/lm/char_bigrams.tsv`` (see scripts/build_char_lm.py): jieba's
dictionary plus the form labels, which know words but only word-internal pairs, and a
running-text news corpus, which knows the transitions between words; and, per document,
from the document's own undamaged text, which knows the page's vocabulary best.
"""
from __future__ import annotations

import math
import re
from array import array
from bisect import bisect_left
from collections import Counter
from functools import lru_cache

from .convert import code_points, to_simplified
from ..resources import model_path


@lru_cache(maxsize=1)
def load_base() -> tuple[dict, "Bigrams", int]:
    """Unigram counts, bigram counts (compact: sorted pair codes and their counts) and the
    total, with the corpus scaled to the dictionary's total."""
    import numpy as np

    uni: dict[str, float] = {}
    keys, vals = array("q"), array("d")  # ~350,000 pairs: a dict of str would take ~50 MB
    total = corpus_total = 1
    scale = 0.0
    with open(model_path("lm", "char_bigrams.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                got = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
                total = int(got.get("total", total))
                corpus_total = int(got.get("corpus_total", corpus_total))
                scale = CORPUS_WEIGHT * total / corpus_total
                continue
            key, n_dict, n_corpus = line.rstrip("\n").split("\t")
            n = int(n_dict) + int(n_corpus) * scale
            if len(key) == 1:
                uni[key] = n
            elif len(key) == 2:
                keys.append(pair_code(key[0], key[1]))
                vals.append(n)
    k = np.frombuffer(keys, dtype=np.int64)
    order = np.argsort(k, kind="stable")
    return uni, Bigrams(k[order], np.frombuffer(vals, dtype=np.float64)[order]), int(total * (1 + CORPUS_WEIGHT))


def pair_code(a: str, b: str) -> int:
    """The key of the character pair ab in Bigrams (the arrays use the same code)."""
    return (ord(a) << 21) | ord(b)


class Bigrams:
    """Pair counts as sorted pair codes (pair_code) and their counts: numpy arrays for the
    array model, and a bisect over their memory for one pair at a time (within the pairs of the
    first character when it is in the BMP: where they start, by code point)."""

    def __init__(self, keys, vals):
        import numpy as np

        self.keys, self.vals = keys, vals
        self._keys, self._vals = memoryview(keys), memoryview(vals)
        self._n = len(keys)
        self._starts = memoryview(keys.searchsorted(np.arange(0x10001, dtype=np.int64) << 21))

    def get(self, a: str, b: str) -> float:
        o = ord(a)
        q = (o << 21) | ord(b)  # pair_code
        i = bisect_left(self._keys, q, self._starts[o], self._starts[o + 1]) if o < 0x10000 else \
            bisect_left(self._keys, q)
        return self._vals[i] if i < self._n and self._keys[i] == q else 0


class CharLM:
    """log P of simplified text under base counts + a document cache.

    `script` ('hant', 'hans' or 'mixed') is the page's: a character of the other script
    costs OTHER_SCRIPT_PENALTY in `step` and `page_weight`.
    """

    def __init__(self, document: str = "", cache_weight: float = 2000.0, script: str = "mixed",
                 simplified: str = ""):
        self.uni, self.bi, self.total = load_base()
        self.cache_bi: Counter = Counter()  # by pair_code
        self.cache_uni: Counter = Counter()
        self.doc_chars: set = set()  # the document's characters as written (either script)
        self.cache_weight = cache_weight  # a page character's weight when choosing which characters to try
        self._cache_total = 1
        self._steps: dict[str, float] = {}
        self._arrays = None  # the page's counts as arrays, built by the first step_array call
        self.script = script
        if document:
            self.add_document(document, simplified)

    def set_script(self, script: str) -> None:
        self.script = script
        self._steps.clear()

    def page_weight(self, ch: str) -> float:
        """How likely the page holds ch, a character it holds (log count, its count on the page
        weighted cache_weight), for choosing which characters a search tries first; one the page
        lacks weighs base_char_weight, the same on every page."""
        o = ord(ch)
        s = _simplified_table()[o] if o < 0x10000 else simplified_char(ch)
        count = self.uni.get(s, 0) + self.cache_uni[s] * self.cache_weight
        return math.log(count + 1) + script_penalty(self.script, ch)

    def holds(self, codes):
        """Whether the page holds each character (a numpy array of code points in the BMP, of
        simplified characters), at once."""
        return self._page_arrays().has[codes]

    def add_document(self, text: str, simplified: str = "") -> None:
        """Learn the page's text; `simplified` is to_simplified(text) when the caller has it."""
        self._steps.clear()
        self._arrays = None
        # the runs counted at once (a page has a thousand), as code points: joined by a character
        # no run holds, which is left out of the counts and of the pairs
        import numpy as np

        codes = code_points("\0".join(_TEXT_RUN.findall(simplified or to_simplified(text)))).astype(np.int64)
        # ASCII read as its full-width form (_WIDEN), a line end as EOL: on the code points at once
        codes = np.where((codes >= 0x21) & (codes < 0x7F), codes + 0xFEE0, codes)
        codes[codes == 0x0A] = ord(EOL)
        chars, counts = np.unique(codes[codes != 0], return_counts=True)
        self.cache_uni.update(dict(zip(map(chr, chars.tolist()), counts.tolist())))
        pairs = ((codes[:-1] << 21) | codes[1:])[(codes[:-1] != 0) & (codes[1:] != 0)]  # pair_code
        pairs, counts = np.unique(pairs, return_counts=True)
        self.cache_bi.update(dict(zip(pairs.tolist(), counts.tolist())))
        self._cache_total = max(1, sum(self.cache_uni.values()))
        self.doc_chars.update(filter(_is_han, set(text)))

    def _logp(self, a: str, b: str, cached: bool) -> float:
        """log P(b | a) for model characters (a may be ''): bigram interpolated with the unigram,
        and, when `cached`, with the document's own bigrams and characters (a cache model:
        a page repeats its own phrases far more often than any corpus does).

        The dictionary's bigrams are word-internal and the corpus is small, so a word
        boundary must not cost much more than starting afresh after punctuation.
        """
        uni, cache_uni = self.uni, self.cache_uni  # a model character: not ASCII, counted
        if b.isascii() or (b not in uni and b not in cache_uni):
            return symbol_logp(b)
        pb = (uni.get(b, 0) + 1) / (self.total + 20000)
        if a and not a.isascii() and (a in uni or a in cache_uni):
            n_a = uni.get(a, 0)
            p = BIGRAM_LAMBDA * (self.bi.get(a, b) / n_a if n_a else 0.0) + (1 - BIGRAM_LAMBDA) * pb
        else:
            p = pb
        if cached and cache_uni:
            doc_a = cache_uni.get(a, 0) if a else 0
            p_doc = cache_uni.get(b, 0) / self._cache_total
            if doc_a:
                p = ((1 - CACHE_BIGRAM - CACHE_UNIGRAM) * p + CACHE_BIGRAM * self.cache_bi.get(pair_code(a, b), 0) / doc_a
                     + CACHE_UNIGRAM * p_doc)
            else:
                p = (1 - CACHE_UNIGRAM) * p + CACHE_UNIGRAM * p_doc
        return math.log(p)

    def step(self, prev: str, ch: str) -> float:
        """log P(ch | prev) for single characters as written (any script, any width), memoised.

        In a document of one script, a character that exists only in the other one
        is penalised: mirror pages were converted as a whole. Pairs the document's
        cache does not touch are shared by all documents of the process.
        """
        got = self._steps.get(prev + ch)
        return self._new_step(prev, ch) if got is None else got

    def steps(self, prev: str, chars) -> list[float]:
        """[step(prev, ch) for ch in chars], without a call per memoised pair."""
        memo = self._steps
        out = []
        for ch in chars:
            got = memo.get(prev + ch)
            out.append(self._new_step(prev, ch) if got is None else got)
        return out

    def _new_step(self, prev: str, ch: str) -> float:
        key = prev + ch
        a, b = (_lm_char(prev) if prev else ""), _lm_char(ch)
        if self.cache_uni and (a in self.cache_uni or b in self.cache_uni):
            got = self._logp(a, b, True) + script_penalty(self.script, ch)
        else:
            shared = _SHARED_STEPS.setdefault(self.script, {})
            got = shared.get(key)
            if got is None:
                if len(shared) >= _SHARED_STEPS_MAX:  # a long batch of damaged pages: start afresh
                    shared.clear()
                got = shared[key] = self._logp(a, b, False) + script_penalty(self.script, ch)
        self._steps[key] = got
        return got

    def step_array(self, prev, nxt):
        """step() for arrays of code points (numpy int arrays of equal length), all at once.

        The same arithmetic as step(), on arrays indexed by code point: the search scores
        thousands of pairs per damaged character, and a Python call per pair dominated it.
        """
        t = _base_arrays()
        return self._logp_array(t.lm_code[prev], t.lm_code[nxt], False) + _penalty_array(self.script)[nxt]

    def score_each(self, chars, left: str = ""):
        """[score(ch, left) for ch in chars] for single characters (an array), at once."""
        import numpy as np

        t = _base_arrays()
        # beyond the BMP: the private-use code the tables give such characters (unknown to the model)
        b = t.lm_code[np.array([0xE000 if ord(c) > 0xFFFF else ord(c) for c in chars], dtype=np.int64)]
        lo = ord(left[-1]) if left else 0
        a = np.full(len(b), t.lm_code[lo if lo <= 0xFFFF else 0xE000] if left else 0, dtype=np.int64)  # 0: no character
        return self._logp_array(a, b, True)

    def _logp_array(self, a, b, always_cached: bool):
        """_logp over arrays of model code points; the document cache is used for every pair
        (`always_cached`, as score() does) or where a pair touches it (as step() does).

        The arrays are small (tens to hundreds of pairs), so the cost is the number of numpy
        operations: divisors are read from tables with 1 for 0 (a pair count is 0 where its
        first character's count is), and each intermediate is computed once."""
        import numpy as np

        t = _base_arrays()
        page = self._page_arrays()
        pair = (a << 21) | b
        ratio = _lookup(t.bi_keys, t.bi_vals, pair) / t.uni_or_1[a]
        p = np.where(page.known[a], BIGRAM_LAMBDA * ratio + t.pb_rest[b], t.pb[b])
        if page.has_cache:
            doc_a = page.has[a]
            p_doc = CACHE_UNIGRAM * (page.uni[b] / self._cache_total)
            with_bigram = ((1 - CACHE_BIGRAM - CACHE_UNIGRAM) * p
                           + CACHE_BIGRAM * _lookup(page.bi_keys, page.bi_vals, pair) / page.uni_or_1[a]
                           + p_doc)
            cached = np.where(doc_a, with_bigram, (1 - CACHE_UNIGRAM) * p + p_doc)
            p = cached if always_cached else np.where(doc_a | page.has[b], cached, p)
        # p > 0 everywhere: the log of the pairs of unknown characters is computed and not used
        return np.where(page.known[b], np.log(p), t.symbol[b])

    def _page_arrays(self):
        if self._arrays is None:
            import numpy as np

            uni = np.zeros(0x10000)
            codes = code_points("".join(self.cache_uni)).astype(np.int64)  # its keys are single characters
            counts = np.fromiter(self.cache_uni.values(), dtype=np.float64, count=len(codes))
            bmp = codes < 0x10000
            uni[codes[bmp]] = counts[bmp]
            keys, vals = _pair_arrays(self.cache_bi)
            known = _base_arrays().in_uni | (uni > 0)
            known[:0x80] = False
            has = uni > 0
            self._arrays = _Arrays(uni=uni, known=known, has_cache=bool(self.cache_uni), bi_keys=keys, bi_vals=vals,
                                   has=has, uni_or_1=np.where(has, uni, 1.0))
        return self._arrays

    def score(self, text: str, left: str = "") -> float:
        """log P of `text` (any script) given the character before it (no script penalty)."""
        return self.scores([(text, left)])[0]

    def scores(self, texts: list) -> list[float]:
        """[score(text, left) for text, left in texts], converted in one OpenCC call (a text per
        line: OpenCC's phrases never cross a line, and it keeps each line's length)."""
        pieces = [left[-1:] + text for text, left in texts]
        simplified = to_simplified("\n".join(pieces)).translate(_WIDEN)
        cached = bool(self.cache_uni)
        out = []
        at = 0
        for (_text, left), piece in zip(texts, pieces):
            chars = simplified[at:at + len(piece)]
            at += len(piece) + 1
            prev = chars[0] if left else ""
            total = 0.0
            for c in chars[1:] if left else chars:
                total += self._logp(prev, c, cached)
                prev = c
            out.append(total)
        return out

    def end_of_line(self, last: str) -> float:
        """log P(the line ends | last character): labels and headings end lines, words rarely."""
        return self._logp(_lm_char(last) if last else "", EOL, bool(self.cache_uni))


_SHARED_STEPS: dict = {}  # script -> {pair: log P}, for pairs no page cache touches
_SHARED_STEPS_MAX = 300_000  # pairs per script (some 40 MB); a page scores some tens of thousands


class _Arrays:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def _lookup(keys, vals, query):
    """vals of the sorted int keys equal to each query, 0 where absent."""
    import numpy as np

    if not len(keys):
        return np.zeros(len(query))
    # the queries come by hundreds (a search's rows): sorting them first costs more than it saves;
    # searching all keys but the last gives an index in range (a query past them all meets the last)
    idx = keys[:-1].searchsorted(query)
    return vals[idx] * (keys[idx] == query)


def _bmp_map(chars: str, convert) -> list[str]:
    """convert() of each character on its own (one call: a character per line)."""
    out = convert("\n".join(chars)).split("\n")
    return out if len(out) == len(chars) else [convert(c) for c in chars]


_BMP = "".join(chr(o) for o in range(0x80, 0x10000) if not 0xD800 <= o < 0xE000 and o != 0x0A)


def load_arrays(scripts=("hant", "hans")) -> None:
    """Build the array form of the model (step_array, score_each) ahead of the first page."""
    _base_arrays()
    _simplified_table()
    for script in scripts:
        _penalised(script)


@lru_cache(maxsize=1)
def _base_arrays():
    """The base counts and the character mapping as arrays indexed by code point."""
    import numpy as np

    uni, bi, _total = load_base()
    lm_code = np.arange(0x10000, dtype=np.int64)
    ascii_ = "".join(chr(o) for o in range(0x21, 0x7F))
    chars = ascii_ + _BMP  # ASCII is read as its full-width form (_lm_char)
    for code, s in zip([ord(c) for c in chars], _bmp_map(ascii_.translate(_WIDEN) + _BMP, to_simplified)):
        if len(s) == 1:  # beyond the BMP: a private-use code, as unknown to the model as the character
            lm_code[code] = ord(s) if ord(s) < 0x10000 else 0xE000
    uni_arr = np.zeros(0x10000)
    in_uni = np.zeros(0x10000, dtype=bool)
    for c, n in uni.items():
        if ord(c) < 0x10000:
            uni_arr[ord(c)] = n
            in_uni[ord(c)] = True
    keys, vals = bi.keys, bi.vals
    symbol = np.array([symbol_logp(chr(o)) if not 0xD800 <= o < 0xE000 else -16.0 for o in range(0x10000)])
    pb = (uni_arr + 1) / (_total + 20000)
    return _Arrays(lm_code=lm_code, uni=uni_arr, in_uni=in_uni, pb=pb, pb_rest=(1 - BIGRAM_LAMBDA) * pb,
                   uni_or_1=np.where(uni_arr != 0, uni_arr, 1.0), symbol=symbol, bi_keys=keys, bi_vals=vals)


@lru_cache(maxsize=1)
def _simplified_table() -> str:
    """simplified_char of every BMP character, indexed by code point (one OpenCC call for all:
    a search asks for some thousands a page, and one call per character dominated)."""
    table = [chr(o) for o in range(0x10000)]
    for c, s in zip(_BMP, _bmp_map(_BMP, to_simplified)):
        if len(s) == 1:
            table[ord(c)] = s
    return "".join(table)


@lru_cache(maxsize=4)
def _penalised(script: str) -> bytes:
    """1 for each BMP character that _penalty_array penalises, else 0 (one character at a time)."""
    return (_penalty_array(script) != 0).astype("uint8").tobytes()


def _pair_arrays(counts: dict):
    """Bigram counts by pair_code as sorted keys and their values."""
    import numpy as np

    keys = np.fromiter(counts, dtype=np.int64, count=len(counts))
    vals = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    order = np.argsort(keys, kind="stable")
    return keys[order], vals[order]


@lru_cache(maxsize=4)
def _penalty_array(script: str):
    """script_penalty(script, ch) for every code point."""
    import numpy as np

    pen = np.zeros(0x10000)
    if script == "hant":
        from .convert import _converter

        s2t = _converter("s2t").convert
        han = "".join(c for c in _BMP if _is_han(c))
        for c, t in zip(han, _bmp_map(han, s2t)):
            if len(t) == 1 and t != c:
                pen[ord(c)] = OTHER_SCRIPT_PENALTY
    elif script == "hans":
        for c, s in zip(_BMP, _bmp_map(_BMP, to_simplified)):
            if len(s) == 1 and s != c:
                pen[ord(c)] = OTHER_SCRIPT_PENALTY
    return pen


def script_penalty(script: str, ch: str) -> float:
    """log-cost of ch on a page of `script`: 0, or OTHER_SCRIPT_PENALTY for the other script's characters."""
    if ord(ch) < 0x10000:
        return OTHER_SCRIPT_PENALTY if _penalised(script)[ord(ch)] else 0.0
    if script == "hant" and _is_simplified_only(ch):
        return OTHER_SCRIPT_PENALTY
    if script == "hans" and simplified_char(ch) != ch:
        return OTHER_SCRIPT_PENALTY
    return 0.0


@lru_cache(maxsize=None)
def base_char_weight(ch: str, script: str) -> float:
    """How likely any report of `script` holds ch, before looking at a page: log count, script penalty."""
    return math.log(load_base()[0].get(simplified_char(ch), 0) + 1) + script_penalty(script, ch)


OTHER_SCRIPT_PENALTY = -8.0
BIGRAM_LAMBDA = 0.7
CACHE_BIGRAM = 0.2  # weight of the document's own bigrams, after a character the page has
CACHE_UNIGRAM = 0.02  # weight of the document's own character frequencies
CORPUS_WEIGHT = 1.0  # the running-text corpus's share beside the dictionary's


@lru_cache(maxsize=65536)
def _is_simplified_only(c: str) -> bool:
    """A simplified character whose traditional form differs (东, 这), not a shared one (政, 京)."""
    if not _is_han(c):
        return False
    from .convert import _converter

    t = _converter("s2t").convert(c)
    return len(t) == 1 and t != c


def simplified_char(c: str) -> str:
    """c in simplified script (itself when conversion would not give one character)."""
    if ord(c) < 0x10000:
        return _simplified_table()[ord(c)]
    s = to_simplified(c)
    return s if len(s) == 1 else c


EOL = "\u2424"  # the end of a line, as the model file writes it


# ASCII as the full-width form the corpus writes: '(' and '（' are one character to the model
_WIDEN = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}


def _lm_char(c: str) -> str:
    o = ord(c)
    if 0x21 <= o < 0x7F:  # ASCII is read as its full-width form
        o += 0xFEE0
    return simplified_char(chr(o)) if o >= 0x10000 else _simplified_table()[o]


# runs of running text: Han, the end of a line and the full-width/CJK punctuation, with ASCII
# punctuation and letters (read as their full-width forms) and '\n' (read as EOL)
_TEXT_RUN = re.compile(f"[\u4e00-\u9fff\u3400-\u4dbf{EOL}\u2010-\u206f\u3001-\u303f\uff01-\uff5e!-~\n]+")


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


@lru_cache(maxsize=4096)
def symbol_logp(c: str) -> float:
    """log P of a character the model does not know (digits, ASCII, punctuation, symbols)."""
    # ASCII and common punctuation are ordinary in reports; symbols from the GBK
    # symbol rows (box drawing, bopomofo, pinyin letters) are what mojibake is made of
    o = ord(c)
    if c.isdigit() or c in "()（）、，。；：“”《》!?,.;:-—% " or c.isascii():
        return -7.0
    if 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF:
        return -9.0
    return -16.0
