"""Work that grows with the document stays near linear: time of extraction against size,
as ratios in one process (issue 12: a 100k-character clause ≤ 12× a 10k one; a 10 MB
report ≤ 20× a 0.5 MB one).

usage: PYTHONPATH=. python benchmarks/bench_scaling.py

Clauses: Han characters without punctuation before a number. Reports: the sample
reports of corpora/sample one after another up to the size (UTF-8 bytes).
"""
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def seconds(fn, text: str) -> float:
    t = time.process_time()
    fn(text)
    return time.process_time() - t


def report_of(size: int) -> str:
    reports = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora" / "sample").glob("*.txt"))]
    parts, n, i = [], 0, 0
    while n < size:
        r = reports[i % len(reports)]
        parts.append(r)
        n += len(r.encode("utf-8"))
        i += 1
    return "\n".join(parts)


def main() -> None:
    from zhreport.pipeline import extract_text

    extract_text("2018年，受理行政复议案件2件。")  # load the tables first
    clause = {n: "2019年" + "政务公开工作" * (n // 6) + "受理2件。" for n in (10_000, 100_000)}
    t10, t100 = seconds(extract_text, clause[10_000]), seconds(extract_text, clause[100_000])
    print(f"clause 10k characters {t10:.2f} s, 100k {t100:.2f} s: ratio {t100 / t10:.1f} (limit 12)")
    small, big = report_of(500_000), report_of(10_000_000)
    ts, tb = seconds(extract_text, small), seconds(extract_text, big)
    print(f"report 0.5 MB {ts:.1f} s, 10 MB {tb:.1f} s: ratio {tb / ts:.1f} (limit 20; sizes {len(big.encode()) / len(small.encode()):.1f}x)")


if __name__ == "__main__":
    main()
