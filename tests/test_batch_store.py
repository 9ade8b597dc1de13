"""The batch store's documented tables — documents, facts, form, checks, errors — give the rows an
earlier version wrote row by row, now that facts, form values and checks are views over the reports;
and a store of that earlier version is upgraded by --resume, nothing lost and nothing done again."""
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from zhreport.batch import _connect, _insert, prepare, process_path, run_batch

from .conftest import ROOT

SAMPLE = ROOT / "corpora" / "sample"
# a table with a check over three fields, string and decimal values of the form, a decimal fact
TEXTS = ("d25_2018_gov2008.txt", "d26_2017_gov2008.txt", "d17_2019_gov2019.txt")
TABLES = ("documents", "facts", "form", "checks", "errors")


def _written_row_by_row(results: list[dict]) -> dict[str, list[tuple]]:
    """The rows of each table as the earlier version wrote them: from each report, one row per
    fact, form field and check (a value as its JSON text; fields comma-joined), a file without a
    report in errors."""
    rows = {table: [] for table in TABLES}
    for res in results:
        src, sha = res["source"], res["sha256"]
        if res["status"] != "ok":
            rows["errors"].append((src, sha, res["status"], res["reason"]))
            continue
        r = res["report"]
        rows["documents"].append((src, sha, r["year"], r["template"], r["issuer"], r["encoding"], r["script"],
                                  len(r["facts"]), len(r["checks"]), json.dumps(r, ensure_ascii=False, sort_keys=True)))
        rows["facts"] += [(src, sha, i, f["start"], f["end"], f["text"], json.dumps(f["value"]), f["unit"], f["approx"],
                           f["indicator"], f["field"], f["source"], float(f["confidence"]))
                          for i, f in enumerate(r["facts"])]
        rows["form"] += [(src, sha, k, json.dumps(v["value"], ensure_ascii=False), v["source"])
                         for k, v in r["form"].items()]
        rows["checks"] += [(src, sha, c["rule"], c["severity"], ",".join(c["fields"]), c["message"])
                           for c in r["checks"]]
    return {table: sorted(found, key=repr) for table, found in rows.items()}


def _stored(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(str(db))
    try:
        return {table: sorted(conn.execute(f"SELECT * FROM {table}"), key=repr) for table in TABLES}
    finally:
        conn.close()


def _typed(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """Each cell with its Python type: an int where a float was written (or the reverse) differs."""
    return {table: [tuple((type(v).__name__, v) for v in row) for row in found] for table, found in rows.items()}


def _inputs(tmp_path: Path) -> list[str]:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in TEXTS:
        shutil.copy(SAMPLE / name, folder / name)
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    return sorted(str(p) for p in folder.iterdir())


def test_the_documented_tables_give_the_rows_written_row_by_row(tmp_path):
    paths = _inputs(tmp_path)
    run_batch(paths, str(tmp_path / "out"), workers=1, progress=False)
    expected = _written_row_by_row([process_path(p) for p in paths])
    assert len(expected["checks"]) >= 1 and len(expected["errors"]) == 1
    assert any("," in row[4] for row in expected["checks"])
    assert any(row[3].startswith('"') for row in expected["form"]) and any("." in row[3] for row in expected["form"])
    assert _typed(_stored(tmp_path / "out" / "zhreport.sqlite")) == _typed(expected)


def test_values_json_prints_otherwise_than_sqlite_come_back_as_written(tmp_path):
    """A value's JSON text is the report's own (1e-05, not SQLite's 1.0e-05; a string's escapes
    kept), a value left out is null, a check of no fields has '' for them."""
    fact = {"start": 0, "end": 3, "text": "1件", "value": 1e-05, "unit": "件", "approx": None, "indicator": None,
            "indicator_span": None, "field": None, "source": "narrative", "sign": 1, "confidence": 1}
    report = {"zhreport": "test", "source": "odd.txt", "sha256": "ab" * 32, "encoding": "utf-8", "script": "hans",
              "year": 2020, "template": "gov2019", "issuer": None, "issuer_level": None, "region": None,
              "repairs": [],
              "facts": [fact, {**fact, "value": None, "confidence": 0.35},
                        {**fact, "value": 123456789012345678901234567890, "confidence": 0.1}],
              "form": {"meta.filing_unit": {"value": "某局\n\"办公室\"\t\u2028", "facts": [], "source": "meta"},
                       "capacity.budget": {"value": 12345.678901234567, "facts": [0], "source": "table"},
                       "requests.total": {"value": None, "facts": [], "source": "table"}},
              "checks": [{"rule": "value_range", "severity": "warning", "fields": [], "message": "left out: 0-3"},
                         {"rule": "sum", "severity": "error", "fields": ["a.b", "c"], "message": "=1+2"}]}
    result = {"source": "odd.txt", "sha256": "ab" * 32, "status": "ok", "report": report}
    conn = _connect(tmp_path / "store.sqlite")
    conn.execute("BEGIN IMMEDIATE")
    _insert(conn, [prepare(result)])
    conn.commit()
    conn.close()
    stored = _stored(tmp_path / "store.sqlite")
    assert {row[6] for row in stored["facts"]} == {"1e-05", "null", "123456789012345678901234567890"}
    assert _typed(stored) == _typed(_written_row_by_row([result]))


# the tables of the earlier version (0b2686f), which wrote facts, form values and checks row by row
_EARLIER_SCHEMA = """
CREATE TABLE documents (
  source TEXT NOT NULL, sha256 TEXT NOT NULL, year INTEGER, template TEXT, issuer TEXT,
  encoding TEXT, script TEXT, n_facts INTEGER, n_checks INTEGER, report TEXT NOT NULL,
  PRIMARY KEY (source, sha256));
CREATE TABLE facts (
  source TEXT, sha256 TEXT, idx INTEGER, start INTEGER, "end" INTEGER, text TEXT, value TEXT,
  unit TEXT, approx TEXT, indicator TEXT, field TEXT, origin TEXT, confidence REAL);
CREATE TABLE form (source TEXT, sha256 TEXT, field TEXT, value TEXT, origin TEXT);
CREATE TABLE checks (source TEXT, sha256 TEXT, rule TEXT, severity TEXT, fields TEXT, message TEXT);
CREATE TABLE export_rows (
  source TEXT NOT NULL, sha256 TEXT NOT NULL, version TEXT, forms_row TEXT, values_rows TEXT,
  PRIMARY KEY (source, sha256));
CREATE TABLE errors (
  source TEXT NOT NULL, sha256 TEXT NOT NULL, status TEXT, reason TEXT, PRIMARY KEY (source, sha256));
CREATE INDEX facts_doc ON facts (source, sha256);
CREATE INDEX form_doc ON form (source, sha256);
CREATE INDEX checks_doc ON checks (source, sha256);
"""


def test_a_store_of_the_earlier_version_is_upgraded_by_resume(tmp_path):
    paths = _inputs(tmp_path)
    fresh = tmp_path / "fresh"
    run_batch(paths, str(fresh), workers=1, progress=False)
    expected = _written_row_by_row([process_path(p) for p in paths])
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    conn = sqlite3.connect(str(earlier / "zhreport.sqlite"))
    conn.executescript(_EARLIER_SCHEMA)
    for table, rows in expected.items():
        if rows:
            conn.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[0]))})", rows)
    conn.commit()
    conn.close()
    s = run_batch(paths, str(earlier), workers=1, progress=False, resume=True)
    assert s.resumed == len(paths) and s.done == 0  # nothing done again
    conn = sqlite3.connect(str(earlier / "zhreport.sqlite"))
    kinds = dict(conn.execute("SELECT name, type FROM sqlite_master WHERE name IN ('facts', 'form', 'checks')"))
    conn.close()
    assert kinds == {"facts": "view", "form": "view", "checks": "view"}
    assert _typed(_stored(earlier / "zhreport.sqlite")) == _typed(expected)
    for name in ("reports.jsonl", "forms.csv", "values.csv", "checks.csv", "errors.csv"):
        assert (earlier / name).read_bytes() == (fresh / name).read_bytes(), name


