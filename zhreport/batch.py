"""The main job: a folder (or glob, or list) of reports -> one dataset.

Worker processes do all the work a document asks for — hash, read, extract, serialise
it into the store's rows and commit them (``process_path`` is the pure per-document
function that never raises). A worker commits what it has done whenever the store is
free and goes on with its next document when another worker is writing, so no core waits
for the store's lock; it acknowledges a document to the main process only once it is
committed. The main process only hands out paths (two at a time, so a worker never waits
for it) and counts what is acknowledged: its cost per document is a small fraction of a
worker's, so the workers, not the main process, set the pace. Each document has a time
limit: a worker that exceeds it is replaced and the document recorded as ``timeout``. A
worker that dies (memory exhausted, killed) is replaced and the document it was reading
recorded as an error (a document that kills its worker must not kill the next one too);
the documents it had done and not acknowledged, committed or not, are done again by
another worker, replacing whatever of them is stored. If the main process is killed,
what was not committed is not in the store, and ``--resume`` does it. Nothing a document
contains can raise in the main process.

A document is two rows of the store — its report JSON and its rendered export rows; facts,
form values and checks are views over the JSON — so a commit holds the store's write lock for
a fraction of a worker's time per document (``benchmarks/bench_batch.py`` prints both, and
the number of workers one store can take).

One run per output folder at a time (a lock naming the run that holds it).
``resume`` skips what the store already holds (by source path and content hash),
replaces the results of a changed file and drops files that no longer exist; a store of
an earlier version (facts, form values and checks as tables of rows) is upgraded.
SIGTERM is handled like Ctrl-C: the workers end and the exports are written for what
is done. Workers end when the main process dies. Every run ends by writing the
exports — reports.jsonl, forms.csv, checks.csv, errors.csv — sorted by source, so
the same input gives the same files whatever the worker count.
"""
from __future__ import annotations

import collections
import gc
import glob
import hashlib
import json
import math
import multiprocessing
import os
import select
import signal
import sqlite3
import stat
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_ready
from pathlib import Path
from typing import Iterable, NamedTuple, Optional

from .errors import ReadError, SkipFile, ZhReportError
from .exports import columns_version, document_rows, export
from .reader import display_name
from .types import report_dict
from .readers import read_document

__all__ = ["process_path", "run_batch", "list_inputs", "BatchSummary", "OutputLocked", "StoreUnsupported"]

DB_NAME = "zhreport.sqlite"
LOCK_NAME = "zhreport.lock"

# The store holds a row per document (its report JSON and its rendered export rows) and one
# per file that gave no report. Facts, form values and checks are views over the report JSON:
# a document costs the write lock two rows, not one per fact, field and check.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
  source TEXT NOT NULL, sha256 TEXT NOT NULL, year INTEGER, template TEXT, issuer TEXT,
  encoding TEXT, script TEXT, n_facts INTEGER, n_checks INTEGER, report TEXT NOT NULL,
  PRIMARY KEY (source, sha256));
CREATE TABLE IF NOT EXISTS export_rows (
  source TEXT NOT NULL, sha256 TEXT NOT NULL, version TEXT, forms_row TEXT, values_rows TEXT,
  PRIMARY KEY (source, sha256));
CREATE TABLE IF NOT EXISTS errors (
  source TEXT NOT NULL, sha256 TEXT NOT NULL, status TEXT, reason TEXT, PRIMARY KEY (source, sha256));
