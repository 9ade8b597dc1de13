"""Quantities: spans, exact values, units and qualifiers.

- tests/cases/quantities.json and quantities_sentences.json: report-style sentences, every quantity;
- tests/cases/quantities_spec.json: the central cases of Microsoft Recognizers-Text's Chinese specs;
- a property test: any integer written as people write it reads back to itself.
"""
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhreport.normalize.convert import to_simplified
from zhreport.quantities import extract_quantities, money_factor, parse_number, parse_signed, read_numbers, \
    table_units

CASES_DIR = Path(__file__).parent / "cases"


def _load(name):
    return json.loads((CASES_DIR / name).read_text(encoding="utf-8"))


SENTENCES = _load("quantities.json")["cases"] + _load("quantities_sentences.json")["cases"]
SPEC = _load("quantities_spec.json")


def _num(v) -> str:
    d = Decimal(str(v))
    return str(int(d)) if d == d.to_integral_value() else str(d.normalize())


@pytest.mark.parametrize("case", SENTENCES, ids=[c["label"] for c in SENTENCES])
def test_quantity_cases(case):
    got = []
    for q in extract_quantities(case["text"]):
        assert case["text"][q.start:q.end].find(q.number_text) >= 0
        row = [q.number_text, _num(q.value), q.unit, q.approx]
        if q.upper is not None:
            row.append(_num(q.upper))
        got.append(row)
    expect = [[n, _num(v), u, a] + ([_num(x[0])] if x else []) for n, v, u, a, *x in case["expect"]]
    assert got == expect


# ---------------------------------------------------------------- the public spec

def _spec_values(read: str, text: str) -> list[str]:
    text = to_simplified(text)
    if read == "numbers":
        return [_num(r.value) for r in read_numbers(text)]
    if read == "percent":
        return [_num(q.value) for q in extract_quantities(text) if q.unit in ("%", "个百分点", "百分点")]
    assert read == "money"
    return [_num(q.value * money_factor(q.unit) / money_factor("元"))
            for q in extract_quantities(text) if money_factor(q.unit) is not None]


SPEC_CASES = [(g["read"], inp, vals) for g in SPEC["groups"] for inp, vals in g["cases"]]
SPEC_IDS = [f"{g['name']}: {inp.strip()[:40]}" for g in SPEC["groups"] for inp, _ in g["cases"]]


@pytest.mark.parametrize("read,text,values", SPEC_CASES, ids=SPEC_IDS)
def test_spec_case(read, text, values):
    assert _spec_values(read, text) == [_num(v) for v in values]


DIFFS = SPEC["differences"]


@pytest.mark.parametrize("d", DIFFS, ids=[d["input"] for d in DIFFS])
def test_spec_difference_is_ours(d):
    assert _spec_values(d["read"], d["input"]) == d["ours"]


@pytest.mark.parametrize("d", [pytest.param(d, marks=pytest.mark.xfail(strict=True, reason=d["reason"]))
                               for d in DIFFS], ids=[d["input"] for d in DIFFS])
def test_spec_difference_from_spec(d):
    assert _spec_values(d["read"], d["input"]) == d["spec"]


def test_spec_agreement_share():
    agree = sum(_spec_values(r, t) == [_num(v) for v in vals] for r, t, vals in SPEC_CASES)
    assert agree / (len(SPEC_CASES) + len(DIFFS)) >= 0.98


# ---------------------------------------------------------------- single numbers and tables

def test_span_covers_qualifier_number_and_unit():
    text = "向社会公开各类政府信息1.5万余条次，其中"
    (q,) = extract_quantities(text)
    assert text[q.start:q.end] == "1.5万余条次"
    assert text[q.number_start:q.number_end] == "1.5万余"


def test_values_are_exact_decimals():
    (q,) = extract_quantities("经费1.6万元")
    assert isinstance(q.value, Decimal) and q.value == Decimal("1.6")
    assert parse_number("0.1") + parse_number("0.2") == Decimal("0.3")


@pytest.mark.parametrize("text,value", [("十", 10), ("十八", 18), ("二十", 20), ("一百零五", 105),
                                        ("三百", 300), ("两千", 2000), ("一万二千", 12000), ("千", 1000),
                                        ("1,637", 1637), ("39万", 390000), ("十余", 10), ("1.5万余", 15000)])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["二〇一八", "万", "十百", "一二三", "几", "12万34", ""])
