"""Issue 12's acceptance run: a folder of hostile files at full size (zip and deflate bombs
inflating to 300 MB, 10^6 entities, 3,000 nested tags, a 100k-character clause, a
5,000-digit number, a FIFO, /dev/zero, a non-UTF-8 name, an empty file) plus the 20 first
good reports of corpora/sample, through `zhreport batch --workers 2` and through
`zhreport extract FILE…`, with the largest resident memory of any process of the run
(sampled every 0.1 s from /proc); then SIGKILL and SIGTERM to the main process of a
running batch alone, and the time until no process of the run is left.

usage: PYTHONPATH=. python benchmarks/accept_hardening.py [WORKDIR]
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def tree(pid):
    out, todo = [], [pid]
    kids = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                kids.setdefault(int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]), []).append(int(d.name))
            except OSError:
                pass
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def alive(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run(cmd, env):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0.0
    while p.poll() is None:
        peak = max([peak] + [rss_mb(q) for q in tree(p.pid)])
        time.sleep(0.1)
    return time.perf_counter() - t, peak, p.returncode, p.stderr.read().decode("utf-8", "replace")


def main() -> None:
    from tests.test_hardening import build_hostile

    work = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp())
    folder = work / "in"
    shutil.rmtree(work / "in", ignore_errors=True)
    t = time.perf_counter()
    expect = build_hostile(folder, expand_to=300 * 10**6, entities=1_000_000)
    good = sorted((ROOT / "corpora" / "sample").glob("d*.txt"))[:20]
    for f in good:
        shutil.copy(f, folder / f.name)
    print(f"built {len(expect)} hostile files + {len(good)} reports in {time.perf_counter() - t:.1f} s", flush=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = work / "out"
    dt, peak, rc, err = run([sys.executable, "-m", "zhreport", "batch", str(folder), "-o", str(out), "--workers", "2",
                             "--quiet"], env)
    print(f"batch --workers 2: {dt:.1f} s, exit {rc}, largest process {peak:.0f} MB")
    print("  " + err.strip().replace("\n", "\n  "))
    conn = sqlite3.connect(str(out / "zhreport.sqlite"))
    rows = {Path(s).name: (st, r) for s, st, r in conn.execute("SELECT source, status, reason FROM errors")}
    docs = {Path(s).name for (s,) in conn.execute("SELECT source FROM documents")}
    conn.close()
    for name, (status, words) in sorted(expect.items()):
        got = ("ok", "") if name in docs else rows.get(name, ("missing", ""))
        print(f"  {name:22} expected {status:8} got {got[0]:8} {got[1][:90]}")
    print(f"  good reports exported: {sum(f.name in docs for f in good)} of {len(good)}")
    files = sorted(str(p) for p in folder.iterdir())
    dt, peak, rc, err = run([sys.executable, "-m", "zhreport", "extract", *files, "-o", str(work / "extract.jsonl"),
                             "--timeout", "20"], env)
    n = len((work / "extract.jsonl").read_text(encoding="utf-8").splitlines())
    print(f"extract FILE… ({len(files)} files): {dt:.1f} s, exit {rc}, largest process {peak:.0f} MB, {n} extracted")
    print("  " + err.strip().replace("\n", "\n  "))
    kill_main_only(work, env)


def kill_main_only(work: Path, env: dict) -> None:
    import signal

    from zhreport.synth import write_corpus

    write_corpus(str(work / "c"), n=150, seed=4)
    for sig in (signal.SIGKILL, signal.SIGTERM):
        out = work / f"killed-{sig.name}"
        p = subprocess.Popen([sys.executable, "-m", "zhreport", "batch", str(work / "c" / "docs"), "-o", str(out),
                              "--workers", "2", "--quiet"], env=env, stderr=subprocess.PIPE)
        while len(tree(p.pid)) < 3:
            time.sleep(0.05)
        run_pids = tree(p.pid)
        time.sleep(1.5)
        t = time.perf_counter()
        os.kill(p.pid, sig)
        p.wait()
        while any(alive(q) for q in run_pids if q != p.pid) and time.perf_counter() - t < 30:
            time.sleep(0.02)
        exported = (out / "reports.jsonl").read_text(encoding="utf-8").count("\n") if (out / "reports.jsonl").exists() else 0
        print(f"{sig.name} to the main process only: no process of the run left after {time.perf_counter() - t:.2f} s; "
              f"exit {p.returncode}; {exported} reports exported")


if __name__ == "__main__":
    main()
