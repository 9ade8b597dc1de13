"""Consistency checks: the sum and order constraints of forms.yaml, and narrative vs table.

Hard constraints (the form's own 勾稽关系) are errors, soft ones warnings. A sum is
checked when its total and every part are known, or when the known parts already
exceed the total.
"""
from __future__ import annotations

from decimal import Decimal

from .forms.schema import Template
from .types import Check, Fact, FieldValue

__all__ = ["run_checks", "text_vs_table"]


def _fmt(v) -> str:
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v == v.to_integral_value() else format(v, "f")
    return str(v)


def _severity(constraint: dict) -> str:
    return "error" if constraint.get("kind") == "hard" else "warning"


def run_checks(form: dict[str, FieldValue], template: Template) -> list[Check]:
    out: list[Check] = []
    nums = {fid: fv.value for fid, fv in form.items() if isinstance(fv.value, Decimal)}
    if not nums:  # every check needs a number
        return out
    for c in template.constraints:
        typ = c.get("type")
        if typ == "sum":
            total = nums.get(c["total"])
            if total is None:
                continue
            values = [nums.get(p) for p in c["parts"]]
            known = [v for v in values if v is not None]
            if not known:
                continue
            s = sum(known, Decimal(0))
            complete = len(known) == len(values)
            if (complete and s != total) or (not complete and s > total):
                parts = list(zip(c["parts"], values))
                names = " + ".join(p.rsplit(".", 1)[-1] if v is not None else f"({p.rsplit('.', 1)[-1]}?)"
                                   for p, v in parts)
                out.append(Check("sum", _severity(c), [c["total"]] + [p for p, _ in parts],
                                 f"{c['total']} is {_fmt(total)} but its parts add up to {_fmt(s)} "
                                 f"({names})", expected=s, found=total))
        elif typ == "le":
            a, b = nums.get(c["a"]), nums.get(c["b"])
            if a is not None and b is not None and a > b:
                out.append(Check("le", _severity(c), [c["a"], c["b"]],
                                 f"{c['a']} ({_fmt(a)}) should not exceed {c['b']} ({_fmt(b)})",
                                 expected=f"<= {_fmt(b)}", found=a))
        elif typ == "balance":
            lhs = [nums.get(f) for f in c.get("lhs", [])]
            rhs = [nums.get(f) for f in c.get("rhs", [])]
            if not lhs or not rhs or None in lhs or None in rhs:
                continue
            sl, sr = sum(lhs, Decimal(0)), sum(rhs, Decimal(0))
            if sl != sr:
                out.append(Check("balance", _severity(c), list(c.get("lhs", [])) + list(c.get("rhs", [])),
                                 f"{' + '.join(c['lhs'])} = {_fmt(sl)} but {' + '.join(c['rhs'])} = {_fmt(sr)}",
                                 expected=sl, found=sr))
    return out


def text_vs_table(field_id: str, table_value: Decimal, fact: Fact) -> Check:
    return Check("text_vs_table", "warning", [field_id],
                 f"the narrative says {_fmt(fact.value)} ({fact.text} at {fact.start}) "
                 f"but the table gives {_fmt(table_value)} for {field_id}",
                 expected=table_value, found=fact.value)
