"""Quantities: spans, exact values, units and qualifiers (tests/cases/quantities.json)."""
import json
from decimal import Decimal
from pathlib import Path

import pytest

from zhreport.quantities import extract_quantities, parse_number

CASES = json.loads((Path(__file__).parent / "cases" / "quantities.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_quantity_cases(case):
    got = [[q.number_text, str(q.value.normalize() if q.value == q.value.to_integral_value() else q.value),
            q.unit, q.approx] for q in extract_quantities(case["text"])]
    expect = [[n, str(Decimal(v).normalize()) if Decimal(v) == Decimal(v).to_integral_value() else v, u, a]
              for n, v, u, a in case["expect"]]
    got = [[n, str(Decimal(v).normalize()) if Decimal(v) == Decimal(v).to_integral_value() else v, u, a]
           for n, v, u, a in got]
    assert got == expect


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
                                        ("三百", 300), ("两千", 2000), ("一万二千", 12000), ("千", 1000)])
def test_chinese_numerals(text, value):
    assert parse_number(text) == value


def test_digit_strings_are_not_counts():
    assert parse_number("二〇一八") is None
