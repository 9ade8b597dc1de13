"""The main job: batch extraction over a corpus, resumable, with real readers."""
import os
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


_TWO_FACTS = "2018年，受理行政复议案件2件，被依法纠错1件。"
_ONE_FACT = "2018年，受理政府信息公开申请5件。"


def _run_one_worker(tmp_path, texts: dict):
    """run_batch with one worker over files named and filled by `texts`: its summary, then the store's
    documents, errors and count of facts."""
    (tmp_path / "in").mkdir()
    for name, text in texts.items():
        (tmp_path / "in" / name).write_text(text, encoding="utf-8")
    s = run_batch(list_inputs(str(tmp_path / "in")), str(tmp_path / "out"), workers=1, progress=False)
    return (s, *_db_rows(tmp_path / "out"))


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


def _stored(out: Path) -> int:
    """Documents and errors the store holds now (0 before it exists), read beside a running batch."""
    try:
        conn = sqlite3.connect(f"file:{out / 'zhreport.sqlite'}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM errors)").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_kill_nine_and_resume_equals_an_uninterrupted_run(tmp_path):
    """The main process and its workers killed at once, three times, each time once the store holds a given
    number of documents (so every kill lands in the middle of a run, however fast the machine), then resumed:
    the store equals that of a run never interrupted."""
    write_corpus(str(tmp_path / "c"), n=120, seed=9, broken=0.05)
    docs = str(tmp_path / "c" / "docs")
    total = len(list_inputs(docs))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "zhreport", "batch", docs, "-o", str(out), "--workers", "2",
           "--quiet", "--max-mb", "5"]
    cut_mid_run = 0
    for k, target in enumerate((15, 50, 85)):
        p = subprocess.Popen(cmd + (["--resume"] if k else []), env=env, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        deadline = time.monotonic() + 60
        while p.poll() is None and _stored(out) < target and time.monotonic() < deadline:
            time.sleep(0.01)
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)  # the main process and its workers, at once
            cut_mid_run += _stored(out) < total
        p.wait()
    assert cut_mid_run >= 2  # the kills really cut runs short
    subprocess.run(cmd + ["--resume"], env=env, check=True, stderr=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "zhreport", "batch", docs, "-o", str(tmp_path / "clean"), "--workers", "2",
                    "--quiet", "--max-mb", "5"], env=env, check=True, stderr=subprocess.DEVNULL)
    assert _db_rows(out) == _db_rows(tmp_path / "clean")


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


# ---------------------------------------------------------------- hardening: processes, lock, resume, time limit
def _children(pid):
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(d.name))
    return out


def _alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing


