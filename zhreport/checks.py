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
    for typ, needed, c in _plan(template):
        if needed not in nums:  # most constraints of a report without the form's tables
            continue
        if typ == "sum":
            total = nums[needed]
            values = list(map(nums.get, c["parts"]))
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
            a, b = nums[needed], nums.get(c["b"])
            if b is not None and a > b:
                out.append(Check("le", _severity(c), [c["a"], c["b"]],
                                 f"{c['a']} ({_fmt(a)}) should not exceed {c['b']} ({_fmt(b)})",
                                 expected=f"<= {_fmt(b)}", found=a))
        elif typ == "balance":
            lhs = list(map(nums.get, c.get("lhs", [])))
            rhs = list(map(nums.get, c.get("rhs", [])))
            if not lhs or not rhs or None in lhs or None in rhs:
                continue
            sl, sr = sum(lhs, Decimal(0)), sum(rhs, Decimal(0))
            if sl != sr:
                out.append(Check("balance", _severity(c), list(c.get("lhs", [])) + list(c.get("rhs", [])),
                                 f"{' + '.join(c['lhs'])} = {_fmt(sl)} but {' + '.join(c['rhs'])} = {_fmt(sr)}",
                                 expected=sl, found=sr))
    return out


_PLANS: dict[str, tuple] = {}  # template id -> (its constraints list, their plan)


def _plan(template: Template) -> tuple:
    """(type, a field without which the constraint says nothing, constraint) of each constraint the
    checks know, in order; read once per template."""
    known = _PLANS.get(template.id)
    if known is None or known[0] is not template.constraints:
        plan = []
        for c in template.constraints:
            typ = c.get("type")
            if typ == "sum":
                needed = c["total"]
            elif typ == "le":
                needed = c["a"]
            elif typ == "balance" and c.get("lhs"):
                needed = c["lhs"][0]
            else:  # a balance without a left side, or a type the checks do not know: nothing to check
                continue
            plan.append((typ, needed, c))
        known = _PLANS[template.id] = (template.constraints, tuple(plan))
    return known[1]


def text_vs_table(field_id: str, table_value: Decimal, fact: Fact) -> Check:
    return Check("text_vs_table", "warning", [field_id],
                 f"the narrative says {_fmt(fact.value)} ({fact.text} at {fact.start}) "
                 f"but the table gives {_fmt(table_value)} for {field_id}",
                 expected=table_value, found=fact.value)
