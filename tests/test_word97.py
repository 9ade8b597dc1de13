"""Word 97–2003 (.doc) reports: the fixtures in tests/cases/word were written by LibreOffice from
.docx files (scripts/make_word_fixtures.py), with the form each states saved beside them."""
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import zhreport
from zhreport.batch import process_path
from zhreport.errors import ReadError, SkipFile
from zhreport.readers import read_document

pytest.importorskip("olefile")

WORD = Path(__file__).parent / "cases" / "word"
FIXTURES = sorted(p.stem for p in WORD.glob("*.doc"))


def _expected(name: str) -> dict:
    return json.loads((WORD / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", FIXTURES)
def test_every_form_value_of_a_doc_report(name):
    want = _expected(name)
    report = zhreport.extract_file(WORD / f"{name}.doc", year=want["year"])
    assert report.encoding == "doc" and report.template == want["template"]
    got = {fid: report.form[fid].value if fid in report.form else None for fid in want["form"]}
    wrong = {fid: (v, got[fid]) for fid, v in want["form"].items() if got[fid] != Decimal(v)}
    assert not wrong, f"{len(wrong)} of {len(want['form'])} wrong or missing: {list(wrong.items())[:6]}"
    for fact in report.facts:
        assert report.text[fact.start:fact.end] == fact.text


def test_doc_rows_come_out_as_bar_rows_with_merged_cells_left_empty():
    """A cell ends with U+0007 and so does its row: the row-end flag of the paragraph tells them apart,
    so an empty last cell stays a cell; a cell continued from the row above is empty."""
    text = read_document(WORD / "merged_cells_gov2019.doc").text
    lines = text.splitlines()
    assert "一、本年新收政府信息公开申请数量 | 5 | 1 |  |  |  |  | 6" in lines
    assert " | （七）总计 | 4 | 1 |  |  |  |  | 5" in lines
    assert lines[0] == "临川区水利局2020年政府信息公开工作年度报告"
    assert not any(c in text for c in "\x07\x13\x14\x15\r")


def test_a_doc_file_that_is_really_html_docx_or_text_is_read_as_what_it_is(tmp_path):
    page = tmp_path / "report.doc"
    page.write_bytes("<html><body><p>2019年共受理政府信息公开申请3件。</p></body></html>".encode("gbk"))
    assert "受理政府信息公开申请3件" in read_document(page).text
    plain = tmp_path / "plain.doc"
    plain.write_bytes("2019年共受理政府信息公开申请3件。".encode("utf-8"))
    assert zhreport.extract_file(plain).form["requests.received.total"].value == 3
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("2019年共受理政府信息公开申请3件。")
    renamed = tmp_path / "renamed.doc"
    d.save(str(renamed))
    doc = read_document(renamed)
    assert doc.encoding == "docx" and "申请3件" in doc.text


def _damaged(tmp_path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_damaged_doc_files_give_one_line_errors(tmp_path):
    good = (WORD / "merged_cells_gov2019.doc").read_bytes()
    ole_magic = good[:8]
    cases = {
        "truncated.doc": good[:3000],
        "junk_after_magic.doc": ole_magic + bytes(range(256)) * 40,
        "header_only.doc": good[:512],
    }
    for name, data in cases.items():
        with pytest.raises(ReadError) as err:
            read_document(_damaged(tmp_path, name, data))
        assert "\n" not in str(err.value) and name in str(err.value)
        res = process_path(str(tmp_path / name))
        assert res["status"] == "error" and "readable .doc" in res["reason"]


def test_a_password_protected_doc_is_said_to_be(tmp_path):
    data = bytearray((WORD / "merged_cells_gov2019.doc").read_bytes())
    # the WordDocument stream starts on a sector with the FIB's identifier; its flags are at byte 0x0A
    at = next(k for k in range(512, len(data), 512) if data[k:k + 2] == b"\xec\xa5")
    data[at + 0x0A] |= 0x01  # fEncrypted (0x0100, the high byte of the little-endian flags word)
    data[at + 0x0B] |= 0x01
    with pytest.raises(ReadError, match="password-protected"):
        read_document(_damaged(tmp_path, "locked.doc", bytes(data)))


def test_without_olefile_a_doc_is_skipped_naming_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "olefile", None)  # import olefile raises ImportError
    with pytest.raises(SkipFile, match=r"zhreport\[docx\]"):
        read_document(WORD / "merged_cells_gov2019.doc")


def test_mutated_doc_files_give_text_or_a_read_error(tmp_path):
    """Bytes and 32-bit fields overwritten at random (offsets, counts, sizes of the FIB, the piece
    table and the property pages): every file is read or refused with ReadError, nothing else."""
    import random

    from zhreport.word97 import DocFormatError, doc_text

    good = (WORD / "merged_cells_gov2019.doc").read_bytes()
    rng = random.Random(20261201)
    refused = 0
    for _ in range(300):
        data = bytearray(good)
        for _ in range(rng.choice((1, 3, 12))):
            k = rng.randrange(len(data))
            value = rng.choice((0, 1, 0xFFFFFFFF, 0x7FFFFFFF, rng.randrange(1 << 32)))
            data[k:k + 4] = value.to_bytes(4, "little")
        try:
            assert isinstance(doc_text(bytes(data)), str)
        except DocFormatError:
            refused += 1
    assert 0 < refused < 300


def test_rtf_and_word_files_under_a_text_name_say_what_they_are(tmp_path):
    rtf = _damaged(tmp_path, "report.txt", b"{\\rtf1\\ansi\\ansicpg936 {\\f0 \\'b9\\'ab\\'bf\\'aa}\\par}")
    with pytest.raises(ReadError, match="RTF document"):
        read_document(rtf)
    doc = _damaged(tmp_path, "report2.txt", (WORD / "merged_cells_gov2019.doc").read_bytes())
    with pytest.raises(ReadError, match=r"read under a \.doc name"):
        read_document(doc)
