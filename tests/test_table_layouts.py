"""The layout matrix: each form, random values (zeros, signed changes, decimals, blanks),
printed in every layout real pages show -> every cell right, no cell wrong."""
import zlib
from decimal import Decimal

import pytest

import zhreport
from zhreport.readers import read_document

from .table_layouts import FILE_LAYOUTS, TEXT_LAYOUTS, form_tables

TEMPLATES = {"gov2008": 2017, "gov2019": 2020, "gov2021": 2023}


def _compare(report, expected: dict) -> list:
    wrong = []
    for fid, want in expected.items():
        got = report.form.get(fid)
        if got is None or not isinstance(got.value, Decimal) or got.value != want:
            wrong.append((fid, want, None if got is None else got.value))
    return wrong


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("layout", TEXT_LAYOUTS)
def test_every_cell_in_every_layout(template, layout):
    tables, expected = form_tables(template, seed=zlib.crc32(f"{template}{layout}".encode()))
    text = f"{TEMPLATES[template]}年政府信息公开工作年度报告\n" + TEXT_LAYOUTS[layout](tables)
    report = zhreport.extract(text, year=TEMPLATES[template])
    assert report.template == template
    wrong = _compare(report, expected)
    assert not wrong, f"{layout}/{template}: {len(wrong)} of {len(expected)} cells wrong or missing: {wrong[:8]}"
    # no cell is invented: every table value the report gives is a printed cell
    invented = [f for f, v in report.form.items() if v.source == "table" and f not in expected
                and not f.startswith("meta.")]
    assert not invented, invented


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("layout", FILE_LAYOUTS)
def test_every_cell_in_files(template, layout, tmp_path):
    tables, expected = form_tables(template, seed=7)
    make, suffix = FILE_LAYOUTS[layout]
    path = tmp_path / f"report{suffix}"
    path.write_bytes(make(tables))
    doc = read_document(path)
    report = zhreport.extract(f"{TEMPLATES[template]}年政府信息公开工作年度报告\n" + doc.text, year=TEMPLATES[template])
    wrong = _compare(report, expected)
    assert not wrong, f"{layout}/{template}: {len(wrong)} of {len(expected)} cells wrong or missing: {wrong[:8]}"
