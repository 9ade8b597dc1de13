"""The main job: a folder (or glob, or list) of reports -> one dataset.

Worker processes run ``process_path`` — a pure per-document function that never
raises — and the main process commits the results as they arrive (those ready at
the same moment in one SQLite transaction), so a ``kill -9`` loses at most the
documents in flight. ``resume`` skips what the
store already holds (by source path and content hash). Every run ends by writing
the exports — reports.jsonl, forms.csv, checks.csv, errors.csv — sorted by source,
so the same input gives the same files whatever the worker count.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import sqlite3
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from .errors import ReadError
from .exports import export
from .readers import SkipFile, read_document

__all__ = ["process_path", "run_batch", "list_inputs", "BatchSummary"]

DB_NAME = "zhreport.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
  source TEXT NOT NULL, sha256 TEXT NOT NULL, year INTEGER, template TEXT, issuer TEXT,
  encoding TEXT, script TEXT, n_facts INTEGER, n_checks INTEGER, report TEXT NOT NULL,
  PRIMARY KEY (source, sha256));
CREATE TABLE IF NOT EXISTS facts (
  source TEXT, sha256 TEXT, idx INTEGER, start INTEGER, "end" INTEGER, text TEXT, value TEXT,
  unit TEXT, approx TEXT, indicator TEXT, field TEXT, origin TEXT, confidence REAL);
CREATE TABLE IF NOT EXISTS form (source TEXT, sha256 TEXT, field TEXT, value TEXT, origin TEXT);
CREATE TABLE IF NOT EXISTS checks (source TEXT, sha256 TEXT, rule TEXT, severity TEXT, fields TEXT, message TEXT);
CREATE TABLE IF NOT EXISTS errors (
  source TEXT NOT NULL, sha256 TEXT NOT NULL, status TEXT, reason TEXT, PRIMARY KEY (source, sha256));
CREATE INDEX IF NOT EXISTS facts_doc ON facts (source, sha256);
CREATE INDEX IF NOT EXISTS form_doc ON form (source, sha256);
"""


def file_sha256(path: str) -> str:
    """Hash of the raw bytes ('' when the file cannot be read: its error is recorded instead)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return ""
    return h.hexdigest()


def process_path(path: str, max_bytes: int = 50 * 1024 * 1024) -> dict:
    """One document, start to end, as plain JSON-able data. Never raises.

    Returns {"source", "sha256", "status": ok|error|skipped, "report" | "reason"}.
    This is the function to map over a file list on any executor (Dask, Ray, Spark).
    """
    from .pipeline import extract_text

    try:
        dec = read_document(path, max_bytes)
    except SkipFile as exc:
        return {"source": path, "sha256": file_sha256(path), "status": "skipped", "reason": exc.reason}
    except ReadError as exc:
        return {"source": path, "sha256": file_sha256(path), "status": "error", "reason": exc.reason}
    except Exception as exc:  # a reader's bug must not stop a run of millions
        return {"source": path, "sha256": file_sha256(path), "status": "error",
                "reason": f"internal error while reading: {type(exc).__name__}: {exc}"}
    try:
        rep = extract_text(dec.text, source=path, sha256=dec.sha256, encoding=dec.encoding)
        return {"source": path, "sha256": dec.sha256, "status": "ok", "report": rep.to_dict()}
    except Exception as exc:
        return {"source": path, "sha256": dec.sha256, "status": "error",
                "reason": f"internal error while extracting: {type(exc).__name__}: {exc}"}


def list_inputs(spec: str) -> list[str]:
    """A folder (every file below it), a glob, '@list' (one path a line), or one file; sorted."""
    if spec.startswith("@"):
        with open(spec[1:], encoding="utf-8") as fh:
            return sorted({line.strip() for line in fh if line.strip()})
    p = Path(spec)
    if p.is_dir():
        return sorted(str(f) for f in p.rglob("*") if not f.is_dir())
    if any(c in spec for c in "*?["):
        return sorted(f for f in glob.glob(spec, recursive=True) if not os.path.isdir(f))
    return [spec]


@dataclass
class BatchSummary:
    total: int = 0
    done: int = 0
    ok: int = 0
    errors: int = 0
    skipped: int = 0
    resumed: int = 0
    seconds: float = 0.0
    peak_worker_mb: float = 0.0
    out: str = ""
    exports: dict = field(default_factory=dict)

    @property
    def docs_per_s(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


def _connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(db), timeout=60)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a killed process loses no commit
    conn.executescript(_SCHEMA)
    return conn


def prepare(res: dict) -> dict:
    """The store's rows of one result, built in the worker so the writer only writes."""
    src, sha = res["source"], res.get("sha256") or ""
    out = {"source": src, "sha256": sha, "status": res["status"]}
    if res["status"] != "ok":
        out["error"] = (src, sha, res["status"], res["reason"])
        return out
    r = res["report"]
    out["document"] = (src, sha, r["year"], r["template"], r["issuer"], r["encoding"], r["script"],
                       len(r["facts"]), len(r["checks"]), json.dumps(r, ensure_ascii=False, sort_keys=True))
    out["facts"] = [(src, sha, i, f["start"], f["end"], f["text"], json.dumps(f["value"]), f["unit"], f["approx"],
                     f["indicator"], f["field"], f["source"], f["confidence"]) for i, f in enumerate(r["facts"])]
    out["form"] = [(src, sha, k, json.dumps(v["value"], ensure_ascii=False), v["source"]) for k, v in r["form"].items()]
    out["checks"] = [(src, sha, c["rule"], c["severity"], ",".join(c["fields"]), c["message"]) for c in r["checks"]]
    return out


