"""The table reader's shortcuts give the general reader's answers: the shapes, match keys (and each
form's similarities) of the cells the forms print are computed once, and a table is read the same
with them as without."""
import zlib

import pytest

from zhreport.forms import table_text, tables
from zhreport.forms.schema import load_template
from zhreport.forms.table_text import form_cell_texts, scan
from zhreport.forms.tables import read_cells

from .table_layouts import TEXT_LAYOUTS, form_tables

TEMPLATES = {"gov2008": 2016, "gov2019": 2019, "gov2021": 2021}


def test_form_cells_have_the_shape_and_key_the_general_reader_gives_after_any_character():
    texts = form_cell_texts()
    assert {"（一）主动公开政府信息数", "主动公开政府信息数", "条", "——"} <= texts
    known = table_text._form_cell_shapes()
    keys = tables._form_label_keys()
    # a cell stands after a bar, a space, a tab, a line's start, a label's last character or a number
    for before in ("", "\n", " ", "|", "｜", "\t", "数", "用", "额", "）", "年", "的", "9", "：", "x"):
        for text in texts:
            assert table_text._read_cell_shape.__wrapped__(before, text) == known[text], (before, text)
    assert all(keys[text] == tables._read_match_key.__wrapped__(text) for text in texts)


def _read_all(text: str, template: str) -> tuple:
    regions = scan(text).regions
    cells = read_cells(scan(text), load_template(template))
    return ([[(t.kind, t.text, t.start, t.end, t.line, t.unit) for t in r] for r in regions],
            [(c.field, c.value, c.unit, c.start, c.end, c.label, c.label_span, c.flags) for c in cells])


@pytest.mark.parametrize("template", TEMPLATES)
def test_tables_read_the_same_without_the_form_cells_computed_in_advance(template, monkeypatch):
    # every layout, with numbering, notes, blanks and units as the forms print them
    texts = [TEXT_LAYOUTS[layout](form_tables(template, seed=zlib.crc32(f"{template}{layout}u".encode()))[0])
             for layout in sorted(TEXT_LAYOUTS)]
    fast = [_read_all(text, template) for text in texts]
    monkeypatch.setattr(table_text, "_form_cell_shapes", lambda: {})
    monkeypatch.setattr(tables, "_form_label_keys", lambda: {})
    monkeypatch.setattr(tables._index(template), "printed", {})
    table_text._read_cell_shape.cache_clear()
    table_text._line_shape.cache_clear()
    tables._read_match_key.cache_clear()
    for text, got in zip(texts, fast):
        assert _read_all(text, template) == got


@pytest.mark.parametrize("mark", ["— 5 —", "  - 12 -", "－3－", "第 3 页", "第3页，共10页", "3 / 12", "Page 4",
                                  "page 4 of 9", "P. 2", "共 10 页 第 2 页", "\u30007 / 9"])
def test_a_page_mark_between_rows_is_no_cell(mark):
    text = f"（一）主动公开政府信息数 | 条 | 352\n{mark}\n（二）回应公众关注热点数 | 次 | 4\n"
    region, = table_text.scan(text).regions
    assert [t.text for t in region if t.line == 1] == []
    assert [t.text for t in region if t.kind == "value"] == ["352", "4"]
