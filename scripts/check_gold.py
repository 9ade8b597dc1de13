"""Check gold cases mechanically (dev format, corpora/dev/README.md of the shared set).

usage: python scripts/check_gold.py corpora/dev/tables.jsonl [more.jsonl ...]

Per case: required keys; every fact's quote found (its occurrence), its number inside the quote, the
scorer's gold span on that number, value equal to the number as written; field ids of facts and form
known to the case's template; for printed statistics tables every value cell of a printed table in the
form (local tables of 2009-2013 excepted: they map only some rows); empty cells given as 0; the form's
sum / balance / le constraints (or the fields named in `inconsistent`); for `grid_check: quoted` every
non-empty form value quoted by a fact (a `partial` case prints only some rows of a table); for `grid_check: cells` the numbers of the text covering the form
values as a multiset. Prints one line per finding and a summary; exit status 1 when there are errors.
"""
import re
import sys
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from zhreport.evaluate import gold_span, load_gold  # noqa: E402  (the scorer's span rule and gold reader)
from zhreport.forms.schema import load_template  # noqa: E402
REQUIRED = ("id", "modeled_on", "year", "template", "kind", "text", "facts", "form")
TABLE_KEYS = ("table_type", "layout", "grid_check")
CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
NUMBER = re.compile(r"(?<![\d.])([+\-−]?)(\d+(?:\.\d+)?)")


def is_money(f):
    """money fields are kept in 万元 (the 2019 form prints 采购总金额 without a unit)"""
    return f.get("unit") == "万元" or f["id"].endswith(".amount")


def dec(x):
    try:
        return Decimal(str(x))
    except (InvalidOperation, ValueError):
        return None


def number_value(s):
    """value of a number as written in gold: digits with 万/亿 and a trailing 余/多, or small Chinese numerals"""
    s = s.rstrip("余多")
    mult = Decimal(1)
    if s.endswith(("万", "萬")):
        s, mult = s[:-1], Decimal(10000)
    elif s.endswith(("亿", "億")):
        s, mult = s[:-1], Decimal(100000000)
    d = dec(s)
    if d is not None:
        return d * mult
    # small Chinese numerals: 两, 十, 十二, 三十, 百, 千, 三千 ...
    total, cur = 0, None
    for ch in s:
        if ch in CN_DIGITS:
            cur = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (1 if cur is None else cur) * CN_UNITS[ch]
            cur = None
        else:
            return None
    total += cur or 0
    return Decimal(total) * mult if s else None


def text_numbers(text):
    """numbers printed in the text, with the sign written before them ('-3', '+5', '减2')"""
    out = Counter()
    for m in NUMBER.finditer(text):
        sign, digits = m.group(1), m.group(2)
        v = Decimal(digits)
        if sign in ("-", "−") or text[max(0, m.start() - 1):m.start()] == "减":
            v = -v
        out[v] += 1
        if sign == "+" or v < 0:
            out[abs(v)] += 0  # keep the key visible for debugging
        after = text[m.end():m.end() + 2]
        if after.startswith("元"):
            out[("元", Decimal(digits))] += 1
    return out


