"""Documents per second of `zhreport batch` with 1 and 2 workers on the same corpus, same run,
and where the CPU goes: the main process per document against a worker, and a worker's
document split into extract / prepare (the store's rows) / store (commits and checkpoints).

usage: python benchmarks/bench_batch.py [--n 400] [--pairs 1]

Writes a synthetic corpus (zhreport.synth) to a temporary folder, runs the batch job
on it with one worker process and with two (`--pairs` times), and prints docs/s, the
speed-up, the main process's CPU time per document (while documents are done: after the
warm-up, before the exports, which are timed apart) against a worker's, and the peak memory
of a worker. The rates leave out the warm-up (the same in both runs).

The worker figures hold under load too: CPU per document in each step; the time a worker
was idle (neither running nor waiting for a core: waiting for the disk, the store's write
lock or its next task; Linux only), the parts of it spent waiting for the write lock and
for a task (the main process hands out the next one while the worker does the current one:
near 0 on quiet cores, more when the main process waits for a core), the store attempts that
found another worker writing (that worker went on with its next document instead of waiting)
and the documents per commit.

The serial part: how long a commit holds the store's write lock per document (from BEGIN
IMMEDIATE to the end of the commit; a checkpoint that restarts the log counts too). One store
takes at most 1 / that many documents a second, whatever the number of cores: the ceiling is
printed in documents/s (from the one-worker run: a document per commit, the dearest case) and
in workers (one worker's rate on a core of its own, 1 / its CPU and idle time per document).
Share the machine with nothing else for the docs/s: on busy cores the speed-up shows the
load, not the job.
"""
import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

STEPS = ("extract", "prepare", "store")


def scheduled():
    """(seconds on a core, seconds runnable and waiting for one) of this process, or None."""
    try:
        with open("/proc/self/schedstat") as fh:
            on_cpu, runnable, _slices = fh.read().split()
    except (OSError, ValueError):
        return None
    return int(on_cpu) / 1e9, int(runnable) / 1e9


def instrument(batch, stats_dir: str) -> None:
    """Time the steps of a worker (the patched functions reach forked workers) and write each
    worker's sums to stats_dir when it ends."""
    sums = {}

    def reset() -> None:
        sums.update({step: [0.0, 0.0] for step in STEPS}, tries=0, busy=0, commits=0, stored=0, lock_wait=0.0,
                    held=0.0, idle=0.0, task_wait=0.0)

    reset()

    def timed(step, fn):
        def run(*args, **kwargs):
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                sums[step][0] += time.process_time() - cpu
                sums[step][1] += time.perf_counter() - wall
        return run

    real_store = timed("store", batch._store)

    def store(conn, unstored, wait):
        n = len(unstored)
        acks = real_store(conn, unstored, wait)
        if n:
            sums["tries"] += 1
            sums["busy"] += not acks
            sums["commits"] += bool(acks)
            sums["stored"] += len(acks)
        return acks

    real_main = batch._worker_main

    def worker_main(conn, *args, **kwargs):
        reset()
        real_recv = conn.recv

        def recv():  # the worker waits for its next task (or the end)
            wall = time.perf_counter()
            try:
                return real_recv()
            finally:
                sums["task_wait"] += time.perf_counter() - wall

        conn.recv = recv
        start = time.perf_counter(), scheduled()
        try:
            real_main(conn, *args, **kwargs)
        finally:
            if start[1] is not None:
                (on_cpu, runnable) = (b - a for a, b in zip(start[1], scheduled()))
                sums["idle"] = time.perf_counter() - start[0] - on_cpu - runnable
            with open(os.path.join(stats_dir, f"{os.getpid()}.json"), "w") as fh:
                json.dump(sums, fh)

    class LockTimedConnection(sqlite3.Connection):
        """Times the waits for the write lock and how long the lock is held: from BEGIN IMMEDIATE
        to the end of its commit (or rollback)."""
        acquired = None

        def execute(self, sql, *args):
            if sql == "PRAGMA wal_checkpoint(RESTART)":  # holds the write lock while it copies
                wall = time.perf_counter()
                try:
                    return super().execute(sql, *args)
                finally:
                    sums["held"] += time.perf_counter() - wall
            if not sql.startswith("BEGIN IMMEDIATE"):
                return super().execute(sql, *args)
            wall = time.perf_counter()
            try:
                cursor = super().execute(sql, *args)
                self.acquired = time.perf_counter()
                return cursor
            finally:
                sums["lock_wait"] += time.perf_counter() - wall

        def _release(self, end):
            try:
                return end()
            finally:
                if self.acquired is not None:
                    sums["held"] += time.perf_counter() - self.acquired
                    self.acquired = None

        def commit(self):
            return self._release(super().commit)

        def rollback(self):
            return self._release(super().rollback)

    real_connect = sqlite3.connect  # every connection of this process and of its workers times its waits
    sqlite3.connect = lambda *args, **kwargs: real_connect(*args, factory=LockTimedConnection, **kwargs)
    batch.process_path = timed("extract", batch.process_path)
    batch.prepare = timed("prepare", batch.prepare)
    batch._store = store
    batch._checkpoint = timed("store", batch._checkpoint)  # after the commit: the lock is not held
    batch._worker_main = worker_main


