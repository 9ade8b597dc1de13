"""One test per surprise a new user met (issue 13): each is now a clear error, a warning
naming the right call, or the documented behaviour — never a silent wrong result."""
import io
import json
import warnings

import pytest

import zhreport
from zhreport import cli
from zhreport.batch import BatchSummary, _Progress
from zhreport.evaluate import evaluate
from zhreport.pipeline import DEFAULT_MAX_MB

from .conftest import CORPORA

SEED = CORPORA / "sample" / "zhashui_2018_seed.txt"


def _cli(capsys, *argv):
    """(exit status, stderr) of the command line run in this process."""
    try:
        status = cli.main(list(argv))
    except SystemExit as exc:  # argparse's usage errors
        status = exc.code
    return status, capsys.readouterr().err


# ---------------------------------------------------------------- text versus path
def test_a_mistyped_file_name_warns_and_names_the_right_call():
    with pytest.warns(UserWarning, match=r"extract_file\('reprot.txt'\)"):
        r = zhreport.extract("reprot.txt")
    assert r.facts == [] and r.source == "-"


def test_a_short_string_naming_an_existing_file_is_not_read():
    with pytest.warns(UserWarning, match="looks like a file name"):
        r = zhreport.extract(str(SEED))
    assert r.facts == [] and r.issuer is None  # the string itself, not the seed's 2 replies
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # report text never warns
        zhreport.extract("全年共收到政府信息公开申请13件，其中当面申请1件。")
    assert zhreport.extract_file(str(SEED)).issuer == "柞水县人民政府办公室"


def test_extract_reads_word_and_pdf_like_batch(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("某县2018年政府信息公开工作年度报告")
    d.add_paragraph("全年共收到政府信息公开申请13件，受理行政复议案件2件。")
    path = tmp_path / "report.docx"
    d.save(str(path))
    for r in (zhreport.extract_file(path), zhreport.extract(path)):
        assert r.form["requests.received.total"].value == 13 and r.encoding == "docx"
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"not a pdf")
    with pytest.raises(zhreport.ReadError, match="not a PDF"):
        zhreport.extract_file(fake)


def test_one_size_limit_for_extract_and_batch(tmp_path):
    assert cli.DEFAULT_MAX_MB == DEFAULT_MAX_MB
    defaults = {verb: sub.get_default("max_mb") for verb, sub in
                cli.build_parser()._subparsers._group_actions[0].choices.items() if sub.get_default("max_mb")}
    assert set(defaults) == {"extract", "batch", "normalize", "view"} and set(defaults.values()) == {DEFAULT_MAX_MB}
    big = tmp_path / "big.txt"
    big.write_bytes("受理申请1件。\n".encode() * 80000)  # about 1.5 MB
    with pytest.raises(zhreport.ReadError, match="over the limit of 1 MB"):
        zhreport.extract_file(big, max_mb=1)


# ---------------------------------------------------------------- evaluate
def test_evaluate_on_an_empty_gold_file_is_an_error_not_f1_one(tmp_path, capsys):
    gold = tmp_path / "empty.jsonl"
    gold.write_text("\n", encoding="utf-8")
    status, err = _cli(capsys, "evaluate", str(gold))
    assert status == 1 and err.count("\n") == 1 and "no gold cases" in err
    with pytest.raises(ValueError, match="no gold cases"):
        evaluate([])


def test_a_template_without_cases_is_no_score(tmp_path, capsys):
    case = {"id": "x", "year": 2018, "template": "gov2008", "text": "受理行政复议案件2件。",
            "facts": [], "form": {}}
    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps(case, ensure_ascii=False) + "\n", encoding="utf-8")
    status, err = _cli(capsys, "evaluate", str(gold), "--template", "gov2021")
    assert status == 1 and "no gold cases of template gov2021" in err
    # nothing to score in a template is null, never 0.0 or 1.0
    r = evaluate([dict(case, text="本报告无数据。")])
    assert r["per_template"]["gov2008"]["form_f1"] is None and r["fact_f1"] is None


# ---------------------------------------------------------------- arguments
@pytest.mark.parametrize("argv,fragment", [
    (["batch", "corpora/sample", "-o", "x", "--workers", "0"], "--workers"),
    (["batch", "corpora/sample", "-o", "x", "--workers", "-3"], "--workers"),
    (["synth", "-n", "-1", "-o", "x"], "-n"),
    (["synth", "--broken", "2", "-o", "x"], "--broken"),
    (["batch", "corpora/sample", "-o", "x", "--max-mb", "0"], "--max-mb"),
    (["extract", "f.txt", "--max-mb", "-5"], "--max-mb"),
])
def test_bad_arguments_are_refused_with_one_error_line(capsys, argv, fragment):
    status, err = _cli(capsys, *argv)
    assert status == 2
    last = err.strip().splitlines()[-1]
    assert "error:" in last and fragment in last