def check_case(c, errors, warnings):
    cid = c.get("id", "?")

    def err(msg):
        errors.append(f"{cid}: {msg}")

    def warn(msg):
        warnings.append(f"{cid}: {msg}")

    for k in REQUIRED:
        if k not in c:
            err(f"missing key {k}")
    if c.get("kind") == "table":
        for k in TABLE_KEYS:
            if k not in c:
                err(f"missing key {k}")
    if errors and errors[-1].startswith(f"{cid}: missing"):
        return
    text, form, facts = c["text"], c["form"], c["facts"]
    tpl = load_template(c["template"])
    fields = {i: {"id": f.id, "kind": f.kind, "unit": f.unit, "cell": f.cell} for i, f in tpl.fields.items()}
    empty = set(c.get("empty_cells", []))
    inconsistent = set(c.get("inconsistent", []))
    prose_only = set(c.get("prose_only_fields", []))

    # facts
    quoted = {}
    for i, g in enumerate(facts):
        q, n = g.get("quote", ""), g.get("number", "")
        if text.count(q) < g.get("occurrence", 1):
            err(f"fact {i}: quote not found (occurrence {g.get('occurrence', 1)}): {q!r}")
            continue
        if n not in q:
            err(f"fact {i}: number {n!r} not inside its quote {q!r}")
            continue
        sp = gold_span(text, g)
        if sp is None or text[sp[0]:sp[1]] != n:
            err(f"fact {i}: the gold span does not land on the number {n!r}")
        nv = number_value(n)
        after = text[sp[1]:sp[1] + 2] if sp else ""
        if nv is not None and after[:1] in ("万", "萬") and after[1:2] != "元" and not n.endswith(("万", "萬")):
            nv *= 10000  # an older convention (the seed) keeps 万 outside the number
        if nv is None or dec(g.get("value")) is None or nv != dec(g["value"]):
            err(f"fact {i}: value {g.get('value')} is not the number as written {n!r}")
        f = g.get("field")
        if f is not None:
            if f not in fields:
                err(f"fact {i}: unknown field {f} for {c['template']}")
                continue
            quoted.setdefault(f, []).append(g)
            if f in form and fields[f]["kind"] != "meta":
                want = dec(form[f])
                got = dec(g["value"]) * (-1 if g.get("sign") == -1 else 1)
                if g.get("unit") == "元" and is_money(fields[f]):
                    got = got / Decimal(10000)
                if want != got and f not in inconsistent:
                    warn(f"fact {i}: {f} = {g['value']} {g.get('unit')} but the form says {form[f]}")

    # form ids and values
    for k, v in form.items():
        if k not in fields:
            err(f"form: unknown field {k} for {c['template']}")
            continue
        kind = fields[k]["kind"]
        if kind == "meta":
            if not isinstance(v, str):
                err(f"form: meta field {k} should be a string")
            continue
        if dec(v) is None or isinstance(v, bool):
            err(f"form: {k} = {v!r} is not a number")
    for k in empty:
        if form.get(k) != 0:
            err(f"empty cell {k} is not 0 in the form")

    # every printed cell of a printed 2-D table / the full 1-D form (`partial`: the page prints only
    # the first rows of a table and says why, e.g. the rest is in an attachment)
    if c.get("kind") == "table" and c.get("table_type") != "local_1d" and not c.get("partial"):
        tables = {}
        for f in fields.values():
            if f["kind"] == "value":
                tables.setdefault((f.get("cell") or {}).get("table"), []).append(f["id"])
        for tname, ids in tables.items():
            present = [i for i in ids if i in form and i not in prose_only]
            if present and len(present) < len(ids):
                missing = [i for i in ids if i not in form]
                err(f"table {tname}: {len(missing)} printed cells missing from the form, e.g. {missing[:3]}")

    # constraints
    def val(k):
        return dec(form[k]) if k in form and fields.get(k, {}).get("kind") != "meta" else None

    for con in tpl.constraints:
        t = con["type"]
        if t == "sum":
            names = [con["total"]] + con["parts"]
            tot, parts = val(con["total"]), [val(p) for p in con["parts"]]
            if tot is None or all(p is None for p in parts):
                continue
            known = [p for p in parts if p is not None]
            if len(known) == len(parts):
                ok = tot == sum(known)
            else:
                ok = sum(known) <= tot
        elif t == "balance":
            names = con["lhs"] + con["rhs"]
            if any("@" in x for x in names):
                continue
            vals = [val(x) for x in names]
            if any(v is None for v in vals):
                continue
            ok = sum(vals[:len(con["lhs"])]) == sum(vals[len(con["lhs"]):])
        elif t == "le":
            names = [con["a"], con["b"]]
            a, b = val(con["a"]), val(con["b"])
            if a is None or b is None:
                continue
            ok = a <= b
        else:
            continue
        if not ok and not (set(names) & inconsistent):
            msg = f"constraint {t} ({con.get('kind')}) broken: {names[0]} vs {names[1:4]}{'…' if len(names) > 4 else ''}"
            (err if con.get("kind") == "hard" else warn)(msg)

    # quoted tables: every non-empty value quoted by a fact
    gc = c.get("grid_check")
    if gc == "quoted":
        for k, v in form.items():
            if fields.get(k, {}).get("kind") == "meta" or k in empty or k in prose_only:
                continue
            if k not in quoted:
                err(f"quoted table: form field {k} = {v} has no fact")
    elif gc == "cells":
        nums = text_numbers(text)
        for k, v in sorted(form.items()):
            if fields.get(k, {}).get("kind") == "meta" or k in empty:
                continue
            d = dec(v)
            keys = [d]
            if is_money(fields[k]):
                keys.append(("元", (d * 10000).normalize()))
                keys.append(("元", d * 10000))
            hit = next((x for x in keys if nums.get(x, 0) > 0), None)
            if hit is None and k not in prose_only:
                err(f"cells: form value {k} = {v} not among the numbers of the text (or used up)")
            elif hit is not None:
                nums[hit] -= 1
    elif c.get("kind") == "table":
        err(f"grid_check {gc!r} is neither 'quoted' nor 'cells'")


def main(paths):
    errors, warnings = [], []
    n_cases = n_facts = n_form = 0
    ids = Counter()
    for p in paths:
        for c in load_gold(p):
            ids[c.get("id")] += 1
            n_cases += 1
            n_facts += len(c.get("facts", []))
            n_form += len(c.get("form", {}))
            check_case(c, errors, warnings)
    for i, k in ids.items():
        if k > 1:
            errors.append(f"{i}: id used {k} times")
    for e in errors:
        print("ERROR", e)
    for w in warnings:
        print("WARN ", w)
    print(f"{n_cases} cases, {n_facts} facts, {n_form} form values: {len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[2])
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
