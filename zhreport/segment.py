"""Word segmentation: jieba's words (its dictionary and HMM, plus the domain lexicon of
``models/lexicons/domain.txt``) from a dictionary that loads in milliseconds.

The algorithm is jieba 0.42's ``Tokenizer.cut`` (accurate mode), step for step: blocks split by
jieba's patterns, a maximum log-probability route over the dictionary's words, and for runs of
single characters that are no word, the Viterbi decoding of ``jieba.finalseg``. Only the storage
differs: the words are a trie laid out flat (see _flat_trie), its per-node arrays memory-mapped
(shared by forked workers and by processes), and the HMM's tables are flat arrays over the Han
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
import sys
import threading
from array import array
from functools import lru_cache
from typing import Optional

from .resources import model_path

FORMAT = 3  # of the cached files; a change of layout bumps it
KEEP_KEYS = 3  # cached dictionaries kept (of different lexicons or jieba installs)
# jieba's patterns (jieba/__init__.py: re_han_default, re_skip_default, re_eng; finalseg: re_han, re_skip)
_BLOCK = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)")
_SPACE = re.compile("(\r\n|\\s)")
_ENG = re.compile("[a-zA-Z0-9]")
_HMM_HAN = re.compile("([\u4E00-\u9FD5]+)")
_HMM_SKIP = re.compile("([a-zA-Z0-9]+(?:\\.\\d+)?%?)")
_HAN_FIRST, _HAN_LAST = 0x4E00, 0x9FD5  # the characters the HMM ever sees
MIN_FLOAT = -3.14e100  # jieba.finalseg's score of what its tables lack
NOT_A_WORD = float("-inf")  # the log P of a trie node that only begins words
STATES = "BMES"
_STATE_INDEX = {y: i for i, y in enumerate(STATES)}
_JIEBA_DATA = ("dict.txt", "finalseg/prob_start.py", "finalseg/prob_trans.py", "finalseg/prob_emit.py")


class Segmenter:
    """jieba's dictionary and HMM in compact form; `cut` gives what ``jieba.Tokenizer.cut`` gives."""

    def __init__(self, data: dict, arrays, chars: str):
        """arrays, chars: the trie's (see _flat_trie); arrays a buffer: the mapped file or bytes."""
        n, roots = data["nodes"], data["roots"]
        arrays = memoryview(arrays)
        self._node_logp = arrays[:8 * n].cast("d")
        self._alone_logp = arrays[8 * n:8 * (n + roots)].cast("d")
        at = 8 * (n + roots) + 4 * (n + 1)
        self._first_child = arrays[8 * (n + roots):at].cast("I")
        self._root_at = arrays[at:].cast("i")
        self._chars = chars
        self._unknown = data["unknown"]  # log(1) - log(total): a character that is no word
        self._force_split = frozenset(data["force_split"])
        self._start, self._trans = data["start"], data["trans"]  # per state in the order of STATES; {"BE": ...}
        emit = array("d")
        emit.frombytes(data["emit"])
        width = _HAN_LAST - _HAN_FIRST + 1
        self._emit = [emit[i * width:(i + 1) * width] for i in range(len(STATES))]

    # ------------------------------------------------------------ the dictionary route
    def _route(self, s: str, suffixes: Optional[dict] = None) -> tuple[list, list]:
        """jieba's get_DAG + calc: per position the best log P of the rest and where its first
        word ends (ties go to the longer word, as jieba's max over (logp, end) does).

        The words starting at a position are found by walking the trie from its character, one
        step per following character while the characters begin a word (most positions stop at
        the first step: they begin no word of two characters or more).

        suffixes: {text: its best log P} of texts seen before, read and filled here: a suffix of s
        found there is not routed again (texts that end alike share it). Its ends are then left
        unset: only best_logp passes it."""
        n = len(s)
        best = [0.0] * (n + 1)
        ends = list(range(1, n + 2))
        root_at, find, unknown = self._root_at, self._chars.find, self._unknown
        node_logp, alone_logp, first_child = self._node_logp, self._alone_logp, self._first_child
        top = len(root_at)
        k = n
        following = "\n"  # the character after position k: at the end, one no word holds (words are lines' parts)
        memo = suffixes is not None
        chars = list(s)  # each character once, not a new string at each look
        for ch in reversed(chars):
            k -= 1
            if memo:
                got = suffixes.get(s[k:])
                if got is not None:
                    best[k] = got
                    following = ch
                    continue
            code = ord(ch)
            root = root_at[code] if code < top else -1
            if root < 0:  # no word starts here
                best[k] = unknown + best[k + 1]
            else:
                node = find(following, first_child[root], first_child[root + 1])
                if node < 0:  # no word of two characters or more starts here
                    best[k] = alone_logp[root] + best[k + 1]
                else:
                    # a tie goes to the longer word: the character alone replaces the pair only when
                    # better, a longer word the best so far when as good; NOT_A_WORD loses to any word
                    b, x = node_logp[node] + best[k + 2], k + 2
                    p = node_logp[root] + best[k + 1]
                    if p > b:
                        b, x = p, k + 1
                    e = k + 2
                    while e < n:
                        node = find(chars[e], first_child[node], first_child[node + 1])
                        if node < 0:
                            break
                        e += 1
                        p = node_logp[node] + best[e]
                        if p >= b:
                            b, x = p, e
                    if b == NOT_A_WORD:  # the characters only begin words: the character alone
                        b, x = unknown + best[k + 1], k + 1
                    best[k] = b
                    ends[k] = x
            if memo:
                suffixes[s[k:]] = best[k]
            following = ch
        return best, ends

    def best_logp(self, s: str, suffixes: Optional[dict] = None) -> float:
        """log P of jieba's best dictionary segmentation of s (its route[0][0]); suffixes: see _route."""
        return self._route(s, suffixes)[0][0]

    def _is_word(self, s: str) -> bool:
        """s (two characters or more) is a word of the dictionary."""
        code = ord(s[0])
        node = self._root_at[code] if code < len(self._root_at) else -1
        find, first_child = self._chars.find, self._first_child
        for ch in s[1:]:
            if node < 0:
                return False
            node = find(ch, first_child[node], first_child[node + 1])
        return node >= 0 and self._node_logp[node] != NOT_A_WORD

    # ------------------------------------------------------------ cutting
    def cut(self, text: str, hmm: bool = True) -> list[str]:
        """The words of ``jieba.Tokenizer.cut(text, HMM=hmm)``."""
        out: list[str] = []
        cut_block = self._cut_hmm if hmm else self._cut_no_hmm
        # split by a pattern with a group: the blocks at the odd places, what lies between at the even
        for i, piece in enumerate(_BLOCK.split(text)):
            if i % 2:
                cut_block(piece, out)
            elif piece:
                for j, x in enumerate(_SPACE.split(piece)):
                    if j % 2:
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
        x, n = 0, len(s)
        run = 0  # where the run of single characters before x begins
        while x < n:
            y = ends[x]
            if y - x > 1:
                if run < x:
                    self._flush(s[run:x], out)
                out.append(s[x:y])
                run = y
            x = y
        if run < n:
            self._flush(s[run:], out)

    def _flush(self, run: str, out: list) -> None:
        """A run of single characters: itself, its characters when it is a word, else the HMM's words."""
        if len(run) == 1:
            out.append(run)
        elif self._is_word(run):  # of frequency > 0
            out.extend(run)
        else:
            self._hmm(run, out)

    def _hmm(self, s: str, out: list) -> None:
        """jieba.finalseg.cut."""
        force_split = self._force_split
        for i, piece in enumerate(_HMM_HAN.split(s)):  # Han runs at the odd places
            if i % 2:
                for word in self._viterbi_words(piece):
                    if force_split and word in force_split:
                        out.extend(word)
                    else:
                        out.append(word)
            elif piece:
                out.extend(x for x in _HMM_SKIP.split(piece) if x)

    def _viterbi_words(self, s: str) -> list[str]:
        """finalseg's viterbi and __cut: the same sums in the same order, and the same choice as its
        max over (prob, state) tuples (a tie goes to the later state letter); back-pointers instead
        of its copied paths. The four states unrolled: B follows E or S, M follows M or B, E follows
        B or M, S follows S or E."""
        emit_b, emit_m, emit_e, emit_s = self._emit
        t = self._trans
        eb, sb, mm, bm, be, me, ss, es = t["EB"], t["SB"], t["MM"], t["BM"], t["BE"], t["ME"], t["SS"], t["ES"]
        codes = [ord(ch) - _HAN_FIRST for ch in s]
        c = codes[0]
        start_b, start_m, start_e, start_s = self._start
        vb, ve, vm, vs = start_b + emit_b[c], start_e + emit_e[c], start_m + emit_m[c], start_s + emit_s[c]
        back = []  # per character after the first: the state each state came from, in the order of STATES
        for c in codes[1:]:
            em = emit_b[c]
            p, q = ve + eb + em, vs + sb + em
            nb, fb = (p, "E") if p > q else (q, "S")
            em = emit_m[c]
            p, q = vm + mm + em, vb + bm + em
            nm, fm = (p, "M") if p >= q else (q, "B")
            em = emit_e[c]
            p, q = vb + be + em, vm + me + em
            ne, fe = (p, "B") if p > q else (q, "M")
            em = emit_s[c]
            p, q = vs + ss + em, ve + es + em
            vs, fs = (p, "S") if p >= q else (q, "E")
            vb, vm, ve = nb, nm, ne
            back.append((fb, fm, fe, fs))
        state = "E" if ve > vs else "S"
        tags = [state]
        for came_from in reversed(back):
            state = came_from[_STATE_INDEX[state]]
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
    """Changes with jieba's data files (path, size, time), the lexicon's content, this file format,
    marshal's and the byte order (of the mapped arrays)."""
    h = hashlib.sha256(f"{FORMAT} {marshal.version} {sys.byteorder}\n".encode())
    base = _jieba_dir()
    for name in _JIEBA_DATA:
        st = os.stat(os.path.join(base, name))
        h.update(f"{name} {st.st_size} {st.st_mtime_ns}\n".encode())
    h.update("\n".join(lines).encode("utf-8"))
    return h.hexdigest()[:24]