"""


def _json_text(obj: str, key: str) -> str:
    """SQL for the JSON text of obj's member `key` exactly as the report wrote it (a number as Python
    wrote it, not as SQLite would print it again). json_extract with two paths returns them as an
    array of the texts as written — '[v,v]' — in every SQLite with JSON; `->` would need 3.38."""
    pair = f"json_extract({obj}, '$.{key}', '$.{key}')"
    return f"substr({pair}, 2, (length({pair}) - 3) / 2)"


# the views give the rows (and SQL types) the tables of these names held when they were written row by row
_VIEWS = (f"""
CREATE VIEW IF NOT EXISTS facts
  (source, sha256, idx, start, "end", text, value, unit, approx, indicator, field, origin, confidence) AS
  SELECT d.source, d.sha256, f.key, json_extract(f.value, '$.start'), json_extract(f.value, '$.end'),
    json_extract(f.value, '$.text'), {_json_text('f.value', 'value')}, json_extract(f.value, '$.unit'),
    json_extract(f.value, '$.approx'), json_extract(f.value, '$.indicator'), json_extract(f.value, '$.field'),
    json_extract(f.value, '$.source'), CAST(json_extract(f.value, '$.confidence') AS REAL)
  FROM documents d, json_each(d.report, '$.facts') f;""", f"""
CREATE VIEW IF NOT EXISTS form (source, sha256, field, value, origin) AS
  SELECT d.source, d.sha256, v.key, {_json_text('v.value', 'value')}, json_extract(v.value, '$.source')
  FROM documents d, json_each(d.report, '$.form') v;""", """
CREATE VIEW IF NOT EXISTS checks (source, sha256, rule, severity, fields, message) AS
  SELECT d.source, d.sha256, json_extract(c.value, '$.rule'), json_extract(c.value, '$.severity'),
    coalesce((SELECT group_concat(x.value, ',') FROM json_each(c.value, '$.fields') x), ''),
    json_extract(c.value, '$.message')
  FROM documents d, json_each(d.report, '$.checks') c
  WHERE d.n_checks > 0;""")  # most documents have none: their reports are not parsed (checks.csv reads this view)
_TABLES = ("documents", "errors", "export_rows")
_VIEWED = ("facts", "form", "checks")  # tables of their own rows in a store of an earlier version


class OutputLocked(ZhReportError):
    """Another run is writing to the same output folder."""


HASH_CAP = 1 << 30  # a larger file (over any sensible --max-mb) is known by its size and time instead


def file_sha256(path: str) -> str:
    """Hash of a regular file's bytes ('' when it is not one or cannot be read: its error is recorded instead)."""
    h = hashlib.sha256()
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            return ""
        if st.st_size > HASH_CAP:
            return f"size {st.st_size} mtime {st.st_mtime_ns}"
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return ""
    return h.hexdigest()


# ---------------------------------------------------------------- one document


def process_path(path: str, max_bytes: int = 50 * 1024 * 1024, max_expanded: Optional[int] = None, *,
                 year: Optional[int] = None, template: Optional[str] = None, mojibake: str = "repair") -> dict:
    """One document, start to end, as plain JSON-able data. Never raises.

    `year`, `template` and `mojibake` are ``zhreport.extract``'s options, the same for every document.

    Returns {"source", "sha256", "status": ok|error|skipped, "report" | "reason"} (an
    empty file is skipped with the reason 'is empty'); the
    source is the path as given (escaped when not UTF-8). This is the function to map
    over a file list on any executor (Dask, Ray, Spark).
    """
    from .pipeline import extract_text

    source = display_name(path)
    try:
        dec = read_document(path, max_bytes, max_expanded)
        if not dec.text.strip():  # recorded as empty, not as a document extracted with nothing in it
            raise SkipFile(source, "is empty (0 bytes)" if not dec.text else "is empty (only white space)")
    except SkipFile as exc:
        return {"source": source, "sha256": file_sha256(path), "status": "skipped", "reason": exc.reason}
    except ReadError as exc:
        return {"source": source, "sha256": file_sha256(path), "status": "error", "reason": exc.reason}
    except MemoryError:
        return {"source": source, "sha256": file_sha256(path), "status": "error", "reason": "out of memory while reading"}
    except Exception as exc:  # a reader's bug must not stop a run of millions
        return {"source": source, "sha256": file_sha256(path), "status": "error",
                "reason": f"internal error while reading: {type(exc).__name__}: {exc}"}
    try:
        rep = extract_text(dec.text, source=source, sha256=dec.sha256, encoding=dec.encoding, year=year,
                           template=template, mojibake=mojibake)
        return {"source": source, "sha256": dec.sha256, "status": "ok", "report": report_dict(rep)}
    except MemoryError:
        return {"source": source, "sha256": dec.sha256, "status": "error", "reason": "out of memory while extracting"}
    except Exception as exc:
        return {"source": source, "sha256": dec.sha256, "status": "error",
                "reason": f"internal error while extracting: {type(exc).__name__}: {exc}"}


