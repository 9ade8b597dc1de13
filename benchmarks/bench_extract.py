"""End-to-end speed of zhreport.extract against plain jieba.lcut over the same documents.

usage: python benchmarks/bench_extract.py [--repeat 5] [--set dev|all] [--file PATH]

The documents are the development reports (corpora/dev/dev.jsonl; --set all: every
case of corpora/dev, the table-layout and narrative cases too), each in simplified
and in traditional script, extracted one by one as a user would. Before timing, the
models are loaded on synthetic reports (zhreport.synth), not on these texts; and before
every pass the caches that remember text (segmented clauses, label similarities) are
emptied, so every pass sees each document for the first time — a repeated text must not
make the pipeline look faster than it is. jieba.lcut runs over the same documents in
the same process, so the ratio does not depend on the machine; the best of --repeat
passes of each is compared. The share of normalisation (repair + conversion) is printed
too, and the ratio of each script alone: the two halves are twins, so in the whole set
the traditional half meets clauses its simplified twin left in the caches. Damaged pages are measured apart by benchmarks/bench_repair.py.
"""
import argparse
import functools
import gc
import json
import sys
import time
from pathlib import Path

from timing import ROOT  # benchmarks/timing.py: puts the project on sys.path


def dev_documents(which: str = "dev") -> list[str]:
    """The development reports (corpora/dev/dev.jsonl, the issue's "clean development reports"),
    or with which="all" every case of corpora/dev (the table-layout and narrative cases too)."""
    from zhreport.normalize.damage import to_traditional_chars

    texts = []
    for path in sorted((ROOT / "corpora" / "dev").glob("*.jsonl" if which == "all" else "dev.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts + [to_traditional_chars(t) for t in texts]


def clear_text_caches() -> int:
    """Empty every bounded lru_cache of zhreport's modules (those keyed by pieces of text; the
    model loaders are unbounded or hold one entry and stay). Returns how many were emptied."""
    n = 0
    for name, module in list(sys.modules.items()):
        if not name.startswith("zhreport"):
            continue
        for obj in list(vars(module).values()):
            candidates = [obj] + ([v for v in vars(obj).values()] if isinstance(obj, type) else [])
            for fn in candidates:
                info = getattr(fn, "cache_parameters", None)
                if info is not None and (info().get("maxsize") or 0) > 4:
                    fn.cache_clear()
                    n += 1
    from zhreport.forms import mapping

    for tid in ("gov2008", "gov2019", "gov2021"):  # per-template caches live on the rules object
        rules = mapping.load_rules(tid)  # and on its paraphrase matcher
        for owner in (rules, rules.similar):
            for v in vars(owner).values() if owner is not None else ():
                if isinstance(v, functools._lru_cache_wrapper):
                    v.cache_clear()
                    n += 1
    return n


def timed_pass(fn, docs) -> float:
    gc.collect()
    t0 = time.perf_counter()
    for d in docs:
        fn(d)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--set", choices=("dev", "all"), default="dev",
                    help="dev: the 30 development reports; all: every case of corpora/dev (90)")
    ap.add_argument("--file", help="one text file to measure instead of the development set")
    a = ap.parse_args()

    import jieba

    import zhreport
    from zhreport.normalize import normalize
    from zhreport.synth import generate

    docs = [Path(a.file).read_text(encoding="utf-8")] if a.file else dev_documents(a.set)
    n_chars = sum(len(d) for d in docs)
    jieba.setLogLevel(60)
    warm = [generate(i)["case"]["text"] for i in range(6)]
    for w in warm:  # warm-up on other texts: jieba's prefix dictionary, tables, OpenCC, rules
        jieba.lcut(w)
        zhreport.extract(w)

    def best(part):
        t_jieba, t_extract, t_norm = [], [], []
        for _ in range(a.repeat):
            t_jieba.append(timed_pass(jieba.lcut, part))
            clear_text_caches()
            t_extract.append(timed_pass(zhreport.extract, part))
            clear_text_caches()
            t_norm.append(timed_pass(normalize, part))
        return min(t_jieba), min(t_extract), min(t_norm)

    tj, te, tn = best(docs)
    print(f"{len(docs)} documents, {n_chars:,} characters; best of {a.repeat} passes, caches emptied before each")
    print(f"jieba.lcut        {n_chars / tj:12,.0f} chars/s  ({tj:.3f} s)")
    print(f"zhreport.extract  {n_chars / te:12,.0f} chars/s  ({te:.3f} s)")
    print(f"time ratio extract / jieba.lcut: {te / tj:.2f}  (target <= 0.5)")
    print(f"normalisation share of extract time: {tn / te:.1%}")
    if not a.file:
        # apart: jieba is slower on traditional script (fewer of its words), while the pipeline
        # converts it and, after the simplified twins, finds their clauses in its caches
        half = len(docs) // 2
        for name, part in (("simplified only", docs[:half]), ("traditional only", docs[half:])):
            pj, pe, _pn = best(part)
            print(f"  {name:17s} {len(part)} documents: extract {pe:.3f} s, jieba.lcut {pj:.3f} s, "
                  f"ratio {pe / pj:.2f}")


if __name__ == "__main__":
    main()