def _build(lines: list[str]) -> tuple[dict, array, array]:
    """The data and node arrays of a Segmenter, from jieba itself: its dictionary with the lexicon
    added (jieba suggests the frequency of a lexicon word without one) and its HMM tables."""
    import io
    import logging
    from math import log

    import jieba
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
    logtotal = log(tk.total)
    # jieba's log(FREQ[w]) - logtotal, as jieba rounds it, of the words of frequency > 0
    words = {w: log(f) - logtotal for w, f in tk.FREQ.items() if f}
    unknown = log(1) - logtotal
    arrays, chars, roots = _flat_trie(words, unknown)
    width = _HAN_LAST - _HAN_FIRST + 1
    emit = array("d")
    for y in STATES:
        table = finalseg.emit_P[y]
        emit.extend(table.get(chr(_HAN_FIRST + i), MIN_FLOAT) for i in range(width))
    data = {"nodes": len(chars), "roots": roots, "arrays": len(arrays), "unknown": unknown,
            "force_split": force_split,
            "start": [finalseg.start_P[y] for y in STATES],
            "trans": {a + b: finalseg.trans_P[a].get(b, MIN_FLOAT) for a in STATES for b in STATES},
            "emit": emit.tobytes()}
    return data, arrays, chars


def _flat_trie(words: dict, unknown: float) -> tuple[bytes, str, int]:
    """The words' trie, laid out for a walk of one str.find per step: its arrays as bytes to map, its
    characters, and the number of its roots. Each node is a beginning of words, numbered breadth
    first from the roots (the first characters of words): one length after the other, each in
    sorted order, so that a node's children are consecutive. The arrays, one after the other, are
    node_logp (the log P of the word a node ends, NOT_A_WORD when it only begins longer words),
    alone_logp (per root: the log P of its character as the route scores it alone, the word's or
    `unknown`), first_child (the children of node v are v's numbers first_child[v] to
    first_child[v + 1]) and root_at (per code point up to the last root's: its root's number, or -1);
    chars is the last character of each node: the children of v are the characters
    chars[first_child[v]:first_child[v + 1]], found by str.find."""
    from collections import Counter
    from itertools import accumulate, chain, repeat
    from operator import itemgetter

    parent = itemgetter(slice(None, -1))
    longest = max(map(len, words))
    by_size: list = [[] for _ in range(longest + 2)]
    for word in words:
        by_size[len(word)].append(word)
    levels: list = [[] for _ in range(longest + 2)]  # the nodes of each length, sorted
    for size in range(longest, 0, -1):
        levels[size] = sorted(set(by_size[size]).union(map(parent, levels[size + 1])))
    first_child = array("I")
    start = len(levels[1])  # the number of the first node one character longer
    for size in range(1, longest + 1):
        children = Counter(map(parent, levels[size + 1]))
        first_child.extend(list(accumulate(map(children.get, levels[size], repeat(0)), initial=start))[:-1])
        start += len(levels[size + 1])
    first_child.append(start)
    nodes = list(chain.from_iterable(levels))
    roots = levels[1]
    node_logp = array("d", map(words.get, nodes, repeat(NOT_A_WORD)))
    alone_logp = array("d", map(words.get, roots, repeat(unknown)))
    root_at = array("i", [-1]) * (ord(roots[-1]) + 1)
    for number, ch in enumerate(roots):
        root_at[ord(ch)] = number
    chars = "".join(map(itemgetter(-1), nodes))
    return node_logp.tobytes() + alone_logp.tobytes() + first_child.tobytes() + root_at.tobytes(), chars, len(roots)


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


