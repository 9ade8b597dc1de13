"""Form schemas: the fields and constraints of each statistics-form generation.

Loaded from ``models/forms/<template>.json`` (generated from the shared forms.yaml;
ids verbatim).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from ..labels import label_key
from ..resources import load_json, load_yaml

TEMPLATES = ("gov2008", "gov2019", "gov2021")

@dataclass
class Field:
    id: str
    label: str
    kind: str
    unit: Optional[str]
    parent: Optional[str]
    numbering: Optional[str] = None
    label_full: Optional[str] = None
    cell: Optional[dict] = None
    derived_from: list[str] = field(default_factory=list)
    # a field that holds money, kept in 万元 (some forms print no unit for it: 采购总金额); read for
    # every table cell, so set once
    money: bool = field(init=False, compare=False)

    def __post_init__(self) -> None:
        self.money = self.unit == "万元" or "金额" in self.label

    @property
    def key(self) -> str:
        """Label as compared with a printed row label."""
        return label_key(self.label)


@dataclass
class Template:
    id: str
    name: str
    fields: dict[str, Field]
    order: list[str]  # printed rows (groups and values) in form order
    constraints: list[dict]
    detect: dict
    aliases: dict[str, list[str]]

    def value_ids(self) -> list[str]:
        return [f for f in self.order if self.fields[f].kind == "value"]


@lru_cache(maxsize=None)
def load_template(template_id: str) -> Template:
    if template_id not in TEMPLATES:
        raise ValueError(f"unknown template {template_id!r}; expected one of {', '.join(TEMPLATES)}")
    data = load_json("forms", f"{template_id}.json")
    fields = {}
    order = []
    for f in data["fields"]:
        fld = Field(id=f["id"], label=f.get("label", ""), kind=f.get("kind", "value"),
                    unit=f.get("unit"), parent=f.get("parent"), numbering=f.get("numbering"),
                    label_full=f.get("label_full"), cell=f.get("cell"),
                    derived_from=list(f.get("derived_from", [])))
        fields[fld.id] = fld
        if fld.kind in ("value", "group"):
            order.append(fld.id)
    aliases = (load_yaml("forms", "table_labels.yaml") or {}).get(template_id, {}) or {}
    return Template(id=template_id, name=data["name"], fields=fields, order=order,
                    constraints=data.get("constraints", []), detect=data.get("detect", {}),
                    aliases=aliases)