def prepare(res: dict) -> dict:
    """The store's rows of one result, built in the worker: the report serialised once, its export rows."""
    src, sha = res["source"], res.get("sha256") or ""
    out = {"source": src, "sha256": sha, "status": res["status"]}
    if res["status"] != "ok":
        out["error"] = (src, sha, res["status"], res["reason"])
        return out
    r = res["report"]
    text = json.dumps(r, ensure_ascii=False, sort_keys=True, check_circular=False)  # a tree: no cycle to look for
    out["document"] = (src, sha, r["year"], r["template"], r["issuer"], r["encoding"], r["script"],
                       len(r["facts"]), len(r["checks"]), text)
    out["export_rows"] = (src, sha, columns_version(), *document_rows(r))
    return out


def _work(path: str, max_bytes: int, known_sha: Optional[str], options: dict) -> dict:
    """A worker's job: skip an unchanged file (resume), else the store's rows of the document."""
    if known_sha is not None and file_sha256(path) == known_sha:
        return {"source": display_name(path), "sha256": known_sha, "status": "unchanged"}
    try:
        return prepare(process_path(path, max_bytes, **options))
    except Exception as exc:  # serialising: the last line of defence, still inside the worker
        return _failed(path, "error", f"internal error while writing: {type(exc).__name__}: {exc}")


