"""Tune the weights of mojibake repair on synthetic damage; report the cases file too.

usage: python scripts/tune_mojibake.py [--gold corpora/dev/dev.jsonl] [--lines 300] [--cases PATH]
       python scripts/tune_mojibake.py --choices OUT   (every run's choice on a wide set, see choices())

Damages texts with zhreport's own generator (zhreport.normalize.damage): the report
narratives of a gold file and the statistics-form row labels printed as indented
table rows. Candidates are searched once; the weights (zhreport.normalize.mojibake.selection.Weights)
are then grid-searched for exact lines with applied-repair precision >= 97%.
"""
import argparse
import itertools
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhreport.normalize import mojibake as M  # noqa: E402
from zhreport.normalize.mojibake.selection import WEIGHTS, Weights  # noqa: E402
from zhreport.normalize.damage import annotate, farm_damage, random_annotated_set, to_traditional_chars  # noqa: E402
from zhreport.normalize.fixes import fix_inserted_pinyin  # noqa: E402
from zhreport.normalize.offsets import apply_edits  # noqa: E402


def gold_texts(gold: Path, variant=None) -> list:
    """The texts of a gold file (of one `variant` when given: clean, hant, damaged)."""
    rows = [json.loads(l) for l in gold.read_text(encoding="utf-8").splitlines() if l.strip()]
    return [r["text"] for r in rows if variant is None or r.get("variant") == variant]


def synthetic_lines(texts: list, n: int, seed: int, label_docs: int = 40):
    """Up to n (damaged line, expected line) pairs: the texts and `label_docs` documents of
    form row labels printed as table rows, damaged with a random pinyin set per document."""
    rng = random.Random(seed)
    labels = []
    for tid in ("gov2008", "gov2019", "gov2021"):
        data = json.loads((ROOT / "models" / "forms" / f"{tid}.json").read_text(encoding="utf-8"))
        labels += [(f.get("numbering") or "") + f["label"] for f in data["fields"]
                   if f["kind"] in ("value", "group") and "/" not in f["label"]]
    nums = "一二三四五六七八九十"
    docs = []
    for _ in range(label_docs):
        rows = rng.sample(labels, 15)
        docs.append("\n".join(f"（{rng.choice(nums)}）{r.lstrip('（）一二三四五六七八九十、.1234567890')} | 件 | {rng.randint(0, 99)} |"
                              for r in rows))
    docs += texts
    rng.shuffle(docs)
    out = []
    for doc in docs:
        ann = random_annotated_set(rng, doc)
        n_lines = doc.count("\n") + 1
        indent = [i for i in range(n_lines) if rng.random() < 0.6]
        damaged = farm_damage(doc, ann, indent).split("\n")
        clean = [M.fold(l).strip() for l in annotate(to_traditional_chars(doc), ann).split("\n")]
        for dl, cl in zip(damaged, clean):
            if M.find_runs(dl):
                out.append((dl, cl))
        if len(out) >= n:
            break
    return out[:n]


def evaluate(items, w):
    lines_ok = applied = applied_ok = runs_n = 0
    for dl, cl, runs in items:
        res = M.choose(dl, runs, w)
        out = dl
        for r in sorted([r for r in res if r.after is not None], key=lambda r: -r.start):
            out = out[:r.start] + r.after + out[r.end:]
        ok = out.strip() == cl
        lines_ok += ok
        runs_n += len(res)
        k = sum(r.after is not None for r in res)
        applied += k
        applied_ok += k if ok else 0
    return lines_ok, applied, applied_ok, runs_n


def cases_items(path: Path):
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        c = json.loads(line)
        if "mojibake" in c["kind"]:
            items.append((c["input"], c["expected"], M.run_candidates(c["input"])))
    return items


def cases_score(items, w):
    ok = applied = applied_ok = 0
    for dl, exp, runs in items:
        res = M.choose(dl, runs, w)
        out = dl
        for r in sorted([r for r in res if r.after is not None], key=lambda r: -r.start):
            out = out[:r.start] + r.after + out[r.end:]
        out = apply_edits(out, [e for e, _k in fix_inserted_pinyin(out)])
        good = out == exp
        ok += good
        k = sum(r.after is not None for r in res)
        applied += k
        applied_ok += k if good else 0
    return ok, applied, applied_ok


