"""Word segmentation: jieba's words (its dictionary and HMM, plus the domain lexicon of
``models/lexicons/domain.txt``) from a dictionary that loads in milliseconds.

The algorithm is jieba 0.42's ``Tokenizer.cut`` (accurate mode), step for step: blocks split by
jieba's patterns, a maximum log-probability route over the dictionary's words, and for runs of
single characters that are no word, the Viterbi decoding of ``jieba.finalseg``. Only the storage
differs: the words are a ``marisa_trie.Trie`` (memory-mapped, shared by forked workers) with their
log-probabilities in an array indexed by key id, and the HMM's tables are flat arrays over the Han
range the HMM sees. jieba computes both (``_build``, first use only: it suggests frequencies for
lexicon words without one); the files are cached in this user's private cache folder, under a key of
jieba's data files and the lexicon's content. The warm path never imports jieba.
"""
from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import re
import threading
from array import array
from functools import lru_cache
from typing import Optional

from .resources import model_path

FORMAT = 1  # of the cached files; a change of layout bumps it
KEEP_KEYS = 3  # cached dictionaries kept (of different lexicons or jieba installs)
# jieba's patterns (jieba/__init__.py: re_han_default, re_skip_default, re_eng; finalseg: re_han, re_skip)
_BLOCK = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)")
_SPACE = re.compile("(\r\n|\\s)")
_ENG = re.compile("[a-zA-Z0-9]")
_HMM_HAN = re.compile("([\u4E00-\u9FD5]+)")
_HMM_SKIP = re.compile("([a-zA-Z0-9]+(?:\\.\\d+)?%?)")
_HAN_FIRST, _HAN_LAST = 0x4E00, 0x9FD5  # the characters the HMM ever sees
MIN_FLOAT = -3.14e100  # jieba.finalseg's score of what its tables lack
STATES = "BMES"
_PREVIOUS = (("B", "E", "S"), ("M", "M", "B"), ("E", "B", "M"), ("S", "S", "E"))  # finalseg.PrevStatus: a state, the two it follows
_JIEBA_DATA = ("dict.txt", "finalseg/prob_start.py", "finalseg/prob_trans.py", "finalseg/prob_emit.py")


