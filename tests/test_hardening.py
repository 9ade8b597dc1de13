"""Hardening: fuzzed text keeps the output's invariants, and hostile files never stop,
stall or flood a run (they are recorded with their reason).

The invariants (``violations``) are shared with the longer run of scripts/fuzz.py.
"""
from __future__ import annotations

import json
import random

import pytest

from zhreport.normalize import apply_repairs, fold_line_ends, normalize
from zhreport.normalize.convert import to_simplified
from zhreport.normalize.html import looks_like_html

# pieces that report text, scrape damage and markup are made of; a fuzzed text is a
# random sequence of them (plus the odd random code point)
FRAGMENTS = (
    "受理", "行政复议", "案件", "申请", "件", "条", "万元", "亿元", "元", "人次", "个", "年", "月", "日",
    "政府信息公开", "收到", "办结", "共", "其中", "约", "近", "余", "多", "均达", "分别为", "同比增长",
    "復議", "數", "萬", "億", "條", "個", "縣政府", "(fù)", "（shù）", "(yì)",
    "0", "1", "2", "7", "9", "13", "2018", "2019", "328", "1.5", "0.", "-", "+", "%", "％", "‰",
    "０", "２", "３", "９", "．", "１６", " ", "\u3000", "\xa0", "\t", "\n", "\r\n",
    "，", "。", "；", "：", "、", "（", "）", "(", ")", "|", " | ", "——", "“", "”", "《", "》",
    "&nbsp;", "&#20013;", "&#x4e2d;", "&amp;nbsp;", "&ldquo;", "&rdquo;", "&lt;", "&", "&#;",
    "x0dx0a", "<p>", "</p>", "<td>", "</td>", "<tr>", "<br>", "<table>", "<font>", "<html>", "<body>",
    "一、", "（一）", "二是", "第三", "百分之", "两", "十", "零",
    "锟斤拷", "鐢宠", "涓€", "\ufffd", "\u200b", "\ud7ff", "𠀀",
)


def fuzz_text(rng: random.Random, max_pieces: int = 40) -> str:
    parts = []
    for _ in range(rng.randint(0, max_pieces)):
        r = rng.random()
        if r < 0.04:
            parts.append(chr(rng.choice((rng.randint(0x20, 0x2FF), rng.randint(0x3000, 0x9FFF),
                                         rng.randint(0xFF00, 0xFFEF), rng.randint(0x20000, 0x2A6DF),
                                         rng.randint(0xD800, 0xDFFF)))))  # lone surrogates: a str may hold them
        elif r < 0.05:
            parts.append(rng.choice("123456789") * rng.randint(20, 6000))  # huge numbers
        else:
            parts.append(rng.choice(FRAGMENTS))
    return "".join(parts)


def violations(text: str) -> list[str]:
    """Broken invariants of one text's extraction: spans, repair replay, JSON round trip."""
    from zhreport.types import report_dict
    from zhreport.pipeline import extract_text

    bad = []
    norm = normalize(text)
    for r in norm.repairs:
        if not (0 <= r.start <= r.end <= len(text)) or text[r.start:r.end] != r.before:
            bad.append(f"repair span {r}")
    if not looks_like_html(text):  # markup removal is an offset stage, not a repair
        if fold_line_ends(to_simplified(apply_repairs(text, norm.repairs))) != norm.text:
            bad.append("replaying the repairs does not give the normalised text")
    rep = extract_text(text)
    for f in rep.facts:
        if not (0 <= f.start <= f.end <= len(text)) or text[f.start:f.end] != f.text:
            bad.append(f"fact span {f.start}-{f.end} {f.text!r}")
        if f.indicator_span is not None and not (0 <= f.indicator_span[0] <= f.indicator_span[1] <= len(text)):
            bad.append(f"indicator span {f.indicator_span}")
    d = report_dict(rep)
    try:
        back = json.loads(json.dumps(d, ensure_ascii=False))
    except ValueError as exc:
        bad.append(f"JSON: {exc}")
    else:
        if back != d:
            bad.append("JSON round trip changes the report")
    return bad


# ---------------------------------------------------------------- hypothesis: the API's invariants
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.characters(codec="utf-8")), max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts)
@example("２ 328萬件")  # width and split-number repairs of one number
@example("x0dx0a&nbsp;")  # an entity's space taken by the line-break repair
@example("x0dx0a𠀀\ufffd。+13")  # a character beyond the BMP in the mojibake search
def test_fuzzed_text_keeps_spans_repair_replay_and_json_round_trip(text):
    assert violations(text) == []


