"""Command line: thin adapters over the library functions.

    zhreport extract FILE|- [FILE ...] [--year Y] [--template T] [--json|--table] [--mojibake M] [--max-mb M]
    zhreport batch INPUT -o OUT [--workers N] [--resume|--overwrite] [--year Y] [--template T] [--mojibake M] [--max-mb M] [--timeout S]
    zhreport evaluate GOLD.jsonl|DIR [--json] [--baseline B] [--write-baseline B] [--template T] [--misses N]
    zhreport normalize FILE|- [--explain]
    zhreport view FILE|- [-o OUT.html] [--year Y] [--template T] [--mojibake M] [--max-mb M]

Errors are one line on stderr naming the file and the reason; the exit status is
1 when any input failed, 2 for a usage error. ``--debug`` shows tracebacks.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

from . import __version__
from .errors import ReadError, ZhReportError

TEMPLATES = ("gov2008", "gov2019", "gov2021")
DEFAULT_MAX_MB = 64  # = pipeline.DEFAULT_MAX_MB (not imported: the CLI starts without loading the pipeline)
TIMEOUT_S = 600.0  # seconds one document may take (extract and batch): stops stalls, not large files


def _read_input(name: str, max_mb: float):
    """Standard input, or a file read as batch reads it (text, HTML, PDF, Word)."""
    from .pipeline import read_file
    from .reader import decode_bytes

    if name == "-":
        return decode_bytes(sys.stdin.buffer.read(), "-")
    return read_file(name, int(max_mb * 1024 * 1024))


def _whole(least: int):
    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            n = None
        if n is None or n < least:
            raise argparse.ArgumentTypeError(f"must be a whole number of at least {least}, not {text!r}")
        return n
    return parse


def _share(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        x = -1.0
    if not 0.0 <= x <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a share between 0 and 1, not {text!r}")
    return x


def _positive(unit: str):
    def parse(text: str) -> float:
        try:
            x = float(text)
        except ValueError:
            x = 0.0
        if not 0.0 < x < float("inf"):
            raise argparse.ArgumentTypeError(f"must be a positive number of {unit}, not {text!r}")
        return x
    return parse


_megabytes = _positive("megabytes")
_seconds = _positive("seconds")


def _output_folder(out: str, marker: str, resume: bool, overwrite: bool) -> Optional[str]:
    """Why OUT cannot take this run's results, or None: a file, or a folder with earlier results."""
    p = Path(out)
    if p.exists() and not p.is_dir():
        return f"{out}: is a file; -o names the folder for the results"
    if (p / marker).exists() and not (resume or overwrite):
        return (f"{out}: holds earlier results ({marker}); add --resume to continue them "
                f"or --overwrite to replace them")
    return None


def _fail(msg: str) -> None:
    print(f"zhreport: {msg}", file=sys.stderr)


def _run_guarded(args, fn) -> int:
    try:
        return fn(args)
    except ZhReportError as exc:
        _fail(str(exc))
        return 1
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the promise: one line, never a traceback (unless --debug)
        if getattr(args, "debug", False):
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        return 2


# ---------------------------------------------------------------- extract
class _TimeLimit(BaseException):
    """A document took too long (a BaseException: no reader's `except Exception` may swallow it)."""


@contextmanager
def _time_limit(seconds: Optional[float]):
    """Interrupt the block after `seconds` (Unix, main thread; elsewhere no limit)."""
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise _TimeLimit()

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _cmd_extract(args) -> int:
    from .types import report_dict
    from .pipeline import extract_text

    status = 0
    out = sys.stdout
    if args.output and args.output != "-":
        if Path(args.output).is_dir():
            _fail(f"{args.output}: is a folder; -o names the file for the JSON lines")
            return 2
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        out = open(args.output, "w", encoding="utf-8")
    n_ok = 0
    for name in args.files:
        try:  # each document on its own: read, extract and serialise, then write
            with _time_limit(args.timeout):
                dec = _read_input(name, args.max_mb)
                rep = extract_text(dec.text, year=args.year, template=args.template, source=dec.source,
                                   sha256=dec.sha256, encoding=dec.encoding, mojibake=args.mojibake)
                d = report_dict(rep)
                line = None if args.table else json.dumps(d, ensure_ascii=False, indent=2 if args.pretty else None)
        except _TimeLimit:
            _fail(f"{name}: took longer than {args.timeout:g} s (raise the limit with --timeout)")
            status = 1
            continue
        except ReadError as exc:
            _fail(str(exc))
            status = 1
            continue
        except Exception as exc:
            if args.debug:
                raise
            _fail(f"{name}: internal error: {type(exc).__name__}: {exc}")
            status = 1
            continue
        n_ok += 1
        if args.table:
            _print_table(rep, out)  # report_dict made rep's values writable
        else:
            out.write(line + "\n")
    if out is not sys.stdout:
        out.close()
        print(f"zhreport: {n_ok} of {len(args.files)} documents extracted; results in {args.output}",
              file=sys.stderr)
    return status