class Segmenter:
    """jieba's dictionary and HMM in compact form; `cut` gives what ``jieba.Tokenizer.cut`` gives."""

    def __init__(self, trie, data: dict):
        self._trie = trie
        self._prefixes = trie.iter_prefixes_with_ids
        self._logp = array("d")
        self._logp.frombytes(data["logp"])
        self._unknown = data["unknown"]  # log(1) - log(total): a character that is no word
        self._max_len = data["max_len"]
        self._force_split = frozenset(data["force_split"])
        start, self._trans = data["start"], data["trans"]
        self._start = dict(zip(STATES, start))
        emit = array("d")
        emit.frombytes(data["emit"])
        width = _HAN_LAST - _HAN_FIRST + 1
        self._emit = {y: emit[i * width:(i + 1) * width] for i, y in enumerate(STATES)}

    # ------------------------------------------------------------ the dictionary route
    def _route(self, s: str, suffixes: Optional[dict] = None) -> tuple[list, list]:
        """jieba's get_DAG + calc: per position the best log P of the rest and where its first
        word ends (ties go to the longer word, as jieba's max over (logp, end) does).

        suffixes: {text: its best log P} of texts seen before, read and filled here: a suffix of s
        found there is not routed again (texts that end alike share it). Its ends are then left
        unset: only best_logp passes it."""
        n = len(s)
        best = [0.0] * (n + 1)
        ends = list(range(1, n + 2))
        logp, prefixes, max_len, unknown = self._logp, self._prefixes, self._max_len, self._unknown
        for k in range(n - 1, -1, -1):
            if suffixes is not None:
                got = suffixes.get(s[k:])
                if got is not None:
                    best[k] = got
                    continue
            b = None
            for word, key in prefixes(s[k:k + max_len]):
                e = k + len(word)
                p = logp[key] + best[e]
                if b is None or p >= b:
                    b, x = p, e
            if b is None:
                best[k] = unknown + best[k + 1]
            else:
                best[k], ends[k] = b, x
            if suffixes is not None:
                suffixes[s[k:]] = best[k]
        return best, ends

    def best_logp(self, s: str, suffixes: Optional[dict] = None) -> float:
        """log P of jieba's best dictionary segmentation of s (its route[0][0]); suffixes: see _route."""
        return self._route(s, suffixes)[0][0]

    # ------------------------------------------------------------ cutting
    def cut(self, text: str, hmm: bool = True) -> list[str]:
        """The words of ``jieba.Tokenizer.cut(text, HMM=hmm)``."""
        out: list[str] = []
        cut_block = self._cut_hmm if hmm else self._cut_no_hmm
        for blk in _BLOCK.split(text):
            if not blk:
                continue
            if _BLOCK.match(blk):
                cut_block(blk, out)
            else:
                for x in _SPACE.split(blk):
                    if _SPACE.match(x):
                        out.append(x)
                    else:
                        out.extend(x)
        return out

    def _cut_no_hmm(self, s: str, out: list) -> None:
        ends = self._route(s)[1]
        x, n, buf = 0, len(s), ""
        while x < n:
            y = ends[x]
            word = s[x:y]
            if y - x == 1 and _ENG.match(word):
                buf += word
            else:
                if buf:
                    out.append(buf)
                    buf = ""
                out.append(word)
            x = y
        if buf:
            out.append(buf)

    def _cut_hmm(self, s: str, out: list) -> None:
        ends = self._route(s)[1]
        x, n, buf = 0, len(s), ""
        while x < n:
            y = ends[x]
            if y - x == 1:
                buf += s[x]
            else:
                if buf:
                    self._flush(buf, out)
                    buf = ""
                out.append(s[x:y])
            x = y
        if buf:
            self._flush(buf, out)

    def _flush(self, buf: str, out: list) -> None:
        """A run of single characters: itself, its characters when it is a word, else the HMM's words."""
        if len(buf) == 1:
            out.append(buf)
        elif buf in self._trie:  # a word (the trie holds the words of frequency > 0)
            out.extend(buf)
        else:
            self._hmm(buf, out)

    def _hmm(self, s: str, out: list) -> None:
        """jieba.finalseg.cut."""
        for blk in _HMM_HAN.split(s):
            if _HMM_HAN.match(blk):
                for word in self._viterbi_words(blk):
                    if word in self._force_split:
                        out.extend(word)
                    else:
                        out.append(word)
            else:
                out.extend(x for x in _HMM_SKIP.split(blk) if x)

    def _viterbi_words(self, s: str) -> list[str]:
        """finalseg's viterbi and __cut: the same sums in the same order and the same max over
        (prob, state) tuples; back-pointers instead of its copied paths."""
        emit, trans = self._emit, self._trans
        c = ord(s[0]) - _HAN_FIRST
        v = {y: self._start[y] + emit[y][c] for y in STATES}
        back = []  # per character after the first: each state's best predecessor
        for ch in s[1:]:
            c = ord(ch) - _HAN_FIRST
            now, came_from = {}, {}
            for y, p, q in _PREVIOUS:
                em = emit[y][c]
                now[y], came_from[y] = max((v[p] + trans[p + y] + em, p), (v[q] + trans[q + y] + em, q))
            back.append(came_from)
            v = now
        state = max((v["E"], "E"), (v["S"], "S"))[1]
        tags = [state]
        for came_from in reversed(back):
            state = came_from[state]
            tags.append(state)
        tags.reverse()
        words, begin, nexti = [], 0, 0
        for i, pos in enumerate(tags):
            if pos == "B":
                begin = i
            elif pos == "E":
                words.append(s[begin:i + 1])
                nexti = i + 1
            elif pos == "S":
                words.append(s[i])
                nexti = i + 1
        if nexti < len(s):
            words.append(s[nexti:])
        return words