def _read(nodes_path: str, data_path: str, words: list[str]) -> Optional[Segmenter]:
    """The segmenter of the cached files, or None (then it is built again). The nodes file: the
    trie's arrays, mapped (shared by forked workers and by processes, paged in as used), then its
    characters in UTF-32, read. A file of the right size with wrong content (zeros after a crash)
    is told by `words`, the lexicon's: each must be a word of the trie."""
    import mmap

    try:
        with open(data_path, "rb") as f:
            data = marshal.load(f)
        n, size = data["nodes"], data["arrays"]
        with open(nodes_path, "rb") as f:
            if os.fstat(f.fileno()).st_size != size + 4 * n:
                return None
            arrays = mmap.mmap(f.fileno(), size, access=mmap.ACCESS_READ)
            f.seek(size)
            chars = f.read().decode("utf-32-le")
        found = Segmenter(data, arrays, chars)
        if all(found._is_word(w) for w in words):
            return found
    except Exception:  # missing, or damaged in a way that marshal, mmap, the decoder or a lookup reports
        pass
    return None


def _write(folder: str, key: str, data: dict, arrays: bytes, chars: str) -> None:
    """Each file to a temporary name, then renamed: a concurrent reader or builder sees a whole file
    or none (the data file last: it says the nodes are complete)."""
    import tempfile

    for suffix, content in ((".nodes", arrays + chars.encode("utf-32-le")), (".data", marshal.dumps(data))):
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=suffix)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(content)
                f.flush()
                os.fsync(f.fileno())  # on disk before its name is: a crash leaves no named file of zeros
            os.replace(tmp, os.path.join(folder, f"words-{key}{suffix}"))
        except BaseException:
            os.unlink(tmp)
            raise


