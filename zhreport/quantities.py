"""Quantities: number + unit spans in normalised (simplified) text, with exact values.

Two stages, as in Microsoft's Recognizers-Text: one compiled pattern finds every
run of number characters (digits, Chinese and financial numerals, 万/亿, 点, 余/多/几)
with what stands around it (约/近 before, unit and 以上/左右 after), and a small
grammar of Chinese numerals resolves each run into an exact value: ``read_numbers``
gives the numbers, ``extract_quantities`` the counted ones (a unit, or 万/亿 after
digits). All words and units come from ``models/units.yaml``.

Conventions (README, "Output"): the value is the number as written, 万/亿 included
(1.5万 -> 15000), except that a 万/亿 written right before 元 belongs to the money
unit (48.6万元 and 五万元 -> 48.6 and 5 in 万元). Approximations: 余/多/几/以上/超过 ->
``over``, 近/不足 -> ``under``, 约/左右 -> ``about``, and two readings in one numeral
(三四百, 二三十, 几十) -> ``range`` with the value the lower and ``upper`` the upper bound.

    >>> [(q.value, q.unit, q.approx) for q in extract_quantities("公开信息1.5万余条次，咨询约40人次")]
    [(Decimal('15000'), '条次', 'over'), (Decimal('40'), '人次', 'about')]
    >>> [(q.value, q.upper, q.approx) for q in extract_quantities("接待群众三四百人")]
    [(Decimal('300'), Decimal('400'), 'range')]
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Optional

import regex

from .resources import load_yaml
from .types import Quantity

__all__ = ["extract_quantities", "read_numbers", "NumberReading", "parse_number", "parse_signed",
           "money_factor", "table_units", "unit_pattern", "UNIT_CHARS"]

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_GROUP_SPACES = " \u00a0\u2009\u202f"
# characters that make a digit run part of a URL, a code or a date ('%20', 'a2018', '2019-01')
_NOT_BEFORE = r"0-9A-Za-z_.%/=&?:#@\-－０-９"


@dataclass(frozen=True)
class NumberReading:
    """One number as written: its span, exact value and approximation (lower bound if a range)."""

    start: int
    end: int
    text: str
    value: Decimal
    approx: Optional[str] = None
    upper: Optional[Decimal] = None


@dataclass(frozen=True)
class _Tables:
    pattern: "regex.Pattern"
    digits: dict
    small: dict
    big: dict
    point: str
    unknown: str
    inside: dict
    signs: dict
    aliases: dict
    not_followed: dict
    bare_one_units: frozenset
    approx_before: dict
    approx_after_unit: dict
    not_after: tuple
    money: dict
    units: tuple
    table_only: frozenset
    place_suffixes: tuple
    place_units: frozenset


def _alt(words) -> str:
    return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    data = load_yaml("units.yaml")
    num = data["numerals"]
    aliases = dict(data.get("unit_aliases") or {})
    table_only = frozenset(data.get("table_only_units") or [])
    units = tuple(u for u in data["units"] if u not in table_only)
    cn = "".join(num["digits"]) + "".join(num["small"]) + "".join(num["big"])
    d = "0-9０-９"
    fraction = "".join(c for c in num["digits"] if c not in num["not_in_fractions"])  # 两百点两 is 200, 2
    unit_first = "".join(sorted({u[0] for u in list(units) + list(aliases)}))
    digit_run = (
        rf"[{d}]+(?:(?:,[{d}]{{3}}(?![{d}]))+|(?:，[０-９]{{3}}(?![{d}]))+"
        rf"|(?:[{_GROUP_SPACES}][{d}]{{3}}(?![{d}]))+(?=[{regex.escape(unit_first)}{''.join(num['big'])}]))?"
        rf"(?:[.．][{d}]+)?(?![{d}A-Za-z])")
    number = (
        rf"(?=[{d}{cn}{num['unknown_digit']}])"
        rf"(?:{digit_run}|[{cn}{num['unknown_digit']}]|(?<=[{cn}]){num['point']}(?=[{fraction}])"
        rf"|[{''.join(num['inside'])}])+")
    pattern = regex.compile(
        rf"(?P<pre>{_alt(data['approx']['before'])})?"
        rf"(?<![{_NOT_BEFORE}])"
        rf"(?P<sign>{_alt(num['signs'])})?"
        rf"(?P<pct>{regex.escape(num['percent_before'])})?"
        rf"(?P<num>{number})"
        # what follows is read ahead, not taken: the next match is searched from the number's end
        # (a unit or 余 can hold number characters: 百分点, 万元) with one finditer
        rf"(?=(?P<unit>{_alt(list(units) + list(aliases))})?"
        rf"(?P<post>{_alt(data['approx']['after_unit'])})?)")
    return _Tables(
        pattern=pattern,
        digits={k: Decimal(v) for k, v in num["digits"].items()},
        small={k: Decimal(v) for k, v in num["small"].items()},
        big={k: Decimal(v) for k, v in num["big"].items()},
        point=num["point"],
        unknown=num["unknown_digit"],
        inside=num["inside"],
        signs=num["signs"],
        aliases=aliases,
        not_followed={u: tuple(sorted((v or {}).get("not_followed_by", []), key=len, reverse=True))
                      for u, v in data["units"].items()},
        bare_one_units=frozenset(data["bare_one_units"]),
        approx_before=data["approx"]["before"],
        approx_after_unit=data["approx"]["after_unit"],
        not_after=tuple(data["not_after"]),
        money={k: Decimal(v) for k, v in data["money_to_wanyuan"].items()},
        units=tuple(data["units"]),
        table_only=table_only,
        place_suffixes=tuple(sorted(data["place_suffixes"], key=len, reverse=True)),
        place_units=frozenset(data["place_units"]),
    )


def money_factor(unit: Optional[str]) -> Optional[Decimal]:
    """Factor that turns a value in `unit` into 万元, or None when not money."""
    return _tables().money.get(unit or "")


@lru_cache(maxsize=1)
def table_zero_words() -> frozenset:
    """What a table cell may print for zero in words (units.yaml table_zero_words: 未增未减)."""
    return frozenset(load_yaml("units.yaml").get("table_zero_words") or ())


def table_units() -> frozenset:
    """Every unit a table cell may print (counting units, %, and money incl. 千元), from units.yaml."""
    t = _tables()
    return frozenset(t.units) | frozenset(t.money)


def unit_pattern() -> str:
    """Regex source (simplified script) of a unit that starts here and is no longer word's start
    (条 but not 条例, 本 but not 本年), or a magnitude 万/亿: where a number must be followed by a unit."""
    t = _tables()
    alts = []
    for u in sorted(list(t.units) + list(t.aliases), key=len, reverse=True):
        nf = t.not_followed.get(u)
        alts.append(regex.escape(u) + (f"(?!{_alt(nf)})" if nf else ""))
    return "(?:" + "|".join(alts) + "|[" + "".join(t.big) + "])"


def __getattr__(name: str):
    # UNIT_CHARS (the characters a unit starts with) is built from models/units.yaml on first use
    if name == "UNIT_CHARS":
        t = _tables()
        return "".join(sorted({u[0] for u in list(t.units) + list(t.aliases)}))
    raise AttributeError(name)


# ---------------------------------------------------------------- the numeral grammar

@dataclass
class _Tok:
    kind: str  # d digit(s) | z zero | s small unit | b big unit | p point | a 余/多 | u 几
    lo: Decimal = Decimal(0)
    hi: Decimal = Decimal(0)
    width: int = 0  # digits of an Arabic run before its decimal point; 0 for a Chinese digit
    approx: Optional[str] = None


def _tokens(s: str, t: _Tables) -> Optional[list[_Tok]]:
    s = s.translate(_FULLWIDTH)
    out: list[_Tok] = []
    i, n = 0, len(s)
    fraction = False  # after 点 digits are read one by one (十点二三三), never as a range
    while i < n:
        c = s[i]
        if "0" <= c <= "9":
            j = i
            while j < n and ("0" <= s[j] <= "9" or s[j] in ".," + _GROUP_SPACES):
                j += 1
            raw = s[i:j]
            for sp in "," + _GROUP_SPACES:
                raw = raw.replace(sp, "")
            try:
                v = Decimal(raw)
            except InvalidOperation:
                return None
            out.append(_Tok("d", v, v, len(raw.split(".")[0])))
            i = j
            continue
        if c in t.digits:
            v = t.digits[c]
            if v == 0:
                out.append(_Tok("z"))
            elif not fraction and out and out[-1].kind == "d" and out[-1].width == 0 \
                    and out[-1].lo == out[-1].hi and v == out[-1].lo + 1:
                out[-1].hi = v  # 三四百, 二三十, 十五六: two neighbouring digits are a range
            else:
                out.append(_Tok("d", v, v))
        elif c in t.small:
            out.append(_Tok("s", t.small[c]))
        elif c in t.big:
            out.append(_Tok("b", t.big[c]))
        elif c == t.point:
            out.append(_Tok("p"))
            fraction = True
        elif c in t.inside:
            out.append(_Tok("a", approx=t.inside[c]))
        elif c == t.unknown:
            out.append(_Tok("u"))
        else:
            return None
        i += 1
    for k, tk in enumerate(out):  # 几十, 几万, 一百几十: an unknown digit before its unit is a range
        nxt = out[k + 1].kind if k + 1 < len(out) else None
        prev = out[k - 1].kind if k else None
        if tk.kind == "u" and (nxt == "s" or (nxt == "b" and prev in (None, "b"))):
            out[k] = _Tok("d", Decimal(1), Decimal(9))
    return out


def _evaluate(toks: list[_Tok], high: bool) -> Optional[tuple[Decimal, Optional[str]]]:
    """Value of a numeral (lower or upper reading) and its approximation; None if not a number."""
    total = section = Decimal(0)
    number: Optional[Decimal] = None
    num_tok: Optional[_Tok] = None
    last_small: Optional[Decimal] = None
    last_unit: Optional[Decimal] = None
    zero_before = zero = prev_big = False
    max_big = Decimal(1)
    approx = None
    has_digit = False
    i, n = 0, len(toks)
    while i < n:
        tk = toks[i]
        k = tk.kind
        if k in ("d", "u"):
            if number is not None:
                return None  # two digits in a row: a year or a code (二〇一九), not a count
            if k == "u":
                number, approx = Decimal(0), "over"  # 二十几, 一百零几
            else:
                number = tk.hi if high else tk.lo
                has_digit = True
            num_tok, zero_before, zero = tk, zero, False
        elif k == "z":
            if number is not None:
                return None
            zero = True
        elif k == "s":
            if last_small is not None and tk.lo >= last_small:
                return None  # 十百
            section += (number if number is not None else 1) * tk.lo
            last_small = last_unit = tk.lo
            number, zero = None, False
            has_digit = True
        elif k == "b":
            if prev_big:  # 万亿, 万万: one compound magnitude
                total *= tk.lo
                max_big *= tk.lo
            else:
                chunk = section + (number or 0)
                if chunk == 0 and total == 0 and number is None:
                    if not (i == 0 and all(x.kind == "a" for x in toks[1:]) and n > 1):
                        return None  # a bare 万 (单位：万元) is no number; 万余 is
                    chunk = Decimal(1)
                if tk.lo > max_big:
                    total = (total + chunk) * tk.lo
                    max_big = tk.lo
                else:
                    total += chunk * tk.lo
            section = Decimal(0)
            number, last_small, last_unit, zero = None, None, tk.lo, False
            prev_big = True
            i += 1
            continue
        elif k == "a":
            if i == 0 or any(x.kind not in ("b", "a") for x in toks[i + 1:]):
                return None  # 余/多 close a number or stand before its 万/亿
            approx = tk.approx
        elif k == "p":
            if number is not None and num_tok is not None and num_tok.width:
                return None
            tail = _tail(number, num_tok, last_unit, zero_before)
            if tail is None:
                return None
            whole = total + section + tail
            frac = ""
            i += 1
            while i < n and toks[i].kind in ("d", "z") and toks[i].width == 0 and toks[i].lo == toks[i].hi:
                frac += str(toks[i].lo) if toks[i].kind == "d" else "0"
                i += 1
            if not frac:
                return None
            value = whole + Decimal("0." + frac)
            for x in toks[i:]:
                if x.kind == "b":
                    value *= x.lo
                elif x.kind == "a":
                    approx = x.approx
                else:
                    return None
            return value, approx
        prev_big = False
        i += 1
    if not has_digit and total == 0:
        return (Decimal(0), approx) if toks and all(x.kind == "z" for x in toks) else None
    tail = _tail(number, num_tok, last_unit, zero_before)
    if tail is None:
        return None
    return total + section + tail, approx


def _tail(number, num_tok, last_unit, zero_before) -> Optional[Decimal]:
    """The last digit group: 一万三 -> 3000 (shortened form), 12万3456 -> 3456, 一百零五 -> 5."""
    if number is None:
        return Decimal(0)
    if last_unit is None or zero_before or num_tok is None:
        return number
    if num_tok.width:  # Arabic digits after a unit must fill its places: 12万3456, not 12万34
        return number if num_tok.width == len(str(int(last_unit))) - 1 else None
    if last_unit >= 100 and num_tok.kind == "d":
        return number * last_unit / 10
    return number


_PLAIN_DECIMAL = regex.compile(r"[0-9]+\.[0-9]+")
_EXACT_DIGITS = 28  # Decimal's default precision: the grammar's sums are exact up to this many digits


def _read(s: str, t: _Tables) -> Optional[tuple[Decimal, Optional[str], Optional[Decimal]]]:
    """(value, approx, upper) of one numeral; upper only for a range."""
    if s.isascii():  # the commonest numerals (12, 12.5) without the grammar, to the same value
        if s.isdigit():
            return Decimal(s), None, None
        if len(s) <= _EXACT_DIGITS and _PLAIN_DECIMAL.fullmatch(s):
            return _exact(Decimal(s)), None, None
    elif len(s) == 1 and s in t.digits:  # 一, 三
        return _exact(t.digits[s]), None, None
    return _read_grammar(s, t)


def _read_grammar(s: str, t: _Tables) -> Optional[tuple[Decimal, Optional[str], Optional[Decimal]]]:
    """_read by the numeral grammar."""
    toks = _tokens(s, t)
    if not toks:
        return None
    lo = _evaluate(toks, False)
    if lo is None:
        return None
    value, approx = lo
    if any(x.kind == "d" and x.hi != x.lo for x in toks):
        hi = _evaluate(toks, True)
        if hi is not None and hi[0] > value:
            return _exact(value), "range", _exact(hi[0])
    return _exact(value), approx, None


def _exact(v: Decimal) -> Decimal:
    """Integral values as integers (15000, not 15000.0); others without trailing zeros."""
    return Decimal(int(v)) if v == v.to_integral_value() else v.normalize()


def parse_number(s: str) -> Optional[Decimal]:
    """Value of one written number: '1,637' '1.6' '1.5万' '十余' '39万' '千' '一万三'; lower bound of a range."""
    r = _read(s.strip(), _tables())
    return None if r is None else r[0]


def parse_signed(s: str) -> Optional[Decimal]:
    """A table cell's value with its sign: '+5' -> 5, '-3' and '－3' -> -3; None if not a number."""
    t = _tables()
    raw = s.strip()
    sign = 1
    for mark in sorted(t.signs, key=len, reverse=True):
        if raw.startswith(mark):
            sign, raw = t.signs[mark], raw[len(mark):]
            break
    v = parse_number(raw)
    return None if v is None else v * sign


