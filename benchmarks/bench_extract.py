"""End-to-end speed of zhreport.extract against plain jieba.lcut over the same text.

usage: python benchmarks/bench_extract.py [--mb 1.0] [--repeat 3] [--file PATH]

The text is the development set's reports, each in simplified and in traditional
script, repeated to at least --mb megabytes (or --file repeated). Both runs happen
in this process after a warm-up, so the ratio does not depend on the machine. The
share of the time spent in normalisation (repair + conversion) is printed too.
Damaged pages are measured apart, per page, by benchmarks/bench_repair.py: the
mojibake search costs tens of milliseconds per damaged run, whatever the page size.
"""
import argparse
from pathlib import Path

from timing import best_of, dev_texts_both_scripts  # benchmarks/timing.py: puts the project on sys.path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--file", help="a text file to repeat instead of the development set")
    a = ap.parse_args()

    import jieba

    import zhreport
    from zhreport.normalize import normalize

    if a.file:
        seed = Path(a.file).read_text(encoding="utf-8")
    else:
        seed = dev_texts_both_scripts()
    reps = max(1, int(a.mb * 1024 * 1024 / len(seed.encode("utf-8"))) + 1)
    text = (seed + "\n") * reps
    n_chars = len(text)
    jieba.setLogLevel(60)
    jieba.lcut(seed)  # warm-up: builds jieba's prefix dictionary
    zhreport.extract(seed)  # warm-up: loads tables, OpenCC, the private tokenizer

    t_jieba = best_of(lambda: jieba.lcut(text), a.repeat)
    t_extract = best_of(lambda: zhreport.extract(text), a.repeat)
    t_norm = best_of(lambda: normalize(text), a.repeat)

    print(f"text: {n_chars:,} characters ({len(text.encode('utf-8')) / 1e6:.2f} MB, x{reps})")
    print(f"jieba.lcut        {n_chars / t_jieba:12,.0f} chars/s  ({t_jieba:.3f} s)")
    print(f"zhreport.extract  {n_chars / t_extract:12,.0f} chars/s  ({t_extract:.3f} s)")
    print(f"ratio extract/jieba speed: {t_jieba / t_extract:.2f}  (>1 means faster than plain jieba)")
    print(f"normalisation share of extract time: {t_norm / t_extract:.1%}")


if __name__ == "__main__":
    main()
