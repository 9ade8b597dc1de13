"""The command line on good and bad input: results, or one line naming the file and the reason."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CORPORA, ROOT
from .test_reader import SAMPLE, SAMPLE_HANS, png_bytes


def run(*args, stdin=None, cwd=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "zhreport", *args], input=stdin, capture_output=True,
                          cwd=cwd, env=env, timeout=900)


def test_extract_seed_json():
    p = run("extract", str(CORPORA / "sample" / "zhashui_2018_seed.txt"))
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["template"] == "gov2008" and d["form"]["admin_review.total"]["value"] == 2


def test_extract_stdin_and_table():
    p = run("extract", "-", "--table", stdin="2018年，受理行政复议案件2件。".encode())
    assert p.returncode == 0
    assert "admin_review.total" in p.stdout.decode()


@pytest.mark.parametrize("name,data,fragment", [
    ("image.png", png_bytes(), "PNG image"),
    ("zeros.bin", b"\x00" * 64 + b"\x01\x02", "binary"),
])
def test_bad_files_give_one_line(tmp_path, name, data, fragment):
    f = tmp_path / name
    f.write_bytes(data)
    p = run("extract", str(f))
    err = p.stderr.decode()
    assert p.returncode == 1
    assert err.count("\n") == 1 and str(f) in err and fragment in err
    assert "Traceback" not in err


def test_missing_file_and_directory(tmp_path):
    p = run("extract", str(tmp_path / "nope.txt"), str(tmp_path))
    err = p.stderr.decode().strip().splitlines()
    assert p.returncode == 1 and len(err) == 2
    assert "no such file" in err[0] and "directory" in err[1]


@pytest.mark.parametrize("encoding,text", [("gbk", SAMPLE_HANS), ("big5", SAMPLE), ("utf-16", SAMPLE_HANS)])
def test_other_encodings(tmp_path, encoding, text):
    f = tmp_path / f"r.{encoding}.txt"
    f.write_bytes(text.encode(encoding))
    p = run("extract", str(f))
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["form"]["admin_review.total"]["value"] == 2
    assert d["facts"][0]["text"] == "2件"


def test_empty_file(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    p = run("extract", str(f))
    assert p.returncode == 0
    d = json.loads(p.stdout)
    assert d["facts"] == [] and d["form"] == {}


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(png_bytes())
    out = tmp_path / "out" / "r.jsonl"
    p = run("extract", str(bad), str(CORPORA / "sample" / "d01_2014_gov2008.txt"), "-o", str(out))
    assert p.returncode == 1
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    assert "1 of 2 documents" in p.stderr.decode()


@pytest.mark.slow
def test_fifty_megabytes(tmp_path, seed_text):
    f = tmp_path / "big.txt"
    reps = 50 * 1024 * 1024 // len(seed_text.encode()) + 1
    with open(f, "w", encoding="utf-8") as fh:
        for _ in range(reps):
            fh.write(seed_text + "\n")
    out = tmp_path / "big.jsonl"
    p = run("extract", str(f), "-o", str(out))
    assert p.returncode == 0, p.stderr[-500:]
    d = json.loads(out.read_text(encoding="utf-8"))
    assert len(d["facts"]) > reps * 70  # every copy's facts, nothing dropped
    assert d["form"]["admin_review.total"]["value"] == 2


def test_evaluate_cli_and_baseline(tmp_path):
    gold = CORPORA / "dev" / "dev.jsonl"
    p = run("evaluate", str(gold), "--template", "gov2008", "--json")
    assert p.returncode == 0
    res = json.loads(p.stdout)
    assert res["per_template"]["gov2008"]["form_f1"] >= 0.9
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"gov2008:form_f1": 0.9}))
    assert run("evaluate", str(gold), "--template", "gov2008", "--baseline", str(floors)).returncode == 0
    floors.write_text(json.dumps({"gov2008:form_f1": 1.01}))
    p = run("evaluate", str(gold), "--template", "gov2008", "--baseline", str(floors))
    assert p.returncode == 1 and "regression" in p.stderr.decode()


def test_accuracy_gate_names_its_gold(tmp_path):
    """The committed gate: floors equal to the measured scores, and the gold's hash — a changed
    gold fails until it is re-measured, and so does any drop."""
    dev = tmp_path / "dev"
    dev.mkdir()
    src = (CORPORA / "dev" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    (dev / "a.jsonl").write_text("\n".join(src[24:27]) + "\n", encoding="utf-8")  # three table cases
    base = tmp_path / "baseline.json"
    assert run("evaluate", str(dev), "--write-baseline", str(base)).returncode == 0
    b = json.loads(base.read_text(encoding="utf-8"))
    assert b["floors"]["form_f1"] > 0.9 and len(b["gold_sha256"]) == 64
    assert run("evaluate", str(dev), "--baseline", str(base)).returncode == 0
    # one more case the extractor gets wrong: the gold changed, and the scores dropped
    wrong = json.loads(src[24])
    wrong["id"], wrong["form"] = "x1", {k: v + 1 for k, v in wrong["form"].items() if isinstance(v, int)}
    (dev / "b.jsonl").write_text(json.dumps(wrong, ensure_ascii=False) + "\n", encoding="utf-8")
    p = run("evaluate", str(dev), "--baseline", str(base))
    err = p.stderr.decode()
    assert p.returncode == 1 and "not the one the baseline was measured on" in err and "form_p" in err


def test_evaluate_bad_gold(tmp_path):
    f = tmp_path / "g.jsonl"
    f.write_text("{not json\n")
    p = run("evaluate", str(f))
    assert p.returncode == 1 and "g.jsonl:1" in p.stderr.decode() and "Traceback" not in p.stderr.decode()


def test_normalize_explain(tmp_path):
    f = tmp_path / "n.txt"
    f.write_text("創(chuàng)新\n第二行１２件", encoding="utf-8")
    p = run("normalize", str(f), "--explain")
    assert p.stdout.decode() == "创新\n第二行12件\n"
    kinds = [json.loads(l)["kind"] for l in p.stderr.decode().splitlines()[1:]]
    assert kinds == ["pinyin", "width"]


def test_installed_console_script_runs_from_elsewhere(tmp_path):
    """`pip install .` ships models/ inside the package; run it from a folder with no checkout."""
    script = Path(sys.executable).with_name("zhreport")
    if not script.exists():
        pytest.skip("zhreport is not installed as a console script in this environment")
    f = tmp_path / "r.txt"
    f.write_text("2018年，受理行政复议案件2件。", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    p = subprocess.run([str(script), "extract", str(f)], capture_output=True, cwd=tmp_path, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["form"]["admin_review.total"]["value"] == 2


@pytest.mark.parametrize("content,fragment", [(b"\x89PNG\r\n\x1a\n\x00", "not a UTF-8"),
                                              (b'{"id": "x"}\n', "needs a 'text'")])
def test_evaluate_rejects_a_bad_gold_file_in_one_line(tmp_path, content, fragment):
    g = tmp_path / "gold.jsonl"
    g.write_bytes(content)
    p = run("evaluate", str(g))
    err = p.stderr.decode()
    assert p.returncode == 1 and fragment in err and str(g) in err and "Traceback" not in err


def test_batch_on_a_missing_folder(tmp_path):
    p = run("batch", str(tmp_path / "nope"), "-o", str(tmp_path / "out"))
    assert p.returncode == 1 and "no such file or folder" in p.stderr.decode()