# ---------------------------------------------------------------- finding numbers and quantities

def read_numbers(text: str, start: int = 0, end: Optional[int] = None) -> list[NumberReading]:
    """Every number written in text[start:end] (counted or not), with its sign; 百分之N gives N."""
    t = _tables()
    end = len(text) if end is None else end
    out: list[NumberReading] = []
    for m in t.pattern.finditer(text, start, end):
        r = _read(m.group("num"), t)
        if r is None:
            continue
        value, approx, upper = r
        s = m.start("sign") if m.group("sign") else m.start("num")
        sign = t.signs[m.group("sign")] if m.group("sign") else 1
        out.append(NumberReading(s, m.end("num"), text[s:m.end("num")], value * sign, approx,
                                 None if upper is None else upper * sign))
    return out


_SIGN, _PCT, _NUM, _UNIT = 2, 3, 4, 5  # the number pattern's groups (pre, sign, pct, num, unit, post) read by position


def extract_quantities(text: str, start: int = 0, end: Optional[int] = None) -> list[Quantity]:
    """Every counted quantity in text[start:end]; years, dates, codes, ordinals and names are left out."""
    t = _tables()
    end = len(text) if end is None else end
    out: list[Quantity] = []
    counts_nothing = t.big.keys().isdisjoint
    for m in t.pattern.finditer(text, start, end):
        groups = m.groups()  # one call: most matches are rejected at once
        if groups[_UNIT - 1] is None and not groups[_PCT - 1] and counts_nothing(groups[_NUM - 1]):
            continue  # a bare number (most matches: codes, ordinals, years), told apart cheaply
        q = _quantity(text, m, groups, t)
        if q is not None and abs(q.value) < _LARGEST:
            out.append(q)
    return out


