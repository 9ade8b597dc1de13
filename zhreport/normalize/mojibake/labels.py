"""The row labels the statistics forms print, read from models/forms/ (the form schemas
and table_labels.yaml): a restored line that opens with one is likely right.

Labels are compared by zhreport.labels.label_key, as the form reader compares them.
"""
from __future__ import annotations

from functools import lru_cache

from ...labels import label_key
from ...resources import load_json, load_yaml

FORMS = ("gov2008", "gov2019", "gov2021")


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