def test_output_naming_an_existing_file_is_refused(tmp_path, capsys):
    f = tmp_path / "results.csv"
    f.write_text("keep me", encoding="utf-8")
    for argv in (["batch", str(SEED), "-o", str(f)], ["synth", "-n", "2", "-o", str(f)]):
        status, err = _cli(capsys, *argv)
        assert status == 2 and err.count("\n") == 1 and "is a file" in err
    assert f.read_text(encoding="utf-8") == "keep me"


def test_batch_into_earlier_results_needs_resume_or_overwrite(tmp_path, capsys):
    out = tmp_path / "out"
    assert _cli(capsys, "batch", str(SEED), "-o", str(out), "--quiet", "--workers", "1")[0] == 0
    before = (out / "forms.csv").read_bytes()
    other = CORPORA / "sample" / "d01_2014_gov2008.txt"
    status, err = _cli(capsys, "batch", str(other), "-o", str(out), "--quiet", "--workers", "1")
    assert status == 2 and "--resume" in err and "--overwrite" in err
    assert (out / "forms.csv").read_bytes() == before  # nothing replaced
    assert _cli(capsys, "batch", str(other), "-o", str(out), "--quiet", "--workers", "1", "--resume")[0] == 0
    assert len((out / "forms.csv").read_text(encoding="utf-8").splitlines()) == 3
    assert _cli(capsys, "batch", str(other), "-o", str(out), "--quiet", "--workers", "1", "--overwrite")[0] == 0
    assert len((out / "forms.csv").read_text(encoding="utf-8").splitlines()) == 2


def test_options_are_the_same_across_commands():
    p = cli.build_parser()
    for argv in (["extract", "f.txt", "--mojibake", "off", "--max-mb", "5"],
                 ["normalize", "f.txt", "--mojibake", "off", "--max-mb", "5"],
                 ["batch", "d", "-o", "o", "--max-mb", "5"]):
        args = p.parse_args(argv)
        assert args.max_mb == 5
    assert p.parse_args(["extract", "f.txt", "--mojibake", "report"]).mojibake == "report"


def test_batch_takes_the_options_of_extract(tmp_path):
    """--year, --template and --mojibake reach every document of a batch, as they reach extract."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("我局收到政府信息公开申请3件，全部按时办结。?。ǘ┩ㄟ^网站公开信息。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["batch", str(src), "-o", str(out), "--workers", "1", "--quiet", "--year", "2020",
                     "--template", "gov2008", "--mojibake", "off"]) == 0
    rep = json.loads((out / "reports.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert (rep["year"], rep["template"]) == (2020, "gov2008")
    assert rep["form"]["requests.received.total"]["value"] == 3
    assert not [r for r in rep["repairs"] if r["kind"] == "mojibake"]
    default = zhreport.extract((src / "a.txt").read_text(encoding="utf-8"))
    assert [r for r in default.repairs if r.kind == "mojibake"]  # the run is there: 'off' skipped it


# ---------------------------------------------------------------- progress
def test_the_first_progress_estimate_waits_for_a_rate():
    now = [0.0]
    stream = io.StringIO()
    bar = _Progress(500, stream=stream, clock=lambda: now[0])
    s = BatchSummary(total=500)
    now[0] = 5.0  # warm-up and forking took 5 s; then 20 documents a second
    for _ in range(10):
        s.done += 1
        bar.update(s, force=True)
        now[0] += 0.05
    lines = stream.getvalue().splitlines()
    assert "estimating" in lines[0]  # one document is no rate
    left = float(lines[-1].rsplit("~", 1)[1].split(" s")[0])
    assert 20 <= left <= 30  # 490 documents at 20/s, not ~2500 s


# ---------------------------------------------------------------- API edges
def test_the_public_types_are_exported():
    for name in ("Check", "FieldValue", "Repair", "Fact", "Report", "DataError", "ReadError",
                 "ZhReportError", "extract", "extract_file"):
        assert name in zhreport.__all__ and getattr(zhreport, name) is not None
    assert issubclass(zhreport.DataError, zhreport.ZhReportError)