# ---------------------------------------------------------------- building and caching
def _lexicon_lines() -> list[str]:
    path = model_path("lexicons", "domain.txt")
    return [line for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def _jieba_dir() -> str:
    """jieba's package folder, found without importing jieba."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("zhreport needs jieba (its dictionary and HMM tables): pip install jieba")
    return list(spec.submodule_search_locations)[0]


def _cache_key(lines: list[str]) -> str:
    """Changes with jieba's data files (path, size, time), the lexicon's content, this file format
    and marshal's."""
    h = hashlib.sha256(f"{FORMAT} {marshal.version}\n".encode())
    base = _jieba_dir()
    for name in _JIEBA_DATA:
        st = os.stat(os.path.join(base, name))
        h.update(f"{name} {st.st_size} {st.st_mtime_ns}\n".encode())
    h.update("\n".join(lines).encode("utf-8"))
    return h.hexdigest()[:24]


def _build(lines: list[str]):
    """The trie and data of a Segmenter, from jieba itself: its dictionary with the lexicon added
    (jieba suggests the frequency of a lexicon word without one) and its HMM tables."""
    import io
    import logging
    from math import log

    import jieba
    import marisa_trie
    from jieba import finalseg

    logging.getLogger("jieba").setLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    # what initialize() does, without writing jieba's own cache file (ours replaces it)
    tk.FREQ, tk.total = tk.gen_pfdict(tk.get_dict_file())
    tk.initialized = True
    tk.load_userdict(io.StringIO("\n".join(lines)))
    force_split = []
    for line in lines:  # what add_word hands to finalseg.add_force_split: a lexicon frequency of 0
        word, freq, _tag = jieba.re_userdict.match(line.strip()).groups()
        if freq is not None and int(freq) == 0:
            force_split.append(word)
    words = {w: f for w, f in tk.FREQ.items() if f}
    logtotal = log(tk.total)
    trie = marisa_trie.Trie(words)
    logp = array("d", bytes(8 * len(trie)))
    for word, freq in words.items():
        logp[trie[word]] = log(freq) - logtotal  # jieba's log(FREQ[w]) - logtotal, as jieba rounds it
    width = _HAN_LAST - _HAN_FIRST + 1
    emit = array("d")
    for y in STATES:
        table = finalseg.emit_P[y]
        emit.extend(table.get(chr(_HAN_FIRST + i), MIN_FLOAT) for i in range(width))
    data = {"size": len(trie), "logp": logp.tobytes(), "unknown": log(1) - logtotal,
            "max_len": max(map(len, words)), "force_split": force_split,
            "start": [finalseg.start_P[y] for y in STATES],
            "trans": {a + b: finalseg.trans_P[a].get(b, MIN_FLOAT) for a in STATES for b in STATES},
            "emit": emit.tobytes()}
    return trie, data


def _cache_dir() -> Optional[str]:
    """This user's private cache folder (0700, owned by the user), or None: never the shared temporary
    folder, where another user could leave a file for us to load."""
    import stat

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(base, "zhreport")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        st = os.stat(path)
        if st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) \
                and os.access(path, os.W_OK | os.X_OK):
            return path
    except (OSError, AttributeError):  # read-only home, or no getuid (Windows)
        pass
    return None


def _read(trie_path: str, data_path: str) -> Optional[Segmenter]:
    import marisa_trie

    try:
        with open(data_path, "rb") as f:
            data = marshal.load(f)
        trie = marisa_trie.Trie()
        trie.mmap(trie_path)  # shared by forked workers and by processes, paged in as used
    except Exception:  # missing, or damaged in a way that marshal or marisa reports
        return None
    if not isinstance(data, dict) or data.get("size") != len(trie):
        return None
    return Segmenter(trie, data)


def _write(folder: str, key: str, trie, data: dict) -> None:
    """Each file to a temporary name, then renamed: a concurrent reader or builder sees a whole file
    or none (the data file last: it says the trie is complete)."""
    import tempfile

    for suffix, save in ((".trie", trie.save), (".data", lambda p: _write_bytes(p, marshal.dumps(data)))):
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=suffix)
        os.close(fd)
        try:
            save(tmp)
            os.replace(tmp, os.path.join(folder, f"words-{key}{suffix}"))
        except BaseException:
            os.unlink(tmp)
            raise


def _prune(folder: str) -> None:
    """Keep the files of the last few lexicons (checkouts of other versions may use them), not more."""
    built = sorted((e for e in os.scandir(folder) if e.name.startswith("words-") and e.name.endswith(".data")),
                   key=lambda e: e.stat().st_mtime, reverse=True)
    for entry in built[KEEP_KEYS:]:
        for suffix in (".data", ".trie"):
            os.unlink(entry.path[:-len(".data")] + suffix)


def _write_bytes(path: str, content: bytes) -> None:
    with open(path, "wb") as f:
        f.write(content)


def _load() -> Segmenter:
    lines = _lexicon_lines()
    key = _cache_key(lines)
    folder = _cache_dir()
    if folder is not None:
        paths = os.path.join(folder, f"words-{key}.trie"), os.path.join(folder, f"words-{key}.data")
        found = _read(*paths)
        if found is not None:
            return found
    trie, data = _build(lines)
    if folder is not None:
        try:
            _write(folder, key, trie, data)
            with contextlib.suppress(OSError):  # a file another process removed first
                _prune(folder)
        except OSError:
            pass
        else:
            found = _read(*paths)
            if found is not None:
                return found
    return Segmenter(trie, data)  # no cache folder: built in memory, in every process


_lock = threading.Lock()
_segmenter: Optional[Segmenter] = None


def get_segmenter() -> Segmenter:
    """The shared segmenter (loaded once per process, thread-safe)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                _segmenter = _load()
    return _segmenter


def segment(text: str, start: int = 0, end: Optional[int] = None) -> list[tuple[str, int, int]]:
    """Words of text[start:end] with their (start, end) offsets in `text`."""
    end = len(text) if end is None else end
    out = []
    pos = start
    for word in _words(text[start:end]):
        out.append((word, pos, pos + len(word)))
        pos += len(word)
    return out


@lru_cache(maxsize=8192)
def _words(clause: str) -> tuple[str, ...]:
    # a clause is often segmented more than once (what stands before a number and after it)
    return tuple(get_segmenter().cut(clause))
