"""The row labels the statistics forms print, read from models/forms/ (the form schemas
and table_labels.yaml): a restored line that opens with one is likely right.

The normalisation is the one the form reader compares printed labels with (numbering,
parenthetical remarks and everything but Han characters dropped); it is kept here so
that repair, a normalisation step, does not depend on the form-filling layer.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from ...resources import load_json, load_yaml

_NUMBERING = regex.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、]|其中[:：]?)\s*")
_PAREN = regex.compile(r"[(（][^()（）]*[)）]")
FORMS = ("gov2008", "gov2019", "gov2021")


def label_key(label: str) -> str:
    """A printed row label without its numbering ('（一）', '1.', '其中：') and parentheticals."""
    s = label
    for _ in range(3):
        s2 = _NUMBERING.sub("", s)
        if s2 == s:
            break
        s = s2
    s = _PAREN.sub("", s)
    return "".join(c for c in s if "\u4e00" <= c <= "\u9fff" or c in "《》、")


@lru_cache(maxsize=1)
def form_label_keys() -> frozenset:
    """label_key of every field label and printed alias of the three forms."""
    keys = set()
    aliases = load_yaml("forms", "table_labels.yaml") or {}
    for form in FORMS:
        keys.update(label_key(f.get("label", "")) for f in load_json("forms", f"{form}.json")["fields"])
        for labels in (aliases.get(form) or {}).values():
            keys.update(label_key(a) for a in labels)
    keys.discard("")
    return frozenset(keys)