def list_inputs(spec: str) -> list[str]:
    """A folder (every file below it), a glob, '@list' (one path a line), or one file; sorted."""
    if spec.startswith("@"):
        with open(spec[1:], encoding="utf-8", errors="surrogateescape") as fh:
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
    timeouts: int = 0
    resumed: int = 0
    seconds: float = 0.0  # the whole run, warm-up included
    warm_up_s: float = 0.0  # loading the tables once before the workers start
    peak_worker_mb: float = 0.0
    main_cpu_s: float = 0.0  # the main process while documents were done (after the warm-up, before the exports)
    worker_cpu_s: float = 0.0  # all workers together
    out: str = ""
    exports: dict = field(default_factory=dict)

    @property
    def docs_per_s(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


class StoreUnsupported(ZhReportError):
    """This Python's SQLite cannot read the store's views."""


def _require_json_functions() -> None:
    """The facts, form and checks views read the reports' JSON with SQLite's JSON functions (built
    in since SQLite 3.38, and in most builds before): without them no run starts."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("SELECT json_extract('[1]', '$[0]'), count(*) FROM json_each('[1]')")
    except sqlite3.OperationalError:
        raise StoreUnsupported(f"this Python's SQLite ({sqlite3.sqlite_version}) has no JSON functions, which the "
                               "store's views need; use a Python built with SQLite 3.38 or newer") from None
    finally:
        probe.close()


def _connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(db), timeout=60)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a killed process loses no commit
    conn.executescript(_SCHEMA + "".join(_VIEWS))
    return conn


def _upgrade(conn: sqlite3.Connection) -> None:
    """A store of an earlier version holds facts, form values and checks as tables of their own rows,
    written from the very reports the views read: they give way to the views (nothing is lost)."""
    old = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?,?,?)",
                                            _VIEWED)]
    if not old:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for name in old:
            conn.execute(f"DROP TABLE {name}")
        for view in _VIEWS:
            conn.execute(view)
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def _insert(conn: sqlite3.Connection, results: list[dict]) -> None:
    """The rows of results, in the open transaction; the rows of a source whose result `replaces`
    an earlier version go first."""
    gone = [(r["source"],) for r in results if r.get("replaces")]
    for table in _TABLES:
        if gone:
            conn.executemany(f"DELETE FROM {table} WHERE source=?", gone)
    conn.executemany("INSERT OR REPLACE INTO errors VALUES (?,?,?,?)", [r["error"] for r in results if "error" in r])
    docs = [r for r in results if "document" in r]
    conn.executemany("INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)", [r["document"] for r in docs])
    conn.executemany("INSERT OR REPLACE INTO export_rows VALUES (?,?,?,?,?)", [r["export_rows"] for r in docs])


def _write(conn: sqlite3.Connection, results: list[dict]) -> None:
    """Commit results in one transaction, waiting the connection's busy timeout for the write lock."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        _insert(conn, results)
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


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


def _warm_up() -> None:
    """Load the segmenter, OpenCC and the data tables once, before the workers are forked (they share
    them), and fill what a report's first use fills (the gazetteer, the HTML parser, the issuer and
    export tables): a worker's first report then costs what the others do (it cost 40 ms more, and
    its first HTML page 8 ms more, in every worker)."""
    from .normalize.mojibake import preload
    from .pipeline import extract_text
    from .region import gazetteer

    preload()
    gazetteer()
    rep = extract_text("城关镇人民政府2018年政府信息公开工作年度报告\n"
                       "2018年，全年共收到政府信息公开申请13件，受理行政复议案件2件（復議）。\n"
                       "（一）收到申请数 | 件 | 13\n（二）申请办结数 | 件 | 13\n四、行政复议数量 | 件 | 2\n"
                       "五、行政诉讼数量 | 件 | 0\n", year=2018)
    prepare({"source": "-", "sha256": "", "status": "ok", "report": report_dict(rep)})
    extract_text("<html><body><p>2018年，受理行政复议案件2件。</p><table><tr><td>四、行政复议数量</td><td>件</td>"
                 "<td>2</td></tr></table></body></html>", year=2018)
    for tid in ("gov2019", "gov2021"):
        extract_text("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1\n"
                     "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n", template=tid)


# ---------------------------------------------------------------- the output folder's lock
def _lock(out_dir: Path) -> Optional[int]:
    """Hold OUT/zhreport.lock for this run; OutputLocked names the run that holds it.

    An flock is released by the system when its holder dies, even by SIGKILL: a stale
    lock file never blocks a later run."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        return None
    path = out_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip() or "a run that has not written its name yet"
        os.close(fd)
        raise OutputLocked(f"{out_dir}: in use by another run ({holder}); wait for it to end or choose another -o") from None
    info = (f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}: "
            + " ".join(display_name(a) for a in sys.argv))
    os.ftruncate(fd, 0)
    os.pwrite(fd, info.encode("utf-8"), 0)
    return fd


# ---------------------------------------------------------------- the workers
def _end_with_parent(parent_pid: int) -> None:
    """Make this worker end when the main process dies, however it dies."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent_pid:  # the parent died before the prctl
                os._exit(0)
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:  # no prctl (not Linux): poll
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


# A worker stores the documents it has done whenever the store is free: it tries for the write
# lock without waiting and, when another worker holds it, goes on with its next document and
# tries again after it (the waits would leave a core idle). Only with this many documents done
# and not yet stored, or when it has nothing else to do, does it wait its turn.
MAX_UNSTORED = 32
STORE_WAIT_MS = 60_000  # the longest wait for the write lock before a document is recorded as not stored
TASKS_AHEAD = 2  # tasks a worker holds (the one it does and the next): it never waits for the main process
FLUSH = "flush"  # main -> worker: store what you have done, waiting your turn
# A worker copies the write-ahead log into the database file after every this many documents it
# stored, after acknowledging them — a checkpoint for every CHECKPOINT_DOCS documents, whatever the
# number of workers. SQLite would do it inside the commit that fills the log (the lock already
# released): apart, a commit is the time the lock is held and nothing more.
CHECKPOINT_DOCS = 64
# Copying the log without the lock never catches up with its end while other workers commit, and
# the log starts again from its beginning only once it has: past this many pages (32 MB) the
# checkpoint holds the lock for the rest (a few documents' pages) so that the log stays this short.
LOG_RESTART_PAGES = 8192
RESTART_WAIT_MS = 200  # the longest wait for the lock (and for a reader of the store) before trying another time


def _store(store: sqlite3.Connection, unstored: list, wait: bool) -> list[tuple[int, str, str]]:
    """Commit the (seq, result) pairs in `unstored` and empty it; their acknowledgements
    (seq, status, reason). Without `wait`, a store another worker is writing to leaves
    everything as it is and gives no acknowledgement."""
    if not unstored:
        return []
    results = [res for _seq, res in unstored]
    store.execute(f"PRAGMA busy_timeout={STORE_WAIT_MS if wait else 0}")
    try:
        store.execute("BEGIN IMMEDIATE")  # the write lock, or at once "database is locked"
    except sqlite3.OperationalError as exc:
        if not wait:
            return []
        failed = dict.fromkeys(range(len(results)), f"cannot be stored ({exc})")
    else:
        try:
            _insert(store, results)
            store.commit()
            failed = {}
        except Exception:  # a row the store refuses (a value SQLite cannot hold): find whose it is
            store.rollback()
            failed = _write_one_by_one(store, results)
    acks = [(seq, "store", failed[i]) if i in failed else (seq, res["status"], "")
            for i, (seq, res) in enumerate(unstored)]
    unstored.clear()
    return acks


def _checkpoint(store: sqlite3.Connection) -> None:
    """Copy the log into the database file, holding no lock and waiting for no one (another
    worker's checkpoint under way leaves this one to the next time); a log grown past
    LOG_RESTART_PAGES is copied to its end holding the lock and started again."""
    try:
        busy, pages, _copied = store.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if not busy and pages >= LOG_RESTART_PAGES:
            store.execute(f"PRAGMA busy_timeout={RESTART_WAIT_MS}")
            store.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
    except sqlite3.Error:  # the next checkpoint does it
        pass


def _write_one_by_one(store: sqlite3.Connection, results: list[dict]) -> dict[int, str]:
    """Each result in a transaction of its own, waiting for the lock; {index: reason} of those that failed."""
    store.execute(f"PRAGMA busy_timeout={STORE_WAIT_MS}")
    failed = {}
    for i, res in enumerate(results):
        try:
            _write(store, [res])
        except Exception as exc:
            failed[i] = f"cannot be stored ({type(exc).__name__}: {exc})"
    return failed


def _worker_main(conn, parent_pid: int, lock_fd: Optional[int], db: str, max_bytes: int, options: dict) -> None:
    """Tasks (seq, path, known sha256) in; for each task done, (seq, acknowledgements) out, where an
    acknowledgement (seq, status, reason) says a document is in the store (or needs none): the main
    process counts a document as done only then. FLUSH is answered with (None, acknowledgements)."""
    _end_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C and SIGTERM
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if lock_fd is not None:
        os.close(lock_fd)  # the lock is the main process's: it goes when that process goes
    store = _connect(Path(db))
    store.execute("PRAGMA wal_autocheckpoint=0")  # _checkpoint's
    unstored: list[tuple[int, dict]] = []
    since_checkpoint = 0  # documents stored
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            break
        if task is None:
            break
        if task == FLUSH:
            conn.send((None, _store(store, unstored, wait=True)))
            continue
        seq, path, known_sha, replaces, _redone = task
        res = _work(path, max_bytes, known_sha, options)
        if res["status"] == "unchanged":
            conn.send((seq, [(seq, "unchanged", "")]))
            continue
        res["replaces"] = replaces
        unstored.append((seq, res))
        acks = _store(store, unstored, wait=len(unstored) >= MAX_UNSTORED)
        conn.send((seq, acks))
        since_checkpoint += len(acks)
        if since_checkpoint >= CHECKPOINT_DOCS:
            _checkpoint(store)
            since_checkpoint = 0
    _store(store, unstored, wait=True)  # told to stop between documents: keep what is done
    store.close()
    conn.close()


class Task(NamedTuple):
    seq: int
    path: str
    known_sha: Optional[str]  # sha256 of the version the store holds (--resume): unchanged, it is not done again
    replaces: bool  # the store may hold rows of this source (an earlier version, or a worker that died): they go
    redone: bool = False  # given again after its worker died


class _Worker:
    """A worker process and what it holds: `queue` the tasks given and not yet done (the first
    is the one it does, since `since`), `unacknowledged` the ones done and not yet acknowledged
    (stored or not)."""

    def __init__(self, ctx, lock_fd: Optional[int], db: Path, max_bytes: int, options: dict):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, os.getpid(), lock_fd, str(db), max_bytes, options),
                                daemon=True)
        self.proc.start()
        child.close()
        self.queue: collections.deque[Task] = collections.deque()
        self.unacknowledged: dict[int, Task] = {}
        self.flushing = False
        self.since = 0.0
        self.killed = False  # set by end(): reap() then waits without a time limit

    @property
    def busy(self) -> bool:
        return bool(self.queue or self.unacknowledged)

    def give(self, task: Task) -> bool:
        """Hand out a task; False when the worker has gone (the task is not taken)."""
        try:
            self.conn.send(tuple(task))  # a plain tuple: pickled and read back in half the time
        except OSError:
            return False
        if not self.queue:
            self.since = time.monotonic()
        self.queue.append(task)
        return True

    def flush(self) -> bool:
        try:
            self.conn.send(FLUSH)
        except OSError:
            return False
        self.flushing = True
        return True

    def done(self, seq: Optional[int], acks: list) -> list[tuple[Task, str, str]]:
        """A message of the worker: (task, status, reason) of each document acknowledged."""
        if seq is None:
            self.flushing = False
        else:
            task = self.queue.popleft()
            self.since = time.monotonic()  # it starts on the next one
            self.unacknowledged[seq] = task
        return [(self.unacknowledged.pop(aseq), status, reason) for aseq, status, reason in acks]

    def end(self, kill: bool = False) -> None:
        """Tell the worker to end (it stores what it has done first), or kill it; `reap` waits for it."""
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                kill = True
        if kill and self.proc.is_alive():
            self.proc.kill()
        self.killed = kill

    def reap(self) -> None:
        self.proc.join(5 if not self.killed else None)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()

    def stop(self, kill: bool = False) -> None:
        self.end(kill)
        self.reap()