def _prune(folder: str) -> None:
    """Keep the files of the last few lexicons (checkouts of other versions may use them), not more,
    whatever their format's files."""
    built = sorted((e for e in os.scandir(folder) if e.name.startswith("words-") and e.name.endswith(".data")),
                   key=lambda e: e.stat().st_mtime, reverse=True)
    old = {e.name[:-len(".data")] for e in built[KEEP_KEYS:]}
    for entry in os.scandir(folder):
        if entry.name.split(".")[0] in old:
            os.unlink(entry.path)


def _load() -> Segmenter:
    lines = _lexicon_lines()
    key = _cache_key(lines)
    folder = _cache_dir()
    words = [w for w in (line.split()[0] for line in lines) if len(w) > 1]
    if folder is not None:
        paths = os.path.join(folder, f"words-{key}.nodes"), os.path.join(folder, f"words-{key}.data")
        found = _read(*paths, words)
        if found is not None:
            return found
    built = _build(lines)
    if folder is not None:
        try:
            _write(folder, key, *built)
            with contextlib.suppress(OSError):  # a file another process removed first
                _prune(folder)
        except OSError:
            pass
        else:
            found = _read(*paths, words)
            if found is not None:
                return found
    return Segmenter(*built)  # no cache folder: built in memory, in every process


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
    for word in words(text[start:end]):
        out.append((word, pos, pos + len(word)))
        pos += len(word)
    return out


@lru_cache(maxsize=8192)
def words(clause: str) -> tuple[str, ...]:
    """The words of `clause` (``Segmenter.cut``), remembered: a clause is often segmented more than
    once (what stands before a number and after it); they join to the clause."""
    return tuple(get_segmenter().cut(clause))