def test_not_numbers(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text,value", [("+5", 5), ("-3", -3), ("－3", -3), ("12", 12), ("x", None)])
def test_parse_signed(text, value):
    assert parse_signed(text) == value


def test_table_units_come_from_the_units_file():
    units = table_units()
    assert {"件", "条", "人次", "万元", "元", "千元"} <= units
    assert money_factor("千元") == Decimal("0.1")


# ---------------------------------------------------------------- property: written integers read back

_CN = "零一二三四五六七八九"
_FIN = dict(zip("一二三四五六七八九十百千", "壹贰叁肆伍陆柒捌玖拾佰仟"))


def _section(n: int) -> str:
    """0 < n < 10000 in Chinese numerals, with 零 for skipped places (一千零五)."""
    out, zero = "", False
    for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // place % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _CN[d] + unit
    return out


def chinese(n: int, liang: bool = False) -> str:
    if n == 0:
        return "零"
    groups = [(n // 10 ** 12, "万亿"), (n // 10 ** 8 % 10 ** 4, "亿"), (n // 10 ** 4 % 10 ** 4, "万"), (n % 10 ** 4, "")]
    out, gap = "", False
    for g, unit in groups:
        if g == 0:
            gap = bool(out)
            continue
        s = _section(g)
        if out and (gap or g < 1000):
            s = "零" + s
        out += s + unit
        gap = False
    if out.startswith("一十"):
        out = out[1:]  # 十五, not 一十五
    if liang:
        out = out.replace("二千", "两千").replace("二百", "两百").replace("二万", "两万").replace("二亿", "两亿")
    return out


def _financial(n: int) -> str:
    return "".join(_FIN.get(c, c) for c in chinese(n))


def _grouped(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


def _mixed(n: int) -> str:
    hi, lo = divmod(n, 10 ** 4)
    return f"{hi}万{lo:04d}" if hi else str(lo)


def _fullwidth(n: int) -> str:
    return f"{n:,}".translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))


FORMS = [chinese, lambda n: chinese(n, liang=True), _financial, str, lambda n: _grouped(n, ","),
         lambda n: _grouped(n, " "), _fullwidth, _mixed]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10 ** 13), st.sampled_from(range(len(FORMS))))
def test_written_integers_read_back(n, form):
    written = FORMS[form](n)
    assert parse_number(written) == n, written
    (q,) = extract_quantities("共受理" + written + "件，")
    assert q.value == n and q.number_text == written


def test_the_number_groups_read_by_position_are_the_named_ones():
    """_quantity reads the match's spans by group number (one attribute read): the numbers must
    be those of the pattern's named groups, and the spans those the names give."""
    from zhreport import quantities

    t = quantities._tables()
    names = t.pattern.groupindex
    assert (names["sign"], names["pct"], names["num"], names["unit"]) == \
        (quantities._SIGN, quantities._PCT, quantities._NUM, quantities._UNIT)
    m = t.pattern.search("减少－3件以上")
    assert m.regs[quantities._SIGN] == m.span("sign") == (2, 3)
    assert m.regs[quantities._NUM] == m.span("num") == (3, 4)
    assert m.regs[quantities._UNIT] == m.span("unit") == (4, 5)


def test_one_finditer_finds_what_searches_from_each_numbers_end_find(dev_cases):
    """The unit and approximation after a number are read ahead, not taken, so that one finditer
    goes on from the number's end: the same matches (spans and groups) as a pattern that takes
    them, searched again from each number's end, on the development reports and on runs of
    numerals, units and approximation words."""
    import regex

    from zhreport import quantities
    from zhreport.normalize import normalize

    t = quantities._tables()
    source = t.pattern.pattern
    assert "(?=(?P<unit>" in source and source.endswith(")")
    taking = regex.compile(source.replace("(?=(?P<unit>", "(?P<unit>")[:-1])

    def searched(text):
        out, pos = [], 0
        while True:
            m = taking.search(text, pos)
            if m is None:
                return out
            out.append((m.start(), m.regs[1:], m.groups()))
            pos = max(m.end("num"), m.start() + 1)

    def found(text):
        return [(m.start(), m.regs[1:], m.groups()) for m in t.pattern.finditer(text)]

    # the 百 of a unit is searched again (a finditer of the taking pattern would skip it)
    assert found("增长2个百分点") == searched("增长2个百分点") and len(found("增长2个百分点")) == 2
    n = 0
    for c in dev_cases:
        text = normalize(c["text"]).text
        assert found(text) == searched(text)
        n += len(found(text))
    assert n > 1000
    pieces = ["1", "20", "3.5", "1,234", "百分之", "约", "近", "-", "一", "十", "百", "万", "亿", "余", "多", "几",
              "点", "五", "件", "个百分点", "百分点", "万元", "人次", "以上", "左右", "%", "年", "，", "a", " "]

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(pieces), max_size=8).map("".join))
    def check(text):
        assert found(text) == searched(text)

    check()


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.from_regex(r"[0-9]{1,20}\.[0-9]{1,14}", fullmatch=True),
                 st.from_regex(r"0*[0-9]{0,3}\.0*[0-9]{0,3}0*", fullmatch=True),
                 st.sampled_from(list("零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"))))
def test_the_plain_numerals_read_without_the_grammar_read_as_by_it(s):
    """Plain decimals (7.3, 12.50, up to Decimal's 28 digits and beyond) and single Chinese digits
    are read without the numeral grammar: to the same value, exponent included."""
    from zhreport.quantities import _read, _read_grammar, _tables

    fast, slow = _read(s, _tables()), _read_grammar(s, _tables())
    assert fast == slow and (fast is None or str(fast[0]) == str(slow[0]))


def test_persons_counted_with_wei_but_not_digits_or_places():
    """'2位' counts persons (a polite measure word); '两位数' (two digits) and '位于' (lies in) count nothing."""
    (q,) = extract_quantities("办公室有2位兼职人员")
    assert (q.value, q.unit) == (Decimal(2), "位")
    assert extract_quantities("财政收入实现两位数增长，办公室位于三楼") == []
