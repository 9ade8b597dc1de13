"""Quantities: number + unit spans in normalised (simplified) text, with exact values.

Extraction (finding spans) and parsing (resolving one number) are kept apart, as
in Microsoft's Recognizers-Text: ``extract_quantities`` finds, ``parse_number``
resolves. The unit table and qualifier words live in ``models/units.yaml``.

    >>> [(q.value, q.unit, q.approx) for q in extract_quantities("公开信息1.5万余条次，咨询约40人次")]
    [(Decimal('15000'), '条次', 'over'), (Decimal('40'), '人次', 'about')]
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Optional

import regex

from .resources import load_yaml
from .types import Quantity

__all__ = ["extract_quantities", "parse_number", "parse_signed", "money_factor", "UNIT_CHARS"]

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_CLASS = "零〇一二两三四五六七八九十百千万亿"
UNIT_CHARS = "件条次个人名篇场期项家起份部批户张册套处所台本例宗倍元%"


def parse_cn_number(s: str) -> Optional[Decimal]:
    """'一千二百' -> 1200, '十八' -> 18, '两' -> 2, '千' -> 1000; None if not a count."""
    if not s:
        return None
    if not any(c in _CN_SMALL or c in _CN_BIG for c in s) and len(s) > 1:
        return None  # '二〇一八' style digit strings are years/codes, not counts
    total = section = number = 0
    for ch in s:
        if ch in _CN_DIGITS:
            number = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (number or 1) * _CN_SMALL[ch]
            number = 0
        elif ch in _CN_BIG:
            section += number
            total += (section or 1) * _CN_BIG[ch]
            section = number = 0
        else:
            return None
    return Decimal(total + section + number)


def _exact(v: Decimal) -> Decimal:
    """Integral values as integers (15000, not 15000.0); others without trailing zeros."""
    return Decimal(int(v)) if v == v.to_integral_value() else v.normalize()


def parse_number(s: str) -> Optional[Decimal]:
    """Value of one written number: '1,637' '1.6' '1.5万' '十余' '39万' '千'."""
    s = s.strip().rstrip("余多")
    mult = Decimal(1)
    if s and s[-1] in "万亿" and any(c.isdigit() for c in s):
        mult = Decimal(_CN_BIG[s[-1]])
        s = s[:-1]
    if s and all(c.isdigit() or c in ",." for c in s):
        try:
            return _exact(Decimal(s.replace(",", "")) * mult)
        except InvalidOperation:
            return None
    v = parse_cn_number(s)
    return None if v is None else v * mult


def parse_signed(s: str) -> Optional[Decimal]:
    """A table cell's value with its sign: '+5' -> 5, '-3' and '－3' -> -3; None if not a number."""
    raw = s.replace("－", "-").strip()
    v = parse_number(raw.lstrip("+-"))
    if v is None:
        return None
    return -v if raw.startswith("-") else v


@dataclass(frozen=True)
class _Tables:
    pattern: "regex.Pattern"
    not_followed: dict
    bare_one_units: frozenset
    approx_before: dict
    approx_after_number: dict
    approx_after_unit: dict
    not_after: tuple
    money: dict


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    data = load_yaml("units.yaml")
    units = sorted(data["units"], key=len, reverse=True)
    unit_alt = "|".join(regex.escape(u) for u in units)
    before = sorted(data["approx"]["before"], key=len, reverse=True)
    after_n = sorted(data["approx"]["after_number"], key=len, reverse=True)
    after_u = sorted(data["approx"]["after_unit"], key=len, reverse=True)
    pattern = regex.compile(
        r"(?P<pre>" + "|".join(before) + r")?"
        r"(?P<num>(?<![\dA-Za-z.\-/:_#@])\d+(?:,\d{3})*(?:\.\d+)?(?![\d.]\d)(?P<mag>[万亿](?!元))?"
        r"|[" + _CN_CLASS + r"]+)"
        r"(?P<aft>" + "|".join(after_n) + r")?"
        r"(?P<unit>" + unit_alt + r")?"
        r"(?P<post>" + "|".join(after_u) + r")?")
    return _Tables(
        pattern=pattern,
        not_followed={u: tuple(sorted((v or {}).get("not_followed_by", []), key=len, reverse=True))
                      for u, v in data["units"].items()},
        bare_one_units=frozenset(data["bare_one_units"]),
        approx_before=data["approx"]["before"],
        approx_after_number=data["approx"]["after_number"],
        approx_after_unit=data["approx"]["after_unit"],
        not_after=tuple(data["not_after"]),
        money={k: Decimal(v) for k, v in data["money_to_wanyuan"].items()},
    )


def money_factor(unit: Optional[str]) -> Optional[Decimal]:
    """Factor that turns a value in `unit` into 万元, or None when not money."""
    return _tables().money.get(unit or "")


_CN_WORD_BEFORE = set("统唯之进逐第初首万千百十单同专")  # 统一, 唯一, 之一, 进一步, 单一 ...


def extract_quantities(text: str, start: int = 0, end: Optional[int] = None) -> list[Quantity]:
    """Every counted quantity in text[start:end]; years, dates, codes and ordinals are left out."""
    t = _tables()
    end = len(text) if end is None else end
    out: list[Quantity] = []
    pos = start
    while True:
        m = t.pattern.search(text, pos, end)
        if m is None:
            break
        pos = m.end() if m.end() > m.start() else m.start() + 1
        num = m.group("num")
        unit = m.group("unit")
        mag = m.group("mag")
        is_cn = not num[0].isdigit()
        ns, ne = m.span("num")
        if is_cn:
            if not unit:
                # the numeral class can swallow a following unit-less run; retry one char later
                pos = m.start("num") + 1
                continue
            prev = text[ns - 1] if ns > 0 else ""
            if prev in _CN_WORD_BEFORE:
                continue
            if num == "一" and unit not in t.bare_one_units:
                continue
        elif not (unit or mag):
            continue
        if unit:
            after = text[m.end("unit"):m.end("unit") + 4]
            if m.group("post") is None and any(after.startswith(w) for w in t.not_followed.get(unit, ())):
                continue
        before = text[max(0, ns - 4):ns] if not m.group("pre") else text[max(0, m.start() - 4):m.start()]
        if any(before.endswith(w) for w in t.not_after):
            continue
        # counting notes inside labels: "(不同渠道和方式公开相同信息计1条)"
        if before.endswith("计") and text[m.end():m.end() + 1] in (")", "）"):
            continue
        value = parse_number(num + (m.group("aft") or ""))
        if value is None:
            continue
        approx = None
        if m.group("pre"):
            approx = t.approx_before[m.group("pre")]
        if m.group("aft"):
            approx = t.approx_after_number[m.group("aft")]
        if m.group("post"):
            approx = t.approx_after_unit[m.group("post")]
        number_end = m.end("aft") if m.group("aft") else ne
        out.append(Quantity(
            start=m.start(), end=m.end(), number_start=ns, number_end=number_end,
            value=value, unit=unit, approx=approx, number_text=text[ns:number_end]))
    return out
