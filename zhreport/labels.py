"""Printed row labels as compared with the forms' labels: numbering ('（一）', '1.',
'其中：'), parenthetical remarks and everything but Han characters dropped.

Shared by the form reader and by mojibake repair (which uses the forms' labels as
evidence); it depends on nothing, so neither layer imports the other for it.
"""
from __future__ import annotations

from functools import lru_cache

import regex

_NUMBERING = regex.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、]|其中[:：]?)\s*")
_PAREN = regex.compile(r"[(（][^()（）]*[)）]")
_NOT_KEPT = regex.compile(r"[^\u4e00-\u9fff《》、]+")


@lru_cache(maxsize=8192)  # the same printed labels recur on every page of a form
def label_key(label: str) -> str:
    """A printed row label without its numbering and parentheticals, Han characters only."""
    s = label
    for _ in range(3):
        s2 = _NUMBERING.sub("", s)
        if s2 == s:
            break
        s = s2
    s = _PAREN.sub("", s)
    return _NOT_KEPT.sub("", s)
