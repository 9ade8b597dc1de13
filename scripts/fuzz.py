"""The long fuzz run: N random texts (default 100,000) built from report pieces, scrape
damage and markup, each checked for exceptions and broken invariants (spans, repair
replay, JSON round trip: tests/test_hardening.violations).

usage: PYTHONPATH=. python scripts/fuzz.py [--n 100000] [--seed 1]
Prints the count of inputs, exceptions and violations, the time, and the first failing
inputs (shortest first); exit 1 when any failed.
"""
import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    from tests.test_hardening import fuzz_text, violations

    rng = random.Random(a.seed)
    exceptions, broken, failing = 0, 0, []
    t0 = time.perf_counter()
    for i in range(a.n):
        text = fuzz_text(rng)
        try:
            bad = violations(text)
        except Exception as exc:  # noqa: BLE001 - counting them is the point
            exceptions += 1
            bad = [f"{type(exc).__name__}: {exc}"]
        else:
            broken += bool(bad)
        if bad:
            failing.append((text, bad[0]))
        if (i + 1) % 10_000 == 0:
            print(f"{i + 1} inputs, {exceptions} exceptions, {broken} with violations, "
                  f"{time.perf_counter() - t0:.0f} s", flush=True)
    dt = time.perf_counter() - t0
    print(f"fuzz: {a.n} inputs (seed {a.seed}) in {dt:.0f} s: {exceptions} exceptions, "
          f"{broken} with invariant violations")
    for text, why in sorted(failing, key=lambda f: len(f[0]))[:10]:
        print(f"  {why[:120]}  <- {text[:200]!r}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
