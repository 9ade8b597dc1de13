"""The evidence on each complete candidate, beyond the character model's score: jieba's
word model over a window, '（一）' numbering and form row labels at a line start,
brackets left unmatched, pinyin annotations that contradict the restored characters."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, reduce
from operator import add
from typing import Optional

import regex

from ..convert import to_simplified
from ..lm import simplified_char, symbol_logp
from .labels import form_label_keys, label_key


@dataclass
class Candidate:
    start: int  # the '?' of the run
    end: int  # end (exclusive) of the damaged characters the candidate replaces
    restored: str
    bigram: float  # character model, with the context after the run
    numbering: bool = False  # opens with '（一）'-style numbering at a line start
    label: bool = False  # the line it opens is a row label of a statistics form
    words: float = 0.0  # jieba's best segmentation of the window
    score: float = 0.0
    # computed when needed (selection.py asks for them best candidate first):
    misread_: Optional[int] = None
    unbalanced_: Optional[int] = None
    verified: Optional[bool] = None  # re-damaging it gives back the input

    def misreads(self, text: str) -> int:
        """Pinyin on the page that cannot be the reading of the restored character it follows."""
        if self.misread_ is None:
            self.misread_ = misread(text, self)
        return self.misread_

    def unbalances(self, text: str) -> int:
        """Brackets the restoration leaves unmatched in its line."""
        if self.unbalanced_ is None:
            self.unbalanced_ = unbalanced(text, self)
        return self.unbalanced_


NUMBERING = regex.compile(r"^[\u3000 ]*[（(][一二三四五六七八九十]{1,3}[）)]")
_HAN_SPLIT = re.compile(r"([\u4e00-\u9fff]+)")  # the stdlib engine splits in half the time (an explicit class: the same runs)
_CELL_END = regex.compile(r"\||\t| {2,}|\d")
_ANNOTATED = regex.compile(r"(\p{Han})[(（]([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7})[)）]")
_SYLLABLE_CLOSE = regex.compile(r"([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7})[)）]")
_OPEN, _CLOSE = "（(", "）)"


def describe(text: str, runs: list[list[Candidate]]) -> None:
    """Fill in the features of the candidates of a page's runs (a run's candidates start at the
    same '?'); the texts of all runs are converted to simplified script at once."""
    windows, worded, lines, labelled = [], [], [], []
    for cands in runs:
        if not cands:
            continue
        i = cands[0].start
        ctx_l = text[max(0, i - 4):i].split("\n")[-1]
        windows += [ctx_l + c.restored + text[c.end:c.end + 4].split("\n")[0] for c in cands]
        worded += cands
        if i == 0 or text[i - 1] == "\n":
            lines += [c.restored + text[c.end:text.find("\n", c.end) % (len(text) + 1)] for c in cands]
            labelled += cands
    for c, words in zip(worded, word_scores(windows)):
        c.words = words
    for c, label in zip(labelled, form_labels(lines)):
        c.numbering = bool(NUMBERING.match(c.restored))
        c.label = label


def word_score(text: str) -> float:
    """log P of the best jieba segmentation of the Han runs of `text`, plus punctuation costs."""
    return word_scores([text])[0]


def word_scores(texts: list[str]) -> list[float]:
    """word_score of each text; the texts are converted in one call and a Han run that
    recurs (the context around a run's candidates) is segmented once."""
    other = _SymbolCosts()  # other character -> its cost
    known = _han_logps()
    out = []
    # a text per line: OpenCC's phrases never cross a line, nor a non-Han character
    for text, simp in zip(texts, to_simplified("\n".join(texts)).split("\n")):
        total = 0.0
        at = 0
        for j, part in enumerate(_HAN_SPLIT.split(text)):  # other characters, a Han run, others, ...
            n = len(part)
            if j % 2:
                run = simp[at:at + n]
                got = known.get(run)  # most runs: han_logp without a call
                total += han_logp(run) if got is None else got
            elif n:  # total += each character's cost, in order
                total = reduce(add, map(other.__getitem__, part), total)
            at += n
        out.append(total)
    return out


def han_logp(run: str) -> float:
    """log P of jieba's best segmentation of a run of Han characters."""
    suffixes = _han_logps()
    got = suffixes.get(run)
    if got is None:
        from ...segment import get_segmenter

        if len(suffixes) > 50_000:  # a long batch of pages: start afresh
            suffixes.clear()
        got = get_segmenter().best_logp(run, suffixes)
    return got


@lru_cache(maxsize=8)  # emptied with the other caches (benchmarks)
def _han_logps() -> dict:
    """{Han run: han_logp} of the runs segmented so far and of their suffixes: a page's runs share
    their contexts, pages share phrases, and a run's candidates end in the same context."""
    return {}


class _SymbolCosts(dict):
    """character -> symbol_logp of its simplified form, computed when first asked for."""

    def __missing__(self, ch: str) -> float:
        got = self[ch] = symbol_logp(simplified_char(ch))
        return got


def form_labels(lines: list[str]) -> list[bool]:
    """Whether each line's first cell is, once simplified, a row label of one of the forms."""
    keys = form_label_keys()
    cells = [_CELL_END.split(line, 1)[0].replace("\n", " ") for line in lines]
    return [len(k) >= 2 and k in keys
            for k in map(label_key, to_simplified("\n".join(cells)).split("\n"))]


def misread(text: str, c: Candidate) -> int:
    """Pinyin the page put after a restored character that cannot be its reading (the pages
    annotate every occurrence of a character with one of its readings)."""
    from ..fixes import is_reading

    bad = 0
    window = c.restored + text[c.end:c.end + 10]
    for m in _ANNOTATED.finditer(window):
        if m.start(1) < len(c.restored) and not is_reading(m.group(1), m.group(2)):
            bad += 1
    m = _SYLLABLE_CLOSE.match(text, c.end)
    if m and not (len(c.restored) >= 2 and c.restored[-1] in "(（"):
        bad += 1  # the run ends inside an annotation: its '(' was swallowed, not restored
    elif m and not is_reading(c.restored[-2], m.group(1)):
        bad += 1
    return bad


def unbalanced(text: str, c: Candidate) -> int:
    """Brackets the restoration leaves unmatched in its line (up to 80 characters on either
    side): its own brackets that pair with nothing, and the line's others that it unpairs."""
    ls = max(text.rfind("\n", 0, c.start) + 1, c.start - 80)
    le = text.find("\n", c.end)
    le = min(len(text) if le < 0 else le, c.end + 80)
    before, after = text[ls:c.start], text[c.end:le]
    a, b = len(before), len(before) + len(c.restored)
    unmatched = _unmatched(before + c.restored + after)
    inside = sum(1 for k in unmatched if a <= k < b)
    return inside + max(0, len(unmatched) - inside - len(_unmatched(before + after)))


def _unmatched(s: str) -> list[int]:
    """Positions of the brackets of s that pair with nothing."""
    opened: list[int] = []
    bad: list[int] = []
    for k, ch in enumerate(s):
        if ch in _OPEN:
            opened.append(k)
        elif ch in _CLOSE:
            if opened:
                opened.pop()
            else:
                bad.append(k)
    return bad + opened
