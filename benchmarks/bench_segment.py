"""The segmenter (zhreport/segment.py) against plain jieba: speed in one process, and a fresh
process's time to its first word and memory once loaded.

usage: python benchmarks/bench_segment.py [--repeat 3] [--cold 5]

1. Time of the segmenter's cut over the development texts (both scripts) divided by
   jieba.lcut's over the same text, in this process after a warm-up (lower is better).
2. The same for the clauses extract segments in the simplified development reports (recorded
   by running extract once with an empty clause cache): each cut anew, as extract meets them
   when its clause cache is cold.
3. Seconds from starting a fresh Python to its first word, median of --cold runs, for each,
   with its dictionary cache present (a run before the timed ones makes sure of it); and the
   resident memory of that process once the dictionary is loaded.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

from timing import ROOT, best_of, dev_texts_both_scripts  # benchmarks/timing.py: puts the project on sys.path

_FIRST_WORD = {
    "zhreport": "from zhreport.segment import get_segmenter\nw = get_segmenter().cut('全年收到申请3件')[0]",
    "jieba": "import jieba\njieba.setLogLevel(60)\nw = jieba.lcut('全年收到申请3件')[0]",
}
_RSS = ("\nrss = next(int(line.split()[1]) for line in open('/proc/self/status') if line.startswith('VmRSS'))"
        "\nprint(rss // 1024)")


def cold(code: str, runs: int) -> tuple[float, int]:
    """Median wall time of a fresh interpreter running `code`, and its RSS (MB) at the end."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    times, rss = [], 0
    for i in range(runs + 1):  # the first run fills the cache and is not counted
        t = time.perf_counter()
        p = subprocess.run([sys.executable, "-c", code + _RSS], env=env, capture_output=True, text=True,
                           check=True, cwd=str(ROOT))
        if i:
            times.append(time.perf_counter() - t)
        rss = int(p.stdout.split()[-1])
    return statistics.median(times), rss


def extract_clauses() -> list[str]:
    """The clauses zhreport.extract hands to the segmenter (its clause cache's misses) over the
    simplified development reports, in order."""
    import functools

    import zhreport
    from bench_extract import clear_text_caches, dev_documents
    from zhreport import segment

    docs = dev_documents("dev")
    clauses: list[str] = []
    words = segment.words
    recorded = functools.lru_cache(maxsize=8192)(lambda clause: clauses.append(clause) or words.__wrapped__(clause))
    clear_text_caches()
    segment.words = recorded
    try:
        for doc in docs[:len(docs) // 2]:  # the first half: simplified
            zhreport.extract(doc)
    finally:
        segment.words = words
    return clauses


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cold", type=int, default=5)
    a = ap.parse_args()

    import jieba

    from zhreport.segment import get_segmenter

    text = dev_texts_both_scripts()
    jieba.setLogLevel(60)
    seg = get_segmenter()
    jieba.lcut(text)  # warm-up: jieba's prefix dictionary
    seg.cut(text)
    t_jieba = best_of(lambda: jieba.lcut(text), a.repeat)
    t_seg = best_of(lambda: seg.cut(text), a.repeat)
    print(f"text: {len(text):,} characters (the development texts, simplified and traditional)")
    print(f"jieba.lcut            {t_jieba:.3f} s")
    print(f"segmenter cut         {t_seg:.3f} s")
    print(f"ratio segmenter/jieba time: {t_seg / t_jieba:.2f}  (<1 means faster than jieba)")
    clauses = extract_clauses()
    t_jieba = best_of(lambda: [jieba.lcut(c) for c in clauses], a.repeat * 5)
    t_seg = best_of(lambda: [seg.cut(c) for c in clauses], a.repeat * 5)
    print(f"extract's clauses, simplified dev reports: {len(clauses)} clauses, {sum(map(len, clauses)):,} characters")
    print(f"  jieba.lcut {t_jieba * 1e3:.2f} ms, segmenter cut {t_seg * 1e3:.2f} ms, ratio {t_seg / t_jieba:.2f}")
    print(f"fresh process to first word (median of {a.cold}), and its RSS once loaded:")
    for name, code in _FIRST_WORD.items():
        t, rss = cold(code, a.cold)
        print(f"  {name:9} {t:.3f} s  {rss:4d} MB")


if __name__ == "__main__":
    main()
