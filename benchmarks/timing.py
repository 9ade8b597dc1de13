"""What the benchmarks share: the project on sys.path, and best-of-n timing."""
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def best_of(fn, repeat: int) -> float:
    """The shortest of `repeat` runs of fn(), in seconds (the least disturbed by other load)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def dev_texts_both_scripts() -> str:
    """The development set's report texts, each in simplified and in traditional script
    (converted character by character, as mirror sites do): clean text of real phrasing."""
    import json

    from zhreport.normalize.damage import to_traditional_chars

    dev = [json.loads(line)["text"] for line in (ROOT / "corpora" / "dev" / "dev.jsonl")
           .read_text(encoding="utf-8").splitlines() if line.strip()]
    return "\n".join(dev + [to_traditional_chars(t) for t in dev])
