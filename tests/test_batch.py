"""The main job: batch extraction over a corpus, resumable, with real readers."""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zhreport.batch import list_inputs, process_path, run_batch
from zhreport.evaluate import evaluate, load_gold
from zhreport.synth import write_corpus

from .conftest import ROOT


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus")
    write_corpus(str(d), n=48, seed=5, broken=0.125)  # 6 broken files of each kind but the 100 MB one
    return d


def _db_rows(out):
    conn = sqlite3.connect(str(Path(out) / "zhreport.sqlite"))
    docs = sorted(conn.execute("SELECT source, sha256, report FROM documents"))
    errs = sorted(conn.execute("SELECT source, sha256, status, reason FROM errors"))
    facts = conn.execute("SELECT count(*) FROM facts").fetchone()[0]
    conn.close()
    return docs, errs, facts


def test_counts_add_up_and_every_file_is_accounted_for(corpus, tmp_path):
    paths = list_inputs(str(corpus / "docs"))
    s = run_batch(paths, str(tmp_path / "out"), workers=2, progress=False, max_mb=5)
    assert s.total == len(paths) == s.ok + s.errors + s.skipped
    docs, errs, _ = _db_rows(tmp_path / "out")
    assert {d[0] for d in docs} | {e[0] for e in errs} == set(paths)
    assert len(docs) == s.ok and len(errs) == s.errors + s.skipped
    reasons = {Path(e[0]).name.split("_")[2].split(".")[0]: e[3] for e in errs}
    assert "binary" in reasons["binary"] and "no such file" in reasons["dangling"]
    assert "not a PDF" in reasons["wrong"]
    for name in ("reports.jsonl", "forms.csv", "checks.csv", "errors.csv"):
        assert (tmp_path / "out" / name).exists()
    lines = (tmp_path / "out" / "forms.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == s.ok + 1 and lines[0].startswith("source,sha256,year,template,issuer,")


def test_same_output_whatever_the_worker_count(corpus, tmp_path):
    paths = list_inputs(str(corpus / "docs"))
    run_batch(paths, str(tmp_path / "w1"), workers=1, progress=False)
    run_batch(paths, str(tmp_path / "w2"), workers=2, progress=False)
    for name in ("reports.jsonl", "forms.csv", "checks.csv", "errors.csv"):
        assert (tmp_path / "w1" / name).read_bytes() == (tmp_path / "w2" / name).read_bytes(), name


def test_generated_gold_scores_per_template_and_variant(corpus):
    res = evaluate(load_gold(corpus / "gold.jsonl"))
    for t in ("gov2008", "gov2019", "gov2021"):
        assert res["per_template"][t]["form_f1"] >= 0.95
    v = res["per_variant"]
    assert abs(v["damaged"]["form_f1"] - v["clean"]["form_f1"]) <= 0.02


def test_kill_nine_and_resume_equals_an_uninterrupted_run(tmp_path):
    write_corpus(str(tmp_path / "c"), n=120, seed=9, broken=0.05)
    docs = str(tmp_path / "c" / "docs")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "zhreport", "batch", docs, "-o", str(tmp_path / "killed"), "--workers", "2",
           "--quiet", "--max-mb", "5"]
    rng = random.Random(3)
    first = True
    for _ in range(3):
        p = subprocess.Popen(cmd + ([] if first else ["--resume"]), env=env, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        first = False
        time.sleep(rng.uniform(2.0, 4.0))
        try:
            os.killpg(p.pid, signal.SIGKILL)  # the main process and its workers, at once
        except ProcessLookupError:
            pass  # it had finished already
        p.wait()
    subprocess.run(cmd + ["--resume"], env=env, check=True, stderr=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "zhreport", "batch", docs, "-o", str(tmp_path / "clean"), "--workers", "2",
                    "--quiet", "--max-mb", "5"], env=env, check=True, stderr=subprocess.DEVNULL)
    assert _db_rows(tmp_path / "killed") == _db_rows(tmp_path / "clean")


def test_process_path_is_pure_and_never_raises(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text("2018年，受理行政复议案件2件。", encoding="utf-8")
    a, b = process_path(str(f)), process_path(str(f))
    assert a == b and a["status"] == "ok" and a["report"]["form"]["admin_review.total"]["value"] == 2
    assert process_path(str(tmp_path / "missing.txt"))["status"] == "error"
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04")
    assert process_path(str(tmp_path / "x.xlsx"))["status"] == "skipped"


def test_dask_bag_on_the_local_scheduler(tmp_path):
    db = pytest.importorskip("dask.bag")
    paths = []
    for i in range(4):
        f = tmp_path / f"r{i}.txt"
        f.write_text(f"2018年，受理行政复议案件{i}件。", encoding="utf-8")
        paths.append(str(f))
    results = db.from_sequence(paths, npartitions=2).map(process_path).compute(scheduler="processes")
    assert [r["report"]["form"]["admin_review.total"]["value"] for r in results] == [0, 1, 2, 3]


def test_cli_batch_summary(tmp_path):
    write_corpus(str(tmp_path / "c"), n=5, seed=1)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.run([sys.executable, "-m", "zhreport", "batch", str(tmp_path / "c" / "docs"), "-o",
                        str(tmp_path / "o"), "--workers", "1"], env=env, capture_output=True, text=True)
    assert p.returncode == 0
    assert "5 documents: 5 extracted, 0 errors" in p.stderr and "results in" in p.stderr
    assert len((tmp_path / "o" / "reports.jsonl").read_text(encoding="utf-8").splitlines()) == 5
