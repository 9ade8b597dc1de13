"""Documents per second of `zhreport batch` with 1 and 2 workers on the same corpus, same run.

usage: python benchmarks/bench_batch.py [--n 400]

Writes a synthetic corpus (zhreport.synth) to a temporary folder, runs the batch
job on it with one worker process and with two, and prints docs/s, the speed-up
and the peak memory of a worker (from the children's maximum resident set).
"""
import argparse
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    a = ap.parse_args()
    from zhreport.batch import list_inputs, run_batch
    from zhreport.synth import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        write_corpus(tmp, n=a.n, seed=11)
        paths = list_inputs(str(Path(tmp) / "docs"))
        rates = {}
        for workers in (1, 2):
            s = run_batch(paths, str(Path(tmp) / f"out{workers}"), workers=workers, progress=False,
                          process=_process)  # through the process pool in both runs: a fair comparison
            rates[workers] = s.docs_per_s
            print(f"{workers} worker(s): {s.done} documents in {s.seconds:.1f} s = {s.docs_per_s:.1f} docs/s")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"speed-up with 2 workers: {rates[2] / rates[1]:.2f}x")
        print(f"peak memory of a worker process: {peak:.0f} MB")


def _process(path, max_bytes):
    from zhreport.batch import _work

    return _work(path, max_bytes)


if __name__ == "__main__":
    main()