def worker_sums(stats_dir: str) -> dict:
    """The workers' sums since the last call (and forget them)."""
    total = {step: [0.0, 0.0] for step in STEPS}
    total.update(tries=0, busy=0, commits=0, stored=0, lock_wait=0.0, held=0.0, idle=0.0, task_wait=0.0)
    for name in os.listdir(stats_dir):
        with open(os.path.join(stats_dir, name)) as fh:
            one = json.load(fh)
        os.unlink(os.path.join(stats_dir, name))
        for key, value in one.items():
            if key in STEPS:
                total[key] = [a + b for a, b in zip(total[key], value)]
            else:
                total[key] += value
    return total


def _ceiling(docs_per_s: float, workers: float, worker_rate: float) -> str:
    return (f"ceiling of the store: {docs_per_s:.0f} docs/s (1 / the lock held per document with one worker) "
            f"= the output of {workers:.1f} workers at {worker_rate:.0f} docs/s each (one worker on a core of its "
            f"own: 1 / its CPU and idle time per document)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--pairs", type=int, default=1, help="runs with 1 and 2 workers, one after the other")
    a = ap.parse_args()
    from zhreport import batch
    from zhreport.synth import write_corpus

    export_cpu = []
    real_export = batch.export

    def timed_export(conn, out_dir):
        t = time.process_time()
        try:
            return real_export(conn, out_dir)
        finally:
            export_cpu.append(time.process_time() - t)

    batch.export = timed_export
    with tempfile.TemporaryDirectory() as tmp:
        stats_dir = os.path.join(tmp, "stats")
        os.mkdir(stats_dir)
        instrument(batch, stats_dir)
        write_corpus(tmp, n=a.n, seed=11)
        paths = batch.list_inputs(str(Path(tmp) / "docs"))
        speed_ups, ceilings, peak = [], [], 0.0
        for _pair in range(a.pairs):
            rates = {}
            for workers in (1, 2):
                s = batch.run_batch(paths, str(Path(tmp) / f"out{workers}"), workers=workers, progress=False)
                rates[workers] = s.done / (s.seconds - s.warm_up_s)  # the steady state: both pay one warm-up
                peak = max(peak, s.peak_worker_mb)
                main_ms, worker_ms = 1000 * s.main_cpu_s / s.done, 1000 * s.worker_cpu_s / s.done
                print(f"{workers} worker(s): {s.done} documents in {s.seconds:.1f} s ({s.warm_up_s:.1f} s warm-up) = "
                      f"{rates[workers]:.1f} docs/s after the warm-up; "
                      f"CPU per document: main process {main_ms:.2f} ms, workers {worker_ms:.1f} ms "
                      f"(main = {100 * main_ms / worker_ms:.1f}% of a worker's); exports {export_cpu[-1]:.2f} s CPU")
                w = worker_sums(stats_dir)
                if w["tries"]:
                    split = ", ".join(f"{step} {1000 * w[step][0] / s.done:.2f}" for step in STEPS)
                    print(f"    a worker's CPU per document (ms): {split}; idle {1000 * w['idle'] / s.done:.2f} ms, "
                          f"of it waiting for the write lock {1000 * w['lock_wait'] / s.done:.3f} ms, "
                          f"for a task {1000 * w['task_wait'] / s.done:.3f} ms; "
                          f"{w['busy']} of {w['tries']} store attempts found another worker writing; "
                          f"{w['stored'] / max(1, w['commits']):.2f} documents per commit")
                    held_ms = 1000 * w["held"] / s.done
                    print(f"    the write lock held {held_ms:.3f} ms per document (BEGIN IMMEDIATE to the end of "
                          f"its commit: the serial part)")
                    if workers == 1:  # uncontended: a document per commit, the dearest case
                        worker_rate = 1000 / (worker_ms + 1000 * w["idle"] / s.done)
                        ceilings.append((1000 / held_ms, 1000 / held_ms / worker_rate, worker_rate))
            speed_ups.append(rates[2] / rates[1])
            print(f"speed-up with 2 workers: {speed_ups[-1]:.2f}x")
            if ceilings:
                print(_ceiling(*ceilings[-1]))
        if a.pairs > 1:
            print(f"speed-ups: {' '.join(f'{x:.2f}' for x in speed_ups)} (median {sorted(speed_ups)[a.pairs // 2]:.2f})")
            if ceilings:
                print("median " + _ceiling(*sorted(ceilings)[len(ceilings) // 2]))
        print(f"peak memory of a worker process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