class _Readiness:
    """Which of the workers' pipes have something to say. One poll object serves the whole run:
    multiprocessing's wait() builds and fills a new selector at every call, once per document
    (where there is no poll, as on Windows, that wait() is used)."""

    def __init__(self):
        self._poll = select.poll() if hasattr(select, "poll") else None
        self._conns: dict[int, object] = {}  # registered descriptor -> its connection

    def wait(self, conns: list, timeout: Optional[float]) -> list:
        if self._poll is None:
            return wait_ready(conns, timeout=timeout)
        now = {c.fileno(): c for c in conns}
        if now.keys() != self._conns.keys():
            for fd in self._conns.keys() - now.keys():
                self._poll.unregister(fd)
            for fd in now.keys() - self._conns.keys():
                self._poll.register(fd, select.POLLIN)
        self._conns = now  # a replaced worker's pipe may reuse its predecessor's descriptor
        ms = None if timeout is None else math.ceil(timeout * 1000)
        return [now[fd] for fd, _events in self._poll.poll(ms)]  # POLLHUP too: the worker has gone


def _mp_context():
    try:
        return multiprocessing.get_context("fork")  # the workers share the warmed-up tables
    except ValueError:
        return multiprocessing.get_context()


def _failed(path: str, status: str, reason: str) -> dict:
    """The store's row of a document that has no result of its own (its worker did not answer);
    whatever the worker may have stored of it goes."""
    src, sha = display_name(path), file_sha256(path)
    return {"source": src, "sha256": sha, "status": status, "error": (src, sha, status, reason), "replaces": True}