def _start_slow_run(tmp_path, out, n=60):
    docs = tmp_path / "slow" / "docs"
    if not docs.exists():
        write_corpus(str(tmp_path / "slow"), n=n, seed=4)
        seed = (ROOT / "corpora" / "sample" / "zhashui_2018_seed.txt").read_text(encoding="utf-8")
        # long reports (a quarter of a second or more each, the repair of 120 damaged runs and a
        # 220 KB text): the run is still going when it is stopped, seconds after it started
        for i in range(32):
            (docs / f"zz_long_{i}.txt").write_text(seed * 40, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.Popen([sys.executable, "-m", "zhreport", "batch", str(docs), "-o", str(out), "--workers", "2",
                          "--quiet"], env=env, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(_children(p.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = _children(p.pid)
    assert len(workers) == 2, "the workers did not start"
    return p, workers, env, docs


def _gone_within(pids, seconds=5.0):
    deadline = time.monotonic() + seconds
    while any(_alive(w) for w in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not any(_alive(w) for w in pids)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_workers_end_when_the_main_process_is_killed(tmp_path):
    p, workers, _env, _docs = _start_slow_run(tmp_path, tmp_path / "out")
    os.kill(p.pid, signal.SIGKILL)  # the main process only
    p.wait()
    assert _gone_within(workers)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_second_run_on_one_output_refuses_and_sigterm_writes_the_exports(tmp_path):
    out = tmp_path / "out"
    p, workers, env, docs = _start_slow_run(tmp_path, out)
    second = subprocess.run([sys.executable, "-m", "zhreport", "batch", str(docs), "-o", str(out), "--workers", "1",
                             "--overwrite"], env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 1 and f"in use by another run (pid {p.pid}" in second.stderr
    assert (out / "zhreport.sqlite").exists()  # the running run's store was left alone
    time.sleep(1.5)  # some documents done
    os.kill(p.pid, signal.SIGTERM)
    p.wait(timeout=30)
    assert p.returncode != 0 and "interrupted" in p.stderr.read().decode()
    assert _gone_within(workers)
    docs_in_store, _errs, _facts = _db_rows(out)
    exported = (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    assert 0 < len(exported) == len(docs_in_store) < len(list_inputs(str(docs)))


def test_resume_after_edits_and_deletions_equals_a_fresh_run(tmp_path):
    write_corpus(str(tmp_path / "c"), n=10, seed=8, broken=0.2)
    docs = tmp_path / "c" / "docs"
    run_batch(list_inputs(str(docs)), str(tmp_path / "resumed"), workers=2, progress=False)
    texts = sorted(f for f in docs.glob("*.txt") if "broken" not in f.name and f.stat().st_size > 200)
    for f in texts[:2]:  # edited: a new number in the narrative
        f.write_text(f.read_text(encoding="utf-8") + "\n本年度受理行政复议案件99件。\n", encoding="utf-8")
    for f in texts[2:4]:
        f.unlink()
    (docs / "new.txt").write_text("2018年，受理行政复议案件3件。", encoding="utf-8")
    s = run_batch(list_inputs(str(docs)), str(tmp_path / "resumed"), workers=2, resume=True, progress=False)
    assert s.done == 3 and s.resumed == s.total - 3  # the two edited and the new one
    run_batch(list_inputs(str(docs)), str(tmp_path / "fresh"), workers=2, progress=False)
    for name in ("reports.jsonl", "forms.csv", "checks.csv", "errors.csv"):
        assert (tmp_path / "resumed" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name
    assert _db_rows(tmp_path / "resumed") == _db_rows(tmp_path / "fresh")


def test_a_document_over_the_time_limit_is_recorded_and_its_worker_replaced(tmp_path):
    seed = (ROOT / "corpora" / "sample" / "zhashui_2018_seed.txt").read_text(encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a_slow.txt").write_text(seed * 200, encoding="utf-8")  # a second or more
    (tmp_path / "in" / "b_ok.txt").write_text("2018年，受理行政复议案件2件。", encoding="utf-8")
    (tmp_path / "in" / "c_ok.txt").write_text("2018年，受理行政复议案件5件。", encoding="utf-8")
    s = run_batch(list_inputs(str(tmp_path / "in")), str(tmp_path / "out"), workers=1, progress=False, timeout=0.5)
    assert (s.ok, s.errors, s.timeouts) == (2, 1, 1)
    docs, errs, _ = _db_rows(tmp_path / "out")
    assert [Path(e[0]).name for e in errs] == ["a_slow.txt"] and errs[0][2] == "timeout" and "0.5 s" in errs[0][3]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_worker_that_dies_is_replaced_and_its_document_recorded(tmp_path):
    import threading

    seed = (ROOT / "corpora" / "sample" / "zhashui_2018_seed.txt").read_text(encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a_slow.txt").write_text(seed * 200, encoding="utf-8")  # a second or more
    (tmp_path / "in" / "b_ok.txt").write_text("2018年，受理行政复议案件2件。", encoding="utf-8")

    def kill_the_worker():  # as the kernel's out-of-memory killer would
        deadline = time.monotonic() + 60
        while not _children(os.getpid()) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        for pid in _children(os.getpid()):
            os.kill(pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_the_worker)
    killer.start()
    s = run_batch(list_inputs(str(tmp_path / "in")), str(tmp_path / "out"), workers=1, progress=False)
    killer.join()
    assert (s.ok, s.errors) == (1, 1)
    _docs, errs, _ = _db_rows(tmp_path / "out")
    assert Path(errs[0][0]).name == "a_slow.txt" and "worker process died" in errs[0][3]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_documents_done_but_not_yet_stored_by_a_stopped_worker_are_done_again(tmp_path):
    """While another process holds the store's write lock, a worker goes on with its next
    documents without storing them; stopped then (a document over the time limit), those go
    to its replacement: none is lost."""
    import threading

    from zhreport.batch import DB_NAME, _connect

    seed = (ROOT / "corpora" / "sample" / "zhashui_2018_seed.txt").read_text(encoding="utf-8")
    (tmp_path / "in").mkdir()
    for i in range(5):
        (tmp_path / "in" / f"a_ok_{i}.txt").write_text(f"2018年，受理行政复议案件{i + 2}件。", encoding="utf-8")
    (tmp_path / "in" / "z_slow.txt").write_text(seed * 200, encoding="utf-8")  # a second or more
    (tmp_path / "out").mkdir()
    _connect(tmp_path / "out" / DB_NAME).close()
    # another writer, in a process of its own (a connection must not be open across the fork of a worker)
    holder = subprocess.Popen([sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                               "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); sys.stdin.read()",
                               str(tmp_path / "out" / DB_NAME)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert holder.stdout.readline().strip() == b"locked"

    def release_the_store_when_the_worker_is_stopped():
        deadline = time.monotonic() + 60
        while not (first := [p for p in _children(os.getpid()) if p != holder.pid]) and time.monotonic() < deadline:
            time.sleep(0.02)
        _gone_within(first, 60)
        holder.kill()  # the lock goes with its holder
        holder.wait()

    releaser = threading.Thread(target=release_the_store_when_the_worker_is_stopped)
    releaser.start()
    s = run_batch(list_inputs(str(tmp_path / "in")), str(tmp_path / "out"), workers=1, resume=True, progress=False,
                  timeout=0.5)
    releaser.join()
    assert (s.ok, s.errors, s.timeouts) == (5, 1, 1)
    docs, errs, _ = _db_rows(tmp_path / "out")
    assert sorted(Path(d[0]).name for d in docs) == [f"a_ok_{i}.txt" for i in range(5)]
    assert [(Path(e[0]).name, e[2]) for e in errs] == [("z_slow.txt", "timeout")]


def test_a_worker_that_finds_the_store_busy_keeps_its_documents_and_stores_them_later(tmp_path):
    from zhreport.batch import DB_NAME, _connect, _store, _work

    f = tmp_path / "r.txt"
    f.write_text("2018年，受理行政复议案件2件。", encoding="utf-8")
    store = _connect(tmp_path / DB_NAME)
    unstored = [(7, _work(str(f), 1 << 20, None, {}))]
    holder = subprocess.Popen([sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                               "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); sys.stdin.read()",
                               str(tmp_path / DB_NAME)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"locked"
        t = time.monotonic()
        assert _store(store, unstored, wait=False) == [] and len(unstored) == 1  # at once, nothing lost
        assert time.monotonic() - t < 0.5
    finally:
        holder.kill()
        holder.wait()
    assert _store(store, unstored, wait=True) == [(7, "ok", "")] and unstored == []
    assert store.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    store.close()


def test_a_worker_that_dies_after_a_commit_it_did_not_acknowledge_leaves_no_document_twice(tmp_path, monkeypatch):
    """A worker stores a document it kept (the store was busy) together with the next one, and dies
    before it can say so: the kept one is done again by another worker, replacing its rows, not adding
    a second copy; the one it was doing is recorded as an error, with nothing of it left stored."""
    from zhreport import batch

    real_store = batch._store
    marker = tmp_path / "busy_once"

    def store(conn, unstored, wait):
        names = [Path(res["source"]).name for _seq, res in unstored]
        if names == ["a_kept.txt"] and not marker.exists():
            marker.touch()  # the first time: as if another worker were writing
            return []
        acks = real_store(conn, unstored, wait)
        if "b_dies.txt" in names:
            os._exit(1)  # committed, not acknowledged
        return acks

    monkeypatch.setattr(batch, "_store", store)  # the workers are forked: they see it
    s, docs, errs, facts = _run_one_worker(tmp_path, {"a_kept.txt": _TWO_FACTS, "b_dies.txt": _ONE_FACT})
    assert (s.ok, s.errors) == (1, 1)
    assert [Path(d[0]).name for d in docs] == ["a_kept.txt"]
    assert [(Path(e[0]).name, e[2]) for e in errs] == [("b_dies.txt", "error")]
    assert facts == 2  # a_kept's two facts, once


def test_a_worker_that_dies_while_storing_at_the_end_has_its_documents_done_again(tmp_path, monkeypatch):
    """The last flush commits and the worker dies before it can say so: another worker does the
    documents again, replacing what was stored; none is recorded as an error, none stored twice."""
    from zhreport import batch

    real_store = batch._store
    marker = tmp_path / "died_once"

    def store(conn, unstored, wait):
        if not wait:
            return []  # as if another worker were writing each time: all is left to the final flush
        acks = real_store(conn, unstored, wait)
        if not marker.exists():
            marker.touch()
            os._exit(1)  # committed, not acknowledged
        return acks

    monkeypatch.setattr(batch, "_store", store)  # the workers are forked: they see it
    s, docs, errs, facts = _run_one_worker(tmp_path, {"a.txt": _TWO_FACTS, "b.txt": _ONE_FACT})
    assert marker.exists()
    assert (s.ok, s.errors) == (2, 0)
    assert [Path(d[0]).name for d in docs] == ["a.txt", "b.txt"] and errs == []
    assert facts == 3


def test_what_a_worker_said_before_it_died_is_read_before_it_is_replaced(tmp_path, monkeypatch):
    """A worker acknowledges a document and dies while the main process is slow to hand out the
    next task: the acknowledgement still in the pipe counts, the document is not recorded as lost."""
    import threading

    from zhreport import batch

    real_store, real_give = batch._store, batch._Worker.give

    def store_then_die_after_b(conn, unstored, wait):
        names = [Path(res["source"]).name for _seq, res in unstored]
        acks = real_store(conn, unstored, wait)
        if "b.txt" in names:
            threading.Timer(0.05, os._exit, (1,)).start()  # dies just after acknowledging b
        return acks

    def slow_give(self, task):
        time.sleep(0.3)  # the main process is slow to hand out the next task
        return real_give(self, task)

    monkeypatch.setattr(batch, "_store", store_then_die_after_b)
    monkeypatch.setattr(batch._Worker, "give", slow_give)
    s, docs, errs, facts = _run_one_worker(tmp_path, {f"{name}.txt": f"2018年，受理行政复议案件{k}件。"
                                                      for name, k in (("a", 2), ("b", 3), ("c", 4))})
    assert [Path(d[0]).name for d in docs] == ["a.txt", "b.txt", "c.txt"] and errs == []
    assert (s.ok, s.errors, facts) == (3, 0, 3)