def choices(out: Path, cases: Path) -> int:
    """Write every run's choice (start, end, restoration, runner-up, suggestion, confidence), one
    JSON list a line, on: the tune lines, the cases, the unseen lines (synthetic clean reports,
    seed 2027), dev lines of generator seeds 11, 13, 17, 23, 31 and 37, synthetic lines of seeds 99,
    5 and 41, nine damaged dev pages and the raw seed page (2,546 runs). A pruning of the search that
    must not change a choice leaves this file byte-identical: run before and after, under
    PYTHONHASHSEED 1 and 2, and compare. Returns the number of runs."""
    dev = gold_texts(ROOT / "corpora" / "dev" / "dev.jsonl")
    syn = gold_texts(ROOT / "corpora" / "gold" / "synthetic.jsonl", variant="clean")
    texts = [dl for dl, _ in synthetic_lines(dev, 150, 7)]
    if cases.exists():
        texts += [dl for dl, _exp, _runs in cases_items(cases)]
    texts += [dl for dl, _ in synthetic_lines(syn, 100, seed=2027, label_docs=0)]
    for seed in (11, 13, 17, 23, 31, 37):
        texts += [dl for dl, _ in synthetic_lines(dev, 250, seed)]
    for seed in (99, 5, 41):
        texts += [dl for dl, _ in synthetic_lines(syn, 200, seed=seed, label_docs=20)]
    for seed, size, lines in ((5, 5, lambda i: range(i % 2, 10000, 2)), (7, 10, lambda i: range(0, 10000, 2))):
        rng = random.Random(seed)
        for i in range(6 if size == 5 else 3):
            text = "\n".join(dev[size * i:size * i + size])
            texts.append(farm_damage(text, random_annotated_set(rng, text), lines(i)))
    texts.append((ROOT / "corpora" / "sample" / "zhashui_2018_seed.txt").read_text(encoding="utf-8"))
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for text in texts:
            for r in M.repair_mojibake(text):
                fh.write(json.dumps([r.start, r.end, r.after, r.runner_up, r.suggestion, round(r.confidence, 9)],
                                    ensure_ascii=False) + "\n")
                n += 1
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default=str(ROOT / "corpora" / "dev" / "dev.jsonl"))
    ap.add_argument("--lines", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cases", default=str(ROOT.parent / "shared" / "artifacts" / "cases.jsonl"))
    ap.add_argument("--grid", action="store_true", help="grid-search the weights")
    ap.add_argument("--choices", help="write every run's choice on a wide set to this file, and stop")
    a = ap.parse_args()
    if a.choices:
        print(f"{choices(Path(a.choices), Path(a.cases))} runs' choices written to {a.choices}")
        return
    t0 = time.perf_counter()
    lines = synthetic_lines(gold_texts(Path(a.gold)), a.lines, a.seed)
    items = [(dl, cl, M.run_candidates(dl)) for dl, cl in lines]
    print(f"{len(items)} synthetic damaged lines, candidates searched in {time.perf_counter() - t0:.1f} s")
    w = WEIGHTS
    ok, ap_, apok, runs = evaluate(items, w)
    print(f"current {w}: exact lines {ok}/{len(items)} ({ok / len(items):.1%}), applied {ap_} "
          f"(on exact lines {apok}, {apok / max(1, ap_):.1%}), runs {runs}")
    if a.grid:
        best = None
        for words, per_char, numbering, label, margin in itertools.product(
                (1.0, 1.5, 2.0), (0.0, 2.0, 4.0), (4.0, 8.0), (0.0, 6.0, 10.0), (3.0, 4.0, 5.0, 6.0, 8.0)):
            cand = Weights(bigram=1.0, words=words, per_char=per_char, numbering=numbering, label=label,
                             margin=margin)
            ok, ap_, apok, _ = evaluate(items, cand)
            prec = apok / max(1, ap_)
            key = (prec >= 0.97, ok, prec)
            if best is None or key > best[0]:
                best = (key, cand, ok, ap_, apok)
        print(f"best {best[1]}: exact {best[2]}/{len(items)}, applied {best[3]} ({best[4] / max(1, best[3]):.1%})")
    cp = Path(a.cases)
    if cp.exists():
        citems = cases_items(cp)
        ok, ap_, apok = cases_score(citems, w)
        print(f"cases.jsonl mojibake: exact {ok}/{len(citems)} ({ok / len(citems):.1%}), applied {ap_} "
              f"({apok / max(1, ap_):.1%} on exact cases)")


if __name__ == "__main__":
    main()