def run_batch(inputs: Iterable[str], out: str, workers: int = 1, resume: bool = False,
              max_mb: float = 50, progress: bool = True, timeout: float = 600.0, *, year: Optional[int] = None,
              template: Optional[str] = None, mojibake: str = "repair") -> BatchSummary:
    """Extract every input into the store in `out`, then write the exports.

    `year`, `template` and `mojibake` are ``zhreport.extract``'s options, for every document.

    Raises OutputLocked when another run uses `out`; KeyboardInterrupt (Ctrl-C or SIGTERM)
    after the exports of what is done are written.
    """
    _require_json_functions()
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    lock_fd = _lock(out_dir)
    try:
        options = {"year": year, "template": template, "mojibake": mojibake}
        return _run_locked(list(inputs), out_dir, lock_fd, max(1, workers), resume, max_mb, progress, timeout,
                           options)
    finally:
        if lock_fd is not None:
            os.close(lock_fd)


def _run_locked(paths: list[str], out_dir: Path, lock_fd: Optional[int], workers: int, resume: bool,
                max_mb: float, progress: bool, timeout: float, options: dict) -> BatchSummary:
    db = out_dir / DB_NAME
    if not resume:
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
    conn = _connect(db)
    _upgrade(conn)
    s = BatchSummary(total=len(paths), out=str(out_dir))
    names = {p: display_name(p) for p in paths}
    stored: dict[str, str] = {}
    if resume:
        for src, sha in conn.execute("SELECT source, sha256 FROM documents UNION ALL SELECT source, sha256 FROM errors"):
            stored[src] = sha
        # deleted files leave the store (and so the exports); files of an earlier input stay
        gone = [(src,) for src in set(stored) - set(names.values()) if not os.path.lexists(src)]
        with conn:
            for table in _TABLES:
                conn.executemany(f"DELETE FROM {table} WHERE source=?", gone)
    todo = [(p, stored.get(names[p])) for p in paths]
    max_bytes = int(max_mb * 1024 * 1024)
    bar = _Progress(len(paths), enabled=progress)
    t0 = time.perf_counter()
    _warm_up()
    s.warm_up_s = time.perf_counter() - t0
    old_term = None
    if threading.current_thread() is threading.main_thread():
        old_term = signal.signal(signal.SIGTERM, _sigterm)
    cpu0 = time.process_time()
    children0 = _children_usage()
    ctx = _mp_context()
    pool: list[_Worker] = []

    def count(status: str) -> None:
        if status == "unchanged":
            s.resumed += 1
            return
        s.done += 1
        if status == "ok":
            s.ok += 1
        elif status == "skipped":
            s.skipped += 1
        else:
            s.errors += 1
            s.timeouts += status == "timeout"
        bar.update(s)

    def fail(path: str, status: str, reason: str) -> None:
        """Record a document whose worker did not answer (the one write of the main process);
        whatever the worker may have stored of it before it stopped goes."""
        _write(conn, [_failed(path, status, reason)])
        count(status)

    def new_worker() -> _Worker:
        return _Worker(ctx, lock_fd, db, max_bytes, options)

    def acknowledged(acks: list[tuple[Task, str, str]]) -> None:
        for task, status, reason in acks:
            if status == "store":
                fail(task.path, "error", reason)
            else:
                count(status)

    def read_left(w: _Worker) -> bool:
        """What worker w said and was not yet read (it may have acknowledged documents just before
        it went); whether there was any."""
        said = False
        try:
            while w.conn.poll():
                acknowledged(w.done(*w.conn.recv()))
                said = True
        except (EOFError, OSError):
            pass
        return said

    def lost(i: int, status: str, reason: str) -> None:
        """Worker i died or is stopped: the document it was doing is recorded with `status`; the ones
        it had done and not acknowledged (it may have stored them) and the ones it had not begun go to
        another worker, those done again replacing whatever of them is stored. A document already
        done again once is recorded as an error instead: storing it may be what kills workers."""
        w = pool[i]
        read_left(w)
        w.stop(kill=True)
        pool[i] = new_worker()
        if w.queue:
            fail(w.queue.popleft().path, status, reason.format(exitcode=w.proc.exitcode))
        again = []
        for task in w.unacknowledged.values():
            if task.redone:
                fail(task.path, "error", f"the worker process died while storing it (exit code {w.proc.exitcode})")
            else:
                again.append(task._replace(replaces=True, redone=True))
        tasks.extendleft(reversed([*again, *w.queue]))

    died = "the worker process died while reading it (exit code {exitcode}; out of memory?)"

    def feed(i: int) -> None:
        """Worker i gets tasks up to TASKS_AHEAD; with none left, it is told to store what it holds."""
        w = pool[i]
        while tasks and len(w.queue) < TASKS_AHEAD:
            if not w.give(tasks[0]):  # it died between two documents
                lost(i, "error", died)
                w = pool[i]
                continue
            tasks.popleft()
        if not tasks and not w.queue and w.unacknowledged and not w.flushing and not w.flush():
            lost(i, "error", died)
    try:
        # the tables loaded by the warm-up live as long as the run: kept out of the collector's full
        # passes, which would otherwise walk them in every worker (CPU, and a private copy of each
        # page it touches)
        gc.freeze()
        tasks = collections.deque(Task(seq, path, sha, sha is not None) for seq, (path, sha) in enumerate(todo))
        readiness = _Readiness()
        for i in range(min(workers, len(todo))):
            pool.append(new_worker())
            feed(i)  # it starts while the next one is forked
        while True:
            for i in range(len(pool)):
                feed(i)
            busy = [w for w in pool if w.busy]
            if not busy:
                break
            doing = [w.since for w in busy if w.queue]
            wait_s = max(0.0, min(doing) + timeout - time.monotonic()) if doing else None
            ready = readiness.wait([w.conn for w in busy], wait_s)
            for i, w in enumerate(pool):
                if not w.busy:
                    continue
                if w.conn in ready:
                    try:
                        seq, acks = w.conn.recv()
                    except (EOFError, OSError):  # the worker died (out of memory, killed)
                        w.proc.join(1)
                        lost(i, "error", died)
                        continue
                    acknowledged(w.done(seq, acks))
                elif w.queue and time.monotonic() - w.since > timeout and not read_left(w):  # (it may have just answered)
                    lost(i, "timeout", f"took longer than {timeout:g} s (stopped; raise the limit with --timeout)")
    finally:
        # Ctrl-C, SIGTERM or the end: the workers go (one between two documents stores what it
        # has done); what is in the store is exported
        if old_term is not None:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the exports
        for w in pool:  # all told first: they end at the same time
            w.end(kill=bool(w.queue))
        for w in pool:
            w.reap()
        s.main_cpu_s = time.process_time() - cpu0
        children = _children_usage()
        s.worker_cpu_s = children[0] - children0[0]
        s.peak_worker_mb = children[1]
        s.seconds = time.perf_counter() - t0
        bar.update(s, force=True)
        bar.close()
        gc.unfreeze()
        s.exports = export(conn, out_dir)
        conn.close()
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
    return s


def _children_usage() -> tuple[float, float]:
    """CPU seconds and largest resident MB of the ended workers (zeros where unknown)."""
    try:
        import resource

        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime, r.ru_maxrss / 1024
    except (ImportError, OSError):
        return 0.0, 0.0


def _sigterm(signum, frame):
    raise KeyboardInterrupt("terminated")
