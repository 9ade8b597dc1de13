"""Documents per second of `zhreport batch` with 1 and 2 workers on the same corpus, same run,
and where the CPU goes: the main process per document against a worker.

usage: python benchmarks/bench_batch.py [--n 400]

Writes a synthetic corpus (zhreport.synth) to a temporary folder, runs the batch job
on it with one worker process and with two, and prints docs/s, the speed-up, the main
process's CPU time per document (while documents are done: after the warm-up, before
the exports, which are timed apart) against a worker's, and the peak memory of a worker. The rates leave out the warm-up (the same in both runs).
Share the machine with nothing else: on busy cores the speed-up shows the load, not the job.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
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
        write_corpus(tmp, n=a.n, seed=11)
        paths = batch.list_inputs(str(Path(tmp) / "docs"))
        rates, peak = {}, 0.0
        for workers in (1, 2):
            s = batch.run_batch(paths, str(Path(tmp) / f"out{workers}"), workers=workers, progress=False)
            rates[workers] = s.done / (s.seconds - s.warm_up_s)  # the steady state: both pay one warm-up
            peak = max(peak, s.peak_worker_mb)
            main_ms, worker_ms = 1000 * s.main_cpu_s / s.done, 1000 * s.worker_cpu_s / s.done
            print(f"{workers} worker(s): {s.done} documents in {s.seconds:.1f} s ({s.warm_up_s:.1f} s warm-up) = "
                  f"{rates[workers]:.1f} docs/s after the warm-up; "
                  f"CPU per document: main process {main_ms:.2f} ms, workers {worker_ms:.1f} ms "
                  f"(main = {100 * main_ms / worker_ms:.1f}% of a worker's); exports {export_cpu[-1]:.2f} s CPU")
        print(f"speed-up with 2 workers: {rates[2] / rates[1]:.2f}x")
        print(f"peak memory of a worker process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
