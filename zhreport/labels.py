"""Printed row labels as compared with the forms' labels: numbering ('（一）', '1.',
'其中：'), parenthetical remarks and everything but Han characters dropped.

Shared by the form reader and by mojibake repair (which uses the forms' labels as
evidence); it depends on nothing, so neither layer imports the other for it.
"""
from __future__ import annotations

import re
from functools import lru_cache

import regex

# \s and \d as the `regex` module's (newer) Unicode tables have them
_NUMBERING = regex.compile(
    r"\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、]|其中[:：]?)\s*")
# explicit character classes: the stdlib's engine gives the same matches in half the time
_PAREN = re.compile(r"[(（][^()（）]*[)）]")
_KEPT = re.compile(r"[\u4e00-\u9fff《》、]+")


@lru_cache(maxsize=8192)  # the same printed labels recur on every page of a form
def label_key(label: str) -> str:
    """A printed row label without its numbering and parentheticals, Han characters only."""
    s = label
    for _ in range(3):  # numbering stacked at the start ('1.（一）')
        m = _NUMBERING.match(s)
        if m is None:
            break
        s = s[m.end():]
    if "(" in s or "（" in s:
        s = _PAREN.sub("", s)
    return "".join(_KEPT.findall(s))
