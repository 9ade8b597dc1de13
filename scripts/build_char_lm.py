"""Build models/lm/char_bigrams.tsv: a character bigram model for mojibake repair.

usage: python scripts/build_char_lm.py

Sources (both shipped with what zhreport installs, so the model can be rebuilt):
  - jieba's dictionary (dict.txt): every word's frequency is added to the counts of
    its characters and of its inner character bigrams;
  - the row labels of the three statistics forms (models/forms/*.json) and the
    domain lexicon (models/lexicons/domain.txt), with a fixed high weight, so that
    the vocabulary of these reports is preferred.
Text is simplified (jieba's dictionary is); callers convert before scoring.
Bigrams seen with a total weight below MIN_COUNT are pruned to keep the file small.
"""
import json
import math
from collections import Counter
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "models" / "lm" / "char_bigrams.tsv"
MIN_COUNT = 3
DOMAIN_WEIGHT = 5000


def main() -> None:
    uni: Counter = Counter()
    bi: Counter = Counter()
    dict_path = Path(jieba.__file__).with_name("dict.txt")
    for line in dict_path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        word, freq = parts[0], int(parts[1])
        for ch in word:
            uni[ch] += freq
        for a, b in zip(word, word[1:]):
            bi[a + b] += freq
    domain = []
    for tid in ("gov2008", "gov2019", "gov2021"):
        data = json.loads((ROOT / "models" / "forms" / f"{tid}.json").read_text(encoding="utf-8"))
        for f in data["fields"]:
            for key in ("label", "label_full"):
                if f.get(key):
                    domain.append(f[key])
    for line in (ROOT / "models" / "lexicons" / "domain.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            domain.append(line.split()[0])
    for phrase in domain:
        for ch in phrase:
            uni[ch] += DOMAIN_WEIGHT
        for a, b in zip(phrase, phrase[1:]):
            bi[a + b] += DOMAIN_WEIGHT
    total = sum(uni.values())
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write(f"# character unigram/bigram counts; built by scripts/build_char_lm.py; total={total}\n")
        for ch, n in uni.most_common():
            fh.write(f"{ch}\t{n}\n")
        kept = 0
        for ab, n in bi.most_common():
            if n < MIN_COUNT:
                break
            fh.write(f"{ab}\t{n}\n")
            kept += 1
    print(f"wrote {OUT.relative_to(ROOT)}: {len(uni)} characters, {kept} bigrams "
          f"({OUT.stat().st_size / 1e6:.1f} MB), log10 total {math.log10(total):.1f}")


if __name__ == "__main__":
    main()