def test_checkpoints_that_restart_the_log_at_every_document_change_nothing(tmp_path, monkeypatch):
    """Two workers checkpointing after every document, each time holding the lock to restart the
    log: the same store and the same exports as one worker with the usual checkpoints."""
    from zhreport import batch

    folder = tmp_path / "in"
    folder.mkdir()
    for copy in range(4):
        for name in TEXTS:
            shutil.copy(SAMPLE / name, folder / f"{copy}_{name}")
    paths = sorted(str(p) for p in folder.iterdir())
    run_batch(paths, str(tmp_path / "usual"), workers=1, progress=False)
    monkeypatch.setattr(batch, "CHECKPOINT_DOCS", 1)  # the workers are forked: they see it
    monkeypatch.setattr(batch, "LOG_RESTART_PAGES", 1)
    calls = tmp_path / "checkpoints"
    real_checkpoint = batch._checkpoint

    def checkpoint(store):
        real_checkpoint(store)
        with open(calls, "a") as fh:
            fh.write("x")

    monkeypatch.setattr(batch, "_checkpoint", checkpoint)
    run_batch(paths, str(tmp_path / "restarted"), workers=2, progress=False)
    assert len(calls.read_text()) >= 2
    assert _stored(tmp_path / "restarted" / "zhreport.sqlite") == _stored(tmp_path / "usual" / "zhreport.sqlite")
    for name in ("reports.jsonl", "forms.csv", "values.csv", "checks.csv", "errors.csv"):
        assert (tmp_path / "restarted" / name).read_bytes() == (tmp_path / "usual" / name).read_bytes(), name


def test_a_python_whose_sqlite_has_no_json_functions_gets_a_clear_error(tmp_path, monkeypatch):
    """The views need SQLite's JSON functions: without them the run is refused before it starts, with
    a one-line reason (here the check is made to fail as such a SQLite would)."""
    import sqlite3

    from zhreport import batch

    real_connect = sqlite3.connect

    class NoJson:
        def __init__(self, conn):
            self.conn = conn

        def execute(self, sql, *args):
            if "json" in sql:
                raise sqlite3.OperationalError("no such function: json_extract")
            return self.conn.execute(sql, *args)

        def __getattr__(self, name):  # everything else as the real connection does it
            return getattr(self.conn, name)

    monkeypatch.setattr(batch.sqlite3, "connect", lambda *a, **k: NoJson(real_connect(*a, **k)))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("本机关2020年受理政府信息公开申请3件。", encoding="utf-8")
    with pytest.raises(batch.StoreUnsupported, match="JSON functions"):
        batch.run_batch([str(tmp_path / "in" / "a.txt")], str(tmp_path / "out"), progress=False)
    assert not (tmp_path / "out").exists()