def _work(path: str, max_bytes: int) -> dict:
    return prepare(process_path(path, max_bytes))


def _write(conn: sqlite3.Connection, rows: dict) -> None:
    src, sha = rows["source"], rows["sha256"]
    if "error" in rows:
        conn.execute("INSERT OR REPLACE INTO errors VALUES (?,?,?,?)", rows["error"])
        return
    for table in ("facts", "form", "checks"):
        conn.execute(f"DELETE FROM {table} WHERE source=? AND sha256=?", (src, sha))
    conn.execute("INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)", rows["document"])
    conn.executemany("INSERT INTO facts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows["facts"])
    conn.executemany("INSERT INTO form VALUES (?,?,?,?,?)", rows["form"])
    conn.executemany("INSERT INTO checks VALUES (?,?,?,?,?,?)", rows["checks"])


class _Progress:
    """The progress line. The time left is estimated from the documents finished after the
    first one: warm-up, forking and the first document's data loading are no rate."""

    MIN_FOR_ESTIMATE = 3  # documents finished after the first before the time left is shown

    def __init__(self, total: int, stream=sys.stderr, enabled: bool = True, clock=time.perf_counter):
        self.total, self.stream, self.enabled, self.clock = total, stream, enabled, clock
        self.t0 = clock()
        self.last = 0.0
        self.first: Optional[tuple[float, int]] = None  # (time, documents done) at the first finished one
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def update(self, s: BatchSummary, force: bool = False) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if self.first is None and s.done:
            self.first = (now, s.done)
        if not force and now - self.last < (0.5 if self.tty else 10.0):
            return
        self.last = now
        dt = now - self.t0
        rate = s.done / dt if dt > 0 else 0.0
        left = "estimating time left"
        if self.first is not None and s.done - self.first[1] >= self.MIN_FOR_ESTIMATE and now > self.first[0]:
            recent = (s.done - self.first[1]) / (now - self.first[0])
            left = f"~{(self.total - s.resumed - s.done) / recent:.0f} s left"
        msg = (f"{s.done + s.resumed}/{self.total} documents, {rate:.1f} docs/s, "
               f"{s.errors} errors, {s.skipped} skipped, {left}")
        self.stream.write(("\r" + msg + "   ") if self.tty else (msg + "\n"))
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")


def _pending(paths: list[str], conn: sqlite3.Connection, resume: bool) -> tuple[list[tuple[str, str]], int]:
    if not resume:
        return [(p, "") for p in paths], 0
    done = {tuple(r) for r in conn.execute("SELECT source, sha256 FROM documents UNION SELECT source, sha256 FROM errors")}
    todo, skipped = [], 0
    for p in paths:
        key = (p, file_sha256(p))
        if key in done:
            skipped += 1
        else:
            todo.append(key)
    return todo, skipped


def _warm_up() -> None:
    """Load jieba, OpenCC and the data tables once, before the workers are forked (they share them)."""
    from .normalize.mojibake import preload
    from .pipeline import extract_text

    preload()
    extract_text("2018年，全年共收到政府信息公开申请13件，受理行政复议案件2件（復議）。\n"
                 "（一）收到申请数 | 件 | 13\n（二）申请办结数 | 件 | 13\n四、行政复议数量 | 件 | 2\n五、行政诉讼数量 | 件 | 0\n",
                 year=2018)
    for tid in ("gov2019", "gov2021"):
        extract_text("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1\n"
                     "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n", template=tid)


def _worker_init() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C


def run_batch(inputs: Iterable[str], out: str, workers: int = 1, resume: bool = False,
              max_mb: float = 50, progress: bool = True,
              process: Optional[Callable[[str, int], dict]] = None) -> BatchSummary:
    """Extract every input into the store in `out`, then write the exports."""
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / DB_NAME
    if not resume:
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
    conn = _connect(db)
    paths = list(inputs)
    s = BatchSummary(total=len(paths), out=str(out_dir))
    todo, s.resumed = _pending(paths, conn, resume)
    max_bytes = int(max_mb * 1024 * 1024)
    bar = _Progress(len(paths), enabled=progress)
    t0 = time.perf_counter()

    work = process or _work

    def record(*results: dict) -> None:
        # the results that are ready are committed together, each complete: a kill loses
        # only documents not yet committed, which --resume does again
        rows = [r if ("document" in r or "error" in r) else prepare(r) for r in results]
        with conn:
            for r in rows:
                _write(conn, r)
        for r in rows:
            s.done += 1
            if r["status"] == "ok":
                s.ok += 1
            elif r["status"] == "skipped":
                s.skipped += 1
            else:
                s.errors += 1
        bar.update(s)

    try:
        if workers <= 1 and process is None:
            for path, _sha in todo:
                record(work(path, max_bytes))
        else:
            _warm_up()
            with ProcessPoolExecutor(max_workers=max(1, workers), initializer=_worker_init) as pool:
                it: Iterator = iter(todo)
                running = set()
                for path, _sha in it:
                    running.add(pool.submit(work, path, max_bytes))
                    if len(running) >= 4 * max(1, workers):
                        break
                while running:
                    finished, running = wait(running, return_when=FIRST_COMPLETED)
                    record(*(fut.result() for fut in finished))
                    for path, _sha in it:
                        running.add(pool.submit(work, path, max_bytes))
                        if len(running) >= 4 * max(1, workers):
                            break
    finally:
        s.seconds = time.perf_counter() - t0
        bar.update(s, force=True)
        bar.close()
        s.exports = export(conn, out_dir)
        conn.close()
        try:
            import resource

            kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            if workers <= 1:
                kb = max(kb, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
            s.peak_worker_mb = kb / 1024
        except (ImportError, OSError):
            pass
    return s

