"""Where `extract` spends its time: the share of each pipeline stage, on the dev texts.

usage: python benchmarks/bench_stages.py [--repeat 3] [--scripts both|hans]

Each development report (corpora/dev/dev.jsonl; with --scripts both also its
traditional-script version) is extracted --repeat times after a warm-up pass; before each pass the caches that remember
text are emptied (as in bench_extract.py). The
stage functions are wrapped from outside (the names zhreport.pipeline calls, and the
narrative rules' methods), so the pipeline's code is profiled as it is; a stage's
time excludes the wrapped stages it calls. What no stage claims is "other" (the
pipeline's own glue: fact building, offsets, the form merge). A name the pipeline
no longer uses is listed as missing instead of timed.
"""
import argparse
import json
import time
from collections import defaultdict

from bench_extract import clear_text_caches
from timing import ROOT  # benchmarks/timing.py: puts the project on sys.path

# stage -> names in zhreport.pipeline's namespace
PIPELINE_STAGES = {
    "normalize": ["normalize"],
    "detect (year, form, issuer)": ["detect_year", "detect_template", "identify_issuer"],
    "quantities": ["extract_quantities"],
    "indicators": ["link_indicators"],
    "forms/tables": ["scan", "read_cells", "extract_meta", "load_template"],
    "checks": ["run_checks", "text_vs_table"],
    "form (statements merged)": ["fill_form"],
}
# stage -> methods of zhreport.forms.mapping.NarrativeRules (the object load_rules returns)
RULE_STAGES = {"narrative mapping": ["field_for", "implied_claims", "zero_claims"]}


class StageClock:
    """Exclusive time per stage: a wrapped call's time minus the wrapped calls inside it."""

    def __init__(self):
        self.spent = defaultdict(float)
        self.calls = defaultdict(int)
        self._stack = []  # [stage, time spent in nested wrapped calls]

    def wrap(self, stage, fn):
        def timed(*args, **kwargs):
            self._stack.append([stage, 0.0])
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                took = time.perf_counter() - t0
                _stage, nested = self._stack.pop()
                self.spent[stage] += took - nested
                self.calls[stage] += 1
                if self._stack:
                    self._stack[-1][1] += took
        timed.__wrapped__ = fn
        return timed


def install(clock):
    """Wrap the stage functions; returns the names not found."""
    from zhreport import pipeline
    from zhreport.forms import mapping

    missing = []
    for stage, names in PIPELINE_STAGES.items():
        for name in names:
            fn = getattr(pipeline, name, None)
            if callable(fn):
                setattr(pipeline, name, clock.wrap(stage, fn))
            else:
                missing.append(f"zhreport.pipeline.{name}")
    for stage, names in RULE_STAGES.items():
        for name in names:
            fn = getattr(mapping.NarrativeRules, name, None)
            if callable(fn):
                setattr(mapping.NarrativeRules, name, clock.wrap(stage, fn))
            else:
                missing.append(f"NarrativeRules.{name}")
    return missing


def dev_documents(scripts):
    from zhreport.normalize.damage import to_traditional_chars

    docs = [json.loads(line) for line in (ROOT / "corpora" / "dev" / "dev.jsonl")
            .read_text(encoding="utf-8").splitlines() if line.strip()]
    out = [(d["text"], d.get("year")) for d in docs]
    if scripts == "both":
        out += [(to_traditional_chars(d["text"]), d.get("year")) for d in docs]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scripts", choices=("both", "hans"), default="both")
    a = ap.parse_args()

    import jieba

    from zhreport import pipeline

    docs = dev_documents(a.scripts)
    for text, year in docs:  # warm-up: tables, OpenCC, the tokenizer, compiled patterns
        pipeline.extract_text(text, year=year)
    clock = StageClock()
    missing = install(clock)
    total = 0.0
    for _ in range(a.repeat):  # every pass sees the documents anew: the caches that remember text emptied
        clear_text_caches()
        t0 = time.perf_counter()
        for text, year in docs:
            pipeline.extract_text(text, year=year)
        total += time.perf_counter() - t0
    jieba.setLogLevel(60)
    joined = "\n".join(text for text, _y in docs)
    jieba.lcut(joined)
    t1 = time.perf_counter()
    for _ in range(a.repeat):
        jieba.lcut(joined)
    t_jieba = time.perf_counter() - t1

    n_chars = sum(len(text) for text, _y in docs)
    print(f"{len(docs)} documents, {n_chars:,} characters, x{a.repeat}: extract {total:.3f} s "
          f"(jieba.lcut over the same text {t_jieba:.3f} s, ratio {total / t_jieba:.2f})")
    print(f"{'stage':30} {'share':>7} {'seconds':>9} {'calls':>8}")
    for stage, spent in sorted(clock.spent.items(), key=lambda kv: -kv[1]):
        print(f"{stage:30} {spent / total:7.1%} {spent:9.3f} {clock.calls[stage]:8}")
    other = total - sum(clock.spent.values())
    print(f"{'other (pipeline glue)':30} {other / total:7.1%} {other:9.3f}")
    if missing:
        print("not found (the pipeline changed; update PIPELINE_STAGES):", ", ".join(missing))


if __name__ == "__main__":
    main()