@settings(max_examples=200, deadline=None)
@given(st.decimals(allow_nan=True, allow_infinity=True) | st.integers(-10**6, 10**6).map(
    lambda k: __import__("decimal").Decimal(f"1E{k}")))
def test_any_decimal_value_is_written_as_json_or_left_out(value):
    from zhreport.types import report_dict
    from zhreport.types import Check, Fact, FieldValue, Report

    fact = Fact(0, 2, "2件", value, "件", None, "案件", None, "admin_review.total")
    rep = Report("-", "0" * 64, "utf-8", "hans", 2018, "gov2008", None, text="2件", facts=[fact],
                 form={"admin_review.total": FieldValue(value, [0])},
                 checks=[Check("sum", "error", [], "m", expected=value, found=value)])
    d = report_dict(rep)
    assert json.loads(json.dumps(d, ensure_ascii=False, allow_nan=False)) == d
    v = d["facts"][0]["value"]
    assert v is None or value.is_finite()
    if v is None:  # left out, and said so
        assert any(c["rule"] == "value_range" for c in d["checks"])


# ---------------------------------------------------------------- hostile files
GOOD = "2019年，本机关受理行政复议案件7件，被依法纠错2件。全年共收到政府信息公开申请13件。\n"


def build_hostile(folder, expand_to: int = 8 * 10**6, entities: int = 20_000, deep: int = 3000) -> dict:
    """A folder of hostile files; returns name -> (status, words of the reason or a fact's text).

    `expand_to`: what the DOCX and PDF bombs inflate to (bytes). Built from small pieces:
    a few MB at most on disk.
    """
    import os
    import zipfile
    import zlib
    from pathlib import Path

    d = Path(folder)
    d.mkdir(parents=True, exist_ok=True)
    expect = {}
    os.mkfifo(d / "pipe.txt")
    expect["pipe.txt"] = ("skipped", "named pipe")
    os.symlink("/dev/zero", d / "zero.txt")
    expect["zero.txt"] = ("skipped", "character device")
    with zipfile.ZipFile(d / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as zf, zf.open("word/document.xml", "w") as fh:
        block = b" " * (1 << 20)
        for _ in range(expand_to // len(block) + 1):
            fh.write(block)
    expect["bomb.docx"] = ("error", "to more than")
    z = zlib.compressobj(9)
    stream = b"".join(z.compress(b"\0" * (1 << 20)) for _ in range(expand_to // (1 << 20) + 1)) + z.flush()
    (d / "bomb.pdf").write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >> endobj\n"
        + f"4 0 obj << /Length {len(stream)} /Filter /FlateDecode >> stream\n".encode()
        + stream + b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    expect["bomb.pdf"] = ("error", "to more than")
    (d / "deep.html").write_text("<html><body><p>年度报告</p>" + "<font>" * deep + "<div>" * deep
                                 + f"<p>{GOOD}</p>" + "</div>" * deep + "</body></html>", encoding="utf-8")
    expect["deep.html"] = ("ok", "7件")
    (d / "entities.html").write_text("<html><body><p>" + "&#20013;" * entities + "</p><p>" + GOOD
                                     + "</p><div>" + "&amp;nbsp;" * entities + "</div></body></html>", encoding="utf-8")
    expect["entities.html"] = ("ok", "7件")
    (d / "entities.txt").write_text(("&#x4e2d;&ldquo;" * entities) + GOOD, encoding="utf-8")
    expect["entities.txt"] = ("ok", "7件")
    (d / "huge.txt").write_text(GOOD + "1" * 5000 + "件\n" + "9" * 400 + ".5万元\n", encoding="utf-8")
    expect["huge.txt"] = ("ok", "7件")
    name = os.fsdecode(b"caf\xe9-\xff.txt")  # not UTF-8: the OS keeps the bytes as lone surrogates
    (d / name).write_text(GOOD, encoding="utf-8")
    expect["caf\\xe9-\\xff.txt"] = ("ok", "7件")
    (d / "empty.txt").write_bytes(b"")
    expect["empty.txt"] = ("skipped", "is empty")
    (d / "clause.txt").write_text("2019年" + "政" * 100_000 + "受理2件。" + GOOD, encoding="utf-8")
    expect["clause.txt"] = ("ok", "7件")
    # a Word 97 file cut after its compound-file header, and a web page saved under a .doc name
    (d / "cut.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    expect["cut.doc"] = ("error", "readable .doc")
    (d / "page.doc").write_text(f"<html><body><p>{GOOD}</p></body></html>", encoding="utf-8")
    expect["page.doc"] = ("ok", "7件")
    return expect


def _pdf_without_text(path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.rect(100, 100, 200, 200, fill=1)  # a page with a drawing and no text, like a scan
    c.showPage()
    c.save()


def _check_outcomes(expect: dict, rows: dict) -> None:
    for name, (status, words) in expect.items():
        got = rows.get(name)
        assert got is not None, f"{name} not recorded"
        assert got[0] == status and words in got[1], (name, got)


def test_hostile_folder_through_batch(tmp_path):
    import sqlite3

    from zhreport.batch import list_inputs, run_batch

    expect = build_hostile(tmp_path / "in")
    pytest.importorskip("reportlab")
    _pdf_without_text(tmp_path / "in" / "scan.pdf")
    expect["scan.pdf"] = ("error", "no text")
    s = run_batch(list_inputs(str(tmp_path / "in")), str(tmp_path / "out"), workers=2, max_mb=1, progress=False)
    assert s.total == len(expect) == s.ok + s.errors + s.skipped
    conn = sqlite3.connect(str(tmp_path / "out" / "zhreport.sqlite"))
    rows = {src.rsplit("/", 1)[1]: (status, reason) for src, status, reason in
            conn.execute("SELECT source, status, reason FROM errors")}
    for src, report in conn.execute("SELECT source, report FROM documents"):
        rows[src.rsplit("/", 1)[1]] = ("ok", " ".join(f["text"] for f in json.loads(report)["facts"]))
    conn.close()
    _check_outcomes(expect, rows)
    huge = json.loads([line for line in (tmp_path / "out" / "reports.jsonl").read_text(encoding="utf-8").splitlines()
                       if "huge.txt" in line][0])
    # the 5000-digit and 400-digit numbers are no facts (no report counts that much), and nothing fails on them
    assert not [f for f in huge["facts"] if len(f["text"]) > 30]


def test_hostile_files_through_extract(tmp_path):
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    expect = build_hostile(tmp_path / "in", entities=2000)
    names = sorted(os.listdir(tmp_path / "in"))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.run([sys.executable, "-m", "zhreport", "extract", *[str(tmp_path / "in" / n) for n in names],
                        "-o", str(tmp_path / "out.jsonl"), "--max-mb", "1"], env=env, capture_output=True, timeout=120)
    assert p.returncode == 1  # some inputs failed, none stopped the others
    err = p.stderr.decode("utf-8")
    assert "Traceback" not in err
    done = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    sources = {d["source"].rsplit("/", 1)[1] for d in done}
    for name, (status, words) in expect.items():
        if status == "ok":
            assert name in sources, name
        elif name != "empty.txt":  # extract gives an empty file an empty result
            assert any(name in line and words in line for line in err.splitlines()), (name, err)


@pytest.mark.parametrize("depth", [300, 3000])
def test_deeply_nested_html_is_read_completely_with_exact_offsets(depth):
    from zhreport.pipeline import extract_text

    page = ("<html><body><p>前言</p>" + "<font>" * depth + f"<p>{GOOD}</p>"
            + "<table><tr><td>行政复议数量</td><td>7</td></tr></table></body></html>")
    assert violations(page) == []
    facts = extract_text(page).facts
    assert "7件" in [f.text for f in facts] and all(page[f.start:f.end] == f.text for f in facts)


def test_dictionary_cache_is_the_users_not_the_shared_temp_folder(tmp_path):
    """The segmenter keeps its dictionary cache in this user's cache folder (XDG_CACHE_HOME), never in
    the shared temporary folder where another user could plant a file for it to load."""
    import os
    import subprocess
    import sys
    import tempfile

    from .conftest import ROOT

    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), TMPDIR=str(tmp_path / "tmp"),
               PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    (tmp_path / "tmp").mkdir()
    code = "import zhreport; print(zhreport.extract('全年收到申请3件。').facts[0].value)"
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                       cwd=str(tmp_path))
    assert p.returncode == 0 and p.stdout.strip() == "3", p.stderr[-500:]
    cache = tmp_path / "cache" / "zhreport"
    assert sorted(f.suffix for f in cache.iterdir()) == [".data", ".nodes"]
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    assert not list((tmp_path / "tmp").iterdir())
    assert tempfile.gettempdir() != str(cache)