def _print_table(rep, out) -> None:
    d = rep.to_dict()
    out.write(f"# {d['source']}  year={d['year']} template={d['template']} issuer={d['issuer']} "
              f"script={d['script']} repairs={len(d['repairs'])}\n")
    out.write("## facts\n")
    for i, f in enumerate(d["facts"]):
        out.write(f"{i:4d} {f['start']:6d}-{f['end']:<6d} {f['text']:<12} {f['value']!s:>10} "
                  f"{f['unit'] or '':<4} {f['field'] or '-':<45} {f['indicator'] or ''}\n")
    out.write("## form\n")
    for k, v in d["form"].items():
        out.write(f"{k:<55} {v['value']!s:>10}  {v['source']}\n")
    out.write("## checks\n")
    for c in d["checks"]:
        out.write(f"{c['severity']:<8} {c['rule']:<14} {c['message']}\n")


# ---------------------------------------------------------------- evaluate
def _cmd_evaluate(args) -> int:
    from .evaluate import evaluate, load_gold

    try:
        cases = load_gold(args.gold)
    except OSError as exc:
        _fail(f"{args.gold}: cannot be read ({exc.strerror or exc})")
        return 1
    except ValueError as exc:
        _fail(str(exc))
        return 1
    if args.template:
        cases = [c for c in cases if c.get("template") == args.template]
    if not cases:
        _fail(f"{args.gold}: no gold cases{f' of template {args.template}' if args.template else ''} to score")
        return 1
    result = evaluate(cases)
    misses = result.pop("misses")
    if args.json:
        result["misses"] = misses if args.misses < 0 else misses[: args.misses or len(misses)]
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for m in misses[: args.misses] if args.misses >= 0 else misses:
            print("  " + json.dumps(m, ensure_ascii=False))
        print(f"cases {result['cases']}")
        hdr = f"{'':10} {'form P':>7} {'form R':>7} {'form F1':>7} {'fact P':>7} {'fact R':>7} {'fact F1':>7} {'field':>7}"
        print(hdr)
        rows = [("overall", {k: v for k, v in result.items() if k not in ("cases", "per_template")})]
        rows += list(result["per_template"].items())
        for name, r in rows:
            cells = (r.get(k) for k in ("form_p", "form_r", "form_f1", "fact_p", "fact_r", "fact_f1", "field_acc"))
            print(f"{name:10} " + " ".join(f"{'-':>7}" if v is None else f"{v:7.4f}" for v in cells))
        print(f"misses and false hits: {len(misses)} (show them with --misses N)")
    if args.write_baseline:
        from .evaluate import baseline_of

        Path(args.write_baseline).write_text(
            json.dumps(baseline_of(result, args.gold), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"baseline written to {args.write_baseline}")
    if args.baseline:
        return _compare_baseline(result, args.baseline, args.gold)
    return 0


def _compare_baseline(result: dict, path: str, gold: str) -> int:
    """Exit 1 when the gold changed or any score falls below its floor in the baseline JSON."""
    from .evaluate import regressions

    try:
        baseline = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        _fail(f"{path}: cannot read baseline ({exc})")
        return 1
    if "floors" not in baseline:  # a plain {metric: floor} object
        baseline = {"floors": baseline}
    bad = regressions(result, baseline, gold)
    for b in bad:
        _fail(f"regression: {b}")
    if not bad:
        print(f"accuracy gate: {len(baseline['floors'])} scores at or above the baseline {path}")
    return 1 if bad else 0


# ---------------------------------------------------------------- normalize
def _cmd_normalize(args) -> int:
    from .normalize import normalize

    dec = _read_input(args.file, args.max_mb)
    n = normalize(dec.text, mojibake=args.mojibake)
    sys.stdout.write(n.text)
    if n.text and not n.text.endswith("\n"):
        sys.stdout.write("\n")
    if args.explain:
        print(f"# {len(n.repairs)} repairs, script {n.script}", file=sys.stderr)
        for r in n.repairs:
            print(json.dumps(r.to_dict(), ensure_ascii=False), file=sys.stderr)
    return 0


# ---------------------------------------------------------------- view
def _cmd_view(args) -> int:
    from .pipeline import extract_text

    dec = _read_input(args.file, args.max_mb)
    rep = extract_text(dec.text, year=args.year, template=args.template, source=dec.source,
                       sha256=dec.sha256, encoding=dec.encoding, mojibake=args.mojibake)
    page = rep.to_html()
    if args.output == "-":
        sys.stdout.write(page)
        return 0
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    print(f"zhreport: {len(rep.facts)} facts, {len(rep.form)} form fields, {len(rep.checks)} checks; "
          f"open {out} in a browser", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- batch
def _cmd_batch(args) -> int:
    from .batch import list_inputs, run_batch

    spec = args.input
    if args.resume and args.overwrite:
        _fail("--resume keeps the earlier results and --overwrite replaces them: give one")
        return 2
    refusal = _output_folder(args.output, "zhreport.sqlite", args.resume, args.overwrite)
    if refusal:
        _fail(refusal)
        return 2
    if not (spec.startswith("@") or any(c in spec for c in "*?[") or os.path.exists(spec)):
        _fail(f"{spec}: no such file or folder")
        return 1
    try:
        paths = list_inputs(spec)
    except OSError as exc:
        _fail(f"{args.input}: cannot list inputs ({exc.strerror or exc})")
        return 1
    if not paths:
        _fail(f"{args.input}: no files to read")
        return 1
    s = run_batch(paths, args.output, workers=args.workers, resume=args.resume, max_mb=args.max_mb,
                  progress=not args.quiet, timeout=args.timeout, year=args.year, template=args.template,
                  mojibake=args.mojibake)
    print(f"zhreport: {s.total} documents: {s.ok} extracted, {s.errors} errors"
          f"{f' ({s.timeouts} over the time limit)' if s.timeouts else ''}, {s.skipped} skipped"
          f"{f', {s.resumed} already done' if s.resumed else ''}; {s.docs_per_s:.1f} docs/s with "
          f"{args.workers} worker(s), peak worker memory {s.peak_worker_mb:.0f} MB", file=sys.stderr)
    print(f"zhreport: results in {s.out}/ (zhreport.sqlite, reports.jsonl, forms.csv, values.csv, codebook.csv, "
          f"checks.csv, errors.csv)", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- synth
def _cmd_synth(args) -> int:
    from .synth import write_corpus

    refusal = _output_folder(args.output, "gold.jsonl", False, args.overwrite)
    if refusal:
        _fail(refusal.replace("add --resume to continue them or ", ""))
        return 2
    n = write_corpus(args.output, n=args.n, seed=args.seed, broken=args.broken, damaged=args.damaged)
    print(f"zhreport: wrote {n} documents and gold.jsonl to {args.output}", file=sys.stderr)
    return 0


def _form_options(p: argparse.ArgumentParser) -> None:
    """The options of every verb that extracts: the year and the form, for every document it reads."""
    p.add_argument("--year", type=int, help="the report's year (default: detected)")
    p.add_argument("--template", choices=TEMPLATES, help="form template (default: from the labels, else the year)")


def _reading_options(p: argparse.ArgumentParser) -> None:
    """The options every verb that reads one document shares with batch."""
    p.add_argument("--mojibake", choices=("report", "repair", "off"), default="repair",
                   help="GBK-misalignment runs: repair the confident ones and report the rest (default), "
                        "only report them, or skip")
    p.add_argument("--max-mb", type=_megabytes, default=DEFAULT_MAX_MB,
                   help=f"refuse larger files (default {DEFAULT_MAX_MB}, the same for every verb)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zhreport", description="Chinese government reports -> structured, checkable data.")
    p.add_argument("--version", action="version", version=f"zhreport {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    e = sub.add_parser("extract", help="extract facts, form and checks from report files (JSON lines)")
    e.add_argument("files", nargs="+", metavar="FILE", help="text file(s), or - for standard input")
    _form_options(e)
    fmt = e.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON object per document (default)")
    fmt.add_argument("--table", action="store_true", help="human-readable facts, form and checks")
    e.add_argument("--pretty", action="store_true", help="indent the JSON")
    e.add_argument("-o", "--output", metavar="OUT", help="write the JSON lines to OUT instead of stdout")
    _reading_options(e)
    e.add_argument("--timeout", type=_seconds, default=TIMEOUT_S, metavar="S",
                   help=f"seconds one document may take before it is given up (default {TIMEOUT_S:g})")
    e.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    e.set_defaults(func=_cmd_extract)

    v = sub.add_parser("evaluate", help="score extraction against a gold JSONL file (or a folder of them)")
    v.add_argument("gold", metavar="GOLD.jsonl|DIR")
    v.add_argument("--json", action="store_true", help="print the metrics as JSON")
    v.add_argument("--template", choices=TEMPLATES, help="score only cases of this template")
    v.add_argument("--misses", type=int, default=0, help="list N misses/false hits (-1: all)")
    v.add_argument("--baseline", metavar="B", help="baseline JSON (floors and the gold's hash): exit 1 on a regression")
    v.add_argument("--write-baseline", metavar="B", help="write the measured scores as the new baseline B")
    v.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    v.set_defaults(func=_cmd_evaluate)

    b = sub.add_parser("batch", help="the main job: extract a folder of reports into one dataset")
    b.add_argument("input", metavar="INPUT", help="a folder, a glob ('reports/**/*.html') or @list (one path a line)")
    b.add_argument("-o", "--output", required=True, metavar="OUT", help="folder for the store and the exports")
    b.add_argument("--workers", type=_whole(1), default=max(1, (os.cpu_count() or 1)),
                   help="worker processes (default: cores)")
    b.add_argument("--resume", action="store_true", help="keep what OUT holds and skip documents already done")
    b.add_argument("--overwrite", action="store_true", help="replace the earlier results OUT holds")
    _form_options(b)
    _reading_options(b)
    b.add_argument("--timeout", type=_seconds, default=TIMEOUT_S, metavar="S",
                   help=f"seconds one document may take; its worker is then replaced (default {TIMEOUT_S:g})")
    b.add_argument("--quiet", action="store_true", help="no progress line")
    b.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    b.set_defaults(func=_cmd_batch)

    y = sub.add_parser("synth", help="write a synthetic corpus of reports with its gold file")
    y.add_argument("-n", type=_whole(1), default=100, help="number of documents (default 100)")
    y.add_argument("-o", "--output", required=True, metavar="DIR")
    y.add_argument("--overwrite", action="store_true", help="replace a corpus DIR already holds")
    y.add_argument("--seed", type=int, default=1)
    y.add_argument("--broken", type=_share, default=0.0, help="share of broken files to add, 0-1 (not in the gold)")
    y.add_argument("--damaged", type=_share, default=0.25, help="share of documents with mirror-site damage, 0-1")
    y.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    y.set_defaults(func=_cmd_synth)

    w = sub.add_parser("view", help="one self-contained HTML page to read a report: text, form, checks")
    w.add_argument("file", metavar="FILE", help="text or HTML file, or - for standard input")
    w.add_argument("-o", "--output", default="-", metavar="OUT.html", help="where to write the page (default: stdout)")
    _form_options(w)
    _reading_options(w)
    w.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    w.set_defaults(func=_cmd_view)

    n = sub.add_parser("normalize", help="print the repaired simplified text")
    n.add_argument("file", metavar="FILE", help="text file, or - for standard input")
    n.add_argument("--explain", action="store_true", help="list every repair on stderr")
    _reading_options(n)
    n.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    n.set_defaults(func=_cmd_normalize)
    return p


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return _run_guarded(args, args.func)


def app() -> None:  # console-script entry point
    sys.exit(main())


if __name__ == "__main__":
    app()
