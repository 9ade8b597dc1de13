"""Repair GBK byte-misalignment mojibake ("?。ǘ┩ㄟ^不同" for "（二）通过不同").

How the damage arises (see the project's artifacts notes): a mirror site encoded
the page to GBK, cut the byte stream before every byte pair equal to 。！？， —
also where such a pair straddles two characters — and decoded each piece on its
own. At a false cut the piece before ends with a dangling lead byte (printed '?')
and the piece after is read one byte out of step, giving symbols, rare characters
and dropped (unmapped) pairs until a single-byte unit brings it back in step.

Repair re-encodes the damaged run, puts back the lost lead byte, and searches the
original characters consistent with the bytes (a beam over the alignments: dropped
pairs, swallowed ASCII bytes, full-width characters folded to ASCII). Candidates
are ranked by a character bigram model with the document's own text as a cache;
the best is applied only when it re-damages to exactly the input and beats the
runner-up by a clear margin. Otherwise the run is reported, not guessed.

The parts, each readable on its own:
  gbk.py       the code table: characters by byte, dropped pairs, pinyin readings
  forward.py   the damage itself (verification, synthetic damage)
  layers.py    which characters each layer of the search tries
  search.py    the beam over a run's alignments; the page's character model
  features.py  evidence on complete candidates (words, numbering, labels, brackets, pinyin)
  labels.py    the forms' row labels, from models/forms/
  selection.py ranking, verification and the margin rule

Importing this package is cheap (finding runs needs one regular expression): the
search and its tables load on the first damaged page.
"""
from __future__ import annotations

import regex

from .forward import damage_text, fold

__all__ = ["find_runs", "repair_mojibake", "run_candidates", "choose", "damage_text", "fold", "preload"]

_RUN_START = regex.compile(r"[?\ufffd](?=[。!！?？,，])")


def find_runs(text: str) -> list[int]:
    """Positions of the '?' that open a damaged run."""
    return [m.start() for m in _RUN_START.finditer(text)]


def run_candidates(text: str, lm=None):
    """Every run start with its candidates (scored, not yet ranked nor verified)."""
    if not _RUN_START.search(text):  # clean text loads neither the model nor the tables
        return []
    from .search import run_candidates as search_runs

    return search_runs(text, lm)


def choose(text: str, runs, w=None):
    """Each run's restoration, or after=None where the evidence is not clear (selection.py)."""
    from .selection import WEIGHTS, choose as choose_runs

    return choose_runs(text, runs, w or WEIGHTS)


def repair_mojibake(text: str, lm=None, w=None):
    """Every damaged run of the text (RunResult), repaired where the evidence is clear."""
    runs = run_candidates(text, lm)
    return choose(text, runs, w) if runs else []  # clean text imports no ranking


def preload() -> None:
    """Load the character model, the code tables, the segmenter and the pinyin readings (before
    forking workers that share them, and so that a first page is not charged for them)."""
    from ...segment import get_segmenter
    from ..fixes import is_reading
    from ..lm import load_arrays, load_base
    from . import layers
    from .gbk import reading_index
    from .labels import form_label_keys

    load_base()
    load_arrays()
    is_reading("數", "shù")
    form_label_keys()
    reading_index()  # and the code tables
    get_segmenter()
    layers.preload()