_LARGEST = Decimal(10) ** 20  # no report counts more: a longer run of digits is a code or noise, no fact


def _quantity(text: str, m, groups: tuple, t: _Tables) -> Optional[Quantity]:
    """The quantity of a number match that is no bare number (`groups`: the match's groups)."""
    pre, sign_mark, pct, num, unit, post = groups
    spans = m.regs
    qs = spans[0][0]
    ns, ne = spans[_NUM]
    run = num
    unit_end = spans[_UNIT][1] if unit else ne
    if not unit:
        post = None
    if pct:
        unit, unit_end, post = "%", ne, None
    unit = t.aliases.get(unit, unit)
    arabic = any(map(str.isdigit, num))
    if unit is None and not (arabic and not t.big.keys().isdisjoint(num)):
        return None  # a bare number: a code, an ordinal, a year (万/亿 after digits make a count)
    if unit == "元":  # 48.6万元, 五万元, 4.78万亿元: the magnitude before 元 is part of the money unit
        k = len(num)
        while k > 0 and num[k - 1] in t.big:
            k -= 1
        for cut in range(k, len(num)):
            if num[cut:] + "元" in t.money:
                ne -= len(num) - cut
                num, unit = num[:cut], num[cut:] + "元"
                break
    r = _read(num, t)
    if r is None:
        return None
    value, approx, upper = r
    if unit is not None and not pct:
        if post is None and text.startswith(t.not_followed.get(unit, ()), unit_end, unit_end + 4):
            return None
    before = text[max(0, qs - 4):qs] if pre else text[max(0, ns - 4):ns]
    if before.endswith(t.not_after):
        return None
    if before.endswith("计") and text[unit_end:unit_end + 1] in (")", "）"):
        return None  # counting notes inside labels: "(不同渠道和方式公开相同信息计1条)"
    if not arabic and not pct:
        if run == "一" and unit not in t.bare_one_units:
            return None  # the article: 作为一项日常性工作
        if _in_words(text, qs, unit_end, unit, t):
            return None
    if pre:
        approx = t.approx_before[pre]
    if post:
        approx = t.approx_after_unit[post]
    sign = 1
    number_start = ns
    if sign_mark:
        sign = t.signs[sign_mark]
        number_start = spans[_SIGN][0]
    # start, end, number_start, number_end, value, unit, approx, number_text, upper
    return Quantity(qs, unit_end + (len(post) if post else 0), number_start, ne, value * sign, unit, approx,
                    text[number_start:ne], None if upper is None else upper * sign)


def _in_words(text: str, qs: int, unit_end: int, unit: Optional[str], t: _Tables) -> bool:
    """Is a Chinese numeral part of a word rather than a count? jieba's dictionary segmentation of
    the surroundings decides: the quantity must start and end at word boundaries (统一, 之一,
    进一步, 三个代表, 千家万户, 一次性, 三台县 do not), and a place suffix right after the unit
    that closes a word makes a name (八所镇, 七家子镇), unless the unit counts places (三个村)."""
    from .segment import get_segmenter

    ws = max(0, qs - 8)
    bounds = {ws}
    pos = ws
    for word in get_segmenter().cut(text[ws:min(len(text), unit_end + 8)], hmm=False):
        pos += len(word)
        bounds.add(pos)
    if qs not in bounds or unit_end not in bounds:
        return True
    if unit is None or unit in t.place_units:
        return False
    for skip in (0, 1):
        p = unit_end + skip
        suffix = next((sfx for sfx in t.place_suffixes if text.startswith(sfx, p)), None)
        if suffix is not None and (skip == 0 or "\u4e00" <= text[unit_end] <= "\u9fff"):
            return p + len(suffix) in bounds
    return False
