"""How many Chinese-numeral quantities the word/place-name rule of zhreport.quantities drops.

usage: PYTHONPATH=. python scripts/numeral_words.py [FILE.jsonl|FILE.txt ...]

Reads the bundled corpora (corpora/sample, corpora/gold) and the quantity test sentences, or the
files given, and prints the Chinese-numeral quantities kept and every one dropped because jieba's
dictionary puts the numeral inside a word or a place name (三个代表, 八所镇), with its context,
so that a real count lost to the rule shows.
"""
import json
import sys
from collections import Counter
from pathlib import Path

from zhreport import quantities
from zhreport.normalize import normalize


def texts(paths):
    for p in paths:
        if p.suffix == ".jsonl":
            for line in p.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    yield json.loads(line).get("text", "")
        elif p.suffix == ".json":
            yield from (c["text"] for c in json.loads(p.read_text(encoding="utf-8"))["cases"])
        else:
            yield p.read_text(encoding="utf-8")


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    paths = [Path(a) for a in sys.argv[1:]] or (
        sorted((root / "corpora").glob("*/*.txt")) + sorted((root / "corpora").glob("*/*.jsonl"))
        + [root / "tests" / "cases" / "quantities_sentences.json"])
    dropped: Counter = Counter()
    rule = quantities._in_words

    def watched(text, qs, unit_end, unit, t):
        inside = rule(text, qs, unit_end, unit, t)
        if inside:
            dropped[text[max(0, qs - 8):unit_end + 6].replace("\n", " ")] += 1
        return inside

    quantities._in_words = watched
    kept = chars = 0
    for raw in texts(paths):
        t = normalize(raw).text
        chars += len(t)
        kept += sum(1 for q in quantities.extract_quantities(t) if not any(c.isdigit() for c in q.number_text))
    print(f"{chars:,} characters: {kept} Chinese-numeral quantities kept, {sum(dropped.values())} dropped "
          "as words or place names")
    for context, n in dropped.most_common():
        print(f"  {n}  {context}")


if __name__ == "__main__":
    main()
