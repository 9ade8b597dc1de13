"""Choosing each run's restoration: rank the candidates, keep those that re-damage to
exactly the input, and apply the best only when it beats the runner-up by a clear margin."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from .features import Candidate
from .forward import damage_text, fold


@dataclass
class Weights:
    """How the evidence is combined (tuned with scripts/tune_mojibake.py on synthetic damage)."""

    bigram: float = 1.0
    words: float = 1.0
    per_char: float = 2.0
    numbering: float = 4.0
    label: float = 10.0
    margin: float = 6.0


WEIGHTS = Weights()


@dataclass
class RunResult:
    start: int
    end: int
    before: str
    after: Optional[str]  # None: left unrepaired
    confidence: float
    runner_up: Optional[str] = None
    suggestion: Optional[str] = None  # the best restoration of a run left unrepaired


def rank(cands: list[Candidate], w: Weights = WEIGHTS) -> list[Candidate]:
    for c in cands:
        c.score = (w.bigram * c.bigram + w.words * c.words + w.per_char * len(c.restored)
                   + (w.numbering if c.numbering else 0.0) + (w.label if c.label else 0.0))
    return sorted(cands, key=lambda c: -c.score)


def choose(text: str, runs: list[tuple[int, list[Candidate]]], w: Weights = WEIGHTS) -> list[RunResult]:
    """Pick each run's restoration, or leave it (after=None) when the margin is too small."""
    halfwidth = _uses_halfwidth(text)
    out: list[RunResult] = []
    last_end = -1
    for i, found in runs:
        if i < last_end:
            continue
        line_start = i == 0 or text[i - 1] == "\n"

        def shown(c: Candidate, line_start: bool = line_start) -> str:
            r = fold(c.restored) if halfwidth else c.restored
            return r.lstrip(" \u3000") if line_start else r

        ranked = rank(found, w)
        best, rival = _best_and_rival(text, ranked, shown)
        if best is None:
            out.append(RunResult(i, i + 2, text[i:i + 2], None, 0.0))
            continue
        restored = shown(best)
        # no verified rival at all: nothing else found explains the bytes
        margin = best.score - rival.score if rival is not None else 99.0
        conf = min(0.99, 0.5 + margin / 20)
        runner = shown(rival) if rival is not None else None
        if margin >= w.margin:
            out.append(RunResult(i, best.end, text[i:best.end], restored, conf, runner))
            last_end = best.end
        else:
            out.append(RunResult(i, best.end, text[i:best.end], None, conf, runner, suggestion=restored))
    return out


def _verified(text: str, c: Candidate) -> bool:
    if c.verified is None:
        c.verified = verifies(text, c)
    return c.verified


def _best_and_rival(text: str, ranked: list[Candidate], shown) -> tuple:
    """The best candidate that re-damages to the input, and the best verified one that differs.

    A restoration that the page's pinyin contradicts is wrong at that character: it is
    not a candidate at all. One that leaves a bracket unmatched cannot be chosen (it is
    wrong somewhere in its line), but it still counts as a rival: when it outscores the
    best sound candidate, the evidence is not clear and the margin (negative) says so.
    """
    # the features are computed only as far down the ranking as the search reads (each is kept)
    best = next((c for c in ranked if not c.misreads(text) and not c.unbalances(text) and _verified(text, c)),
                None)
    if best is None:
        return None, None
    rival = next((c for c in ranked if c is not best and not c.misreads(text)
                  and (shown(c) != shown(best) or c.end != best.end) and _verified(text, c)), None)
    return best, rival


_WIDEN_PUNCT = str.maketrans({",": "，", "!": "！", "?": "？"})


def verifies(text: str, c: Candidate) -> bool:
    """Re-damaging the candidate in its context must give back the input exactly."""
    a = max(0, c.start - 1)
    while a > 0 and text[a - 1] not in "\n" and c.start - a < 3:
        a -= 1
    b = min(len(text), c.end + 6)
    b = text.find("\n", c.end, b) if "\n" in text[c.end:b] else b
    want = fold(text[a:b])
    after = text[c.end:b]
    # the mirror folded full-width punctuation: a ',' after the run may have been a '，'
    # that the mirror cut before, which is what ends a run with a dangling '?'
    for ctx in dict.fromkeys((after, after.translate(_WIDEN_PUNCT))):
        try:
            if damage_text(text[a:c.start] + c.restored + ctx) == want:
                return True
        except Exception:  # unencodable context: cannot verify
            return False
    return False


_FULLWIDTH = re.compile("[\uff01-\uff5e]")


def _uses_halfwidth(text: str) -> bool:
    """The mirror folded full-width ASCII; restored text follows when the page has none left."""
    return not _FULLWIDTH.search(text)
