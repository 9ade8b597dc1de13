"""Repair GBK byte-misalignment mojibake ("?。ǘ┩ㄟ^不同" for "（二）通过不同").

How the damage arises (see the project's artifacts notes): a mirror site encoded
the page to GBK, cut the byte stream before every byte pair equal to 。！？， —
also where such a pair straddles two characters — and decoded each piece on its
own. At a false cut the piece before ends with a dangling lead byte (printed '?')
and the piece after is read one byte out of step, giving symbols, rare characters
and dropped (unmapped) pairs until a single-byte unit brings it back in step.

Repair re-encodes the damaged run, puts back the lost lead byte, and searches the
original characters consistent with the bytes (a beam over the alignments: dropped
pairs, swallowed ASCII bytes, full-width characters folded to ASCII). Candidates
are ranked by a character bigram model with the document's own text as a cache;
the best is applied only when it re-damages to exactly the input and beats the
runner-up by a clear margin. Otherwise the run is reported, not guessed.
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import regex

from .lm import CharLM

__all__ = ["find_runs", "repair_mojibake", "damage_text"]

# the byte pairs the mirror cut before, as they appear after full-width folding
PUNCT_BYTES = {"。": (0xA1, 0xA3), "!": (0xA3, 0xA1), "！": (0xA3, 0xA1), "?": (0xA3, 0xBF),
               "？": (0xA3, 0xBF), ",": (0xA3, 0xAC), "，": (0xA3, 0xAC)}
SPLIT_PATTERNS = (b"\xa1\xa3", b"\xa3\xa1", b"\xa3\xbf", b"\xa3\xac")
_RUN_START = regex.compile(r"[?\ufffd](?=[。!！?？,，])")


_NUMBERING = regex.compile(r"^[\u3000 ]*[（(][一二三四五六七八九十]{1,3}[）)]")
_HAN_RUN = regex.compile(r"[\u4e00-\u9fff]+|.", regex.S)


def word_score(text: str) -> float:
    """log P of the best jieba segmentation of the Han runs of `text`, plus punctuation costs."""
    from ..segment import get_tokenizer
    from .convert import to_simplified
    from .lm import _punct_logp, _simp

    tk = get_tokenizer()
    total = 0.0
    for m in _HAN_RUN.finditer(text):
        seg = m.group()
        if "\u4e00" <= seg[0] <= "\u9fff":
            s = to_simplified(seg)
            dag = tk.get_DAG(s)
            route: dict = {}
            tk.calc(s, dag, route)
            total += route[0][0]
        else:
            total += _punct_logp(_simp(seg))
    return total


@lru_cache(maxsize=None)
def gbk_pair(a: int, b: int) -> Optional[str]:
    try:
        return bytes((a, b)).decode("gbk")
    except UnicodeDecodeError:
        return None


@lru_cache(maxsize=1)
def _tables():
    """The GBK characters a report can hold, by lead byte and by trail byte: (other byte, char)."""
    by_lead: dict[int, list[tuple[int, str]]] = {}
    by_trail: dict[int, list[tuple[int, str]]] = {}
    trails = [t for t in range(0x40, 0xFF) if t != 0x7F]
    for a in range(0x81, 0xFF):
        for b in trails:
            ch = gbk_pair(a, b)
            if ch is not None and _plausible(ch):
                by_lead.setdefault(a, []).append((b, ch))
                by_trail.setdefault(b, []).append((a, ch))
    return by_lead, by_trail


def _plausible(ch: str) -> bool:
    """Characters an original report can hold: Han, CJK/full-width punctuation, a few symbols."""
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F
            or (0xFF01 <= o <= 0xFF5E and not ("Ａ" <= ch <= "Ｚ" or "ａ" <= ch <= "ｚ"))
            or ch in "“”‘’—…·")


# ---------------------------------------------------------------- forward model (for verification)
def _decode_piece(b: bytes) -> str:
    out = []
    i, n = 0, len(b)
    while i < n:
        c = b[i]
        if c < 0x80:
            out.append(chr(c)); i += 1; continue
        if c in (0x80, 0xFF) or i + 1 >= n:
            out.append("?"); i += 1; continue
        d = b[i + 1]
        if d < 0x21:
            out.append("?"); i += 1; continue
        if 0x21 <= d <= 0x3F or d in (0x7F, 0xFF):
            out.append("?"); i += 2; continue
        ch = gbk_pair(c, d)
        if ch is not None:
            out.append(ch)
        i += 2
    return "".join(out)


def _fold(s: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else (" " if c == "\u3000" else c)
                   for c in s)


def damage_text(text: str, fold: bool = True) -> str:
    """The mirror's damage applied to (traditional, annotated) text: cut, decode, fold."""
    b = text.encode("gbk", errors="replace")
    cuts = sorted({i for p in SPLIT_PATTERNS for i in range(len(b) - 1) if b.startswith(p, i)})
    pieces, prev = [], 0
    for k in cuts:
        pieces.append(b[prev:k])
        prev = k
    pieces.append(b[prev:])
    s = "".join(_decode_piece(p) for p in pieces)
    return _fold(s) if fold else s


# ---------------------------------------------------------------- search
#
# The out-of-step decoder read the pairs (T_j, L_j+1) of the original characters
# (L_j, T_j). A damaged character shows one such pair; a pair with no mapping was
# dropped and shows nothing. So the original character between two shown pairs
# (p1, q1) and (p2, q2) is (q1, p2) when nothing was dropped between them, and a
# chain (q1, u1) (v1, u2) ... (vj, p2) with every (u, v) unmapped when j pairs were.
# The search is a beam over the damaged characters whose states are (pending lead
# byte, last original character), so hypotheses that agree on both are merged;
# chains of dropped pairs are expanded layer by layer, each layer keeping only the
# characters the page can plausibly hold.

MAX_UNITS = 16  # damaged characters read before a run is given up
MAX_DROPS = 5  # dropped pairs in one run
MAX_CHAIN = 2  # dropped pairs in a row
BEAM = 24  # states kept after each damaged character
PATHS = 3  # restorations kept per state
FIRST_N, MIDDLE_N, FINAL_N, ROW_N = 10, 16, 24, 24  # characters tried per layer
ENTRY_N = 5  # states of a beam step that may open a chain of dropped pairs
ANY_N = 100  # characters tried for a last character whose trail byte is lost
RERANK = 60  # complete candidates re-ranked with jieba's word model
MAX_SEARCHED_RUNS = 120  # runs of one document searched; later ones are only reported
CACHE_CHARS = 400_000  # characters of the page the document cache learns from
INDENT_BONUS = 15.0  # a false cut at a line start is '　（' = A1[A1 A3]A8: the indentation


@lru_cache(maxsize=8192)
def _units(d: str) -> tuple:
    """How the out-of-step decoder can have produced damaged character d."""
    out = []
    if d in ("?", "\ufffd"):
        out.append(("invalid", ()))
        out.append(("pair", (0xA3, 0xBF)))  # a full-width ？ folded to '?'
        return tuple(out)
    if d.isascii() and d.isprintable():
        out.append(("single", (ord(d),)))
        fw = "\u3000" if d == " " else chr(ord(d) + 0xFEE0)
        try:
            b = fw.encode("gbk")
            if len(b) == 2:
                out.append(("pair", tuple(b)))
        except UnicodeEncodeError:
            pass
        return tuple(out)
    try:
        b = d.encode("gbk")
    except UnicodeEncodeError:
        return tuple(out)
    if len(b) == 2:
        out.append(("pair", tuple(b)))
    return tuple(out)


_PINYIN_NEXT = regex.compile(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)")
_SWALLOWED = "()0123456789,.:;-/%"


_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


@lru_cache(maxsize=1)
def _unmapped_flags() -> bytearray:
    """flags[a * 256 + b] == 1 when (a, b) is a well-formed GBK pair with no character."""
    flags = bytearray(65536)
    for a in range(0x81, 0xFF):
        for b in range(0x40, 0xFF):
            if b != 0x7F and gbk_pair(a, b) is None:
                flags[a * 256 + b] = 1
    return flags


@lru_cache(maxsize=1)
def _drop_first() -> frozenset:
    """Bytes that can open a dropped pair whose second byte is a lead byte."""
    f = _unmapped_flags()
    return frozenset(u for u in range(0x81, 0xFF) if any(f[u * 256 + v] for v in range(0x81, 0xFF)))


@lru_cache(maxsize=None)
def _read_as(syllable: str) -> tuple:
    """(lead, trail, char) of the GBK characters that `syllable` (toned or toneless) can be
    a reading of: a pinyin annotation after a run names the character before it."""
    from .fixes import _plain, is_reading

    return tuple(x for x in _reading_index().get(_plain(syllable), ()) if is_reading(x[2], syllable))


@lru_cache(maxsize=1)
def _reading_index() -> dict:
    """Toneless syllable -> (lead, trail, char) of the GBK Han characters it is a reading of."""
    from pypinyin.pinyin_dict import pinyin_dict

    from .fixes import _plain

    by_lead, _ = _tables()
    index: dict = {}
    for lead, row in by_lead.items():
        for t, c in row:
            for syl in set(pinyin_dict.get(ord(c), "").split(",")) - {""}:
                index.setdefault(_plain(syl), []).append((lead, t, c))
    return index


@lru_cache(maxsize=None)
def _base_weight(ch: str, script: str) -> float:
    """How likely a report holds ch, before looking at the page: log count, script penalty."""
    from .lm import _base, _script_penalty, _simp

    return math.log(_base()[0].get(_simp(ch), 0) + 1) + _script_penalty(script, ch)


def _layer_items(kind: str, arg: int, trail: Optional[int], by_lead: dict, by_trail: dict) -> list:
    """The items a layer may try, from a character table by lead and by trail byte."""
    f, df = _unmapped_flags(), _drop_first()
    if kind == "row":  # (trail, char) of lead arg's row, trail >= 0x81 (a dangling trail byte)
        return [(t, c) for t, c in by_lead.get(arg, ()) if t >= 0x81]
    if kind == "first":  # (u, char) of lead arg's row whose trail u can open a dropped pair
        return [(t, c) for t, c in by_lead.get(arg, ()) if t in df]
    if kind == "middle":  # (v, u2, char) after a dropped (arg, v) that can open another drop
        return [(v, t, c) for v in range(0x81, 0xFF) if f[arg * 256 + v]
                for t, c in by_lead.get(v, ()) if t in df]
    if trail is None:  # final, trail lost: (v, char) after a dropped (arg, v)
        return [(v, c) for v in range(0x81, 0xFF) if f[arg * 256 + v]
                for t, c in by_lead.get(v, ()) if t >= 0x81]
    # final: (v, char) = (v, trail) after a dropped (arg, v)
    return [(v, c) for v, c in by_trail.get(trail, ()) if f[arg * 256 + v]]


@lru_cache(maxsize=None)
def _global_top(kind: str, arg: int, trail: Optional[int], script: str, n: int) -> tuple:
    """The n likeliest items of a layer, by base weight (shared by all pages of a script)."""
    items = _layer_items(kind, arg, trail, *_tables())
    return tuple(heapq.nlargest(n, items, key=lambda it: _base_weight(it[-1], script)))


class _Layers:
    """The characters a layer of the search may try, likeliest first, for one page: the
    process-wide lists plus the page's own characters that fit."""

    def __init__(self, lm: CharLM):
        self.lm = lm
        self._memo: dict = {}
        # the page's characters, as _tables() holds the code table's
        self._doc_by_lead: dict = {}
        self._doc_by_trail: dict = {}
        for c in sorted(lm.doc_chars):
            try:
                b = c.encode("gbk")
            except UnicodeEncodeError:
                continue
            if len(b) == 2 and _plausible(c):
                self._doc_by_lead.setdefault(b[0], []).append((b[1], c))
                self._doc_by_trail.setdefault(b[1], []).append((b[0], c))

    def weight(self, ch: str) -> float:
        from .lm import _script_penalty, _simp

        s = _simp(ch)
        n = self.lm.uni.get(s, 0) + self.lm.cache_uni.get(s, 0) * self.lm.cache_weight
        return math.log(n + 1) + _script_penalty(self.lm.script, ch)

    def _top(self, kind: str, arg: int, trail: Optional[int], n: int) -> tuple:
        key = (kind, arg, trail)
        got = self._memo.get(key)
        if got is None:
            items = set(_global_top(kind, arg, trail, self.lm.script, n))
            items.update(_layer_items(kind, arg, trail, self._doc_by_lead, self._doc_by_trail))
            got = self._memo[key] = tuple(heapq.nlargest(n, items, key=lambda it: self.weight(it[-1])))
        return got

    def row(self, lead: int, reading: Optional[str] = None) -> tuple:
        if reading is None:
            return self._top("row", lead, None, ROW_N)
        return tuple((t, c) for ld, t, c in _read_as(reading) if ld == lead and t >= 0x81)

    def first(self, lead: int) -> tuple:
        return self._top("first", lead, None, FIRST_N)

    def middle(self, u: int) -> tuple:
        return self._top("middle", u, None, MIDDLE_N)

    def final(self, u: int, trail: Optional[int], reading: Optional[str] = None) -> tuple:
        if reading is not None:  # trail lost, but the page's pinyin names the character
            f = _unmapped_flags()
            return tuple((ld, c) for ld, t, c in _read_as(reading) if f[u * 256 + ld] and t >= 0x81)
        return self._top("final", u, trail, FINAL_N if trail is not None else ANY_N)


# A path is a tuple (key, score, chars, drops): the restoration so far, its model score,
# the dropped pairs it assumed, and key = score + per_char * len(chars), the score used for
# pruning: paths that read the same damaged text but restore different numbers of
# characters are compared as the final ranking compares them.


def _path(score: float, chars: str, drops: int) -> tuple:
    return (score + WEIGHTS.per_char * len(chars), score, chars, drops)


def _merge(paths: list, more: list) -> list:
    """The PATHS best of two lists of paths, one per restoration."""
    got = {p[2]: p for p in paths}
    for p in more:
        q = got.get(p[2])
        if q is None or p[1] > q[1]:
            got[p[2]] = p
    return heapq.nlargest(PATHS, got.values())


def _extend(paths: list, ch: str, cost: float, drops: int = 0) -> list:
    bonus = cost + WEIGHTS.per_char * len(ch)
    return [(p[0] + bonus, p[1] + cost, p[2] + ch, p[3] + drops) for p in paths]


def _best_states(group: dict) -> list:
    """The ENTRY_N states of a group (last character -> paths) with the best paths."""
    return heapq.nlargest(ENTRY_N, group.items(), key=lambda kv: kv[1][0][0])


def _chains(layers: _Layers, lm: CharLM, pi: int, group: dict, trail: Optional[int],
            reading: Optional[str] = None) -> list:
    """Paths that end in a chain of 1..MAX_CHAIN dropped pairs and a character (v, trail).

    group: {last character: [paths]} of the states whose pending lead is pi.
    Returns (char, [paths]) with the chain's characters appended. A node keeps the
    best paths of several histories: the chain's own cost does not depend on them.
    """
    step = lm.step
    memo = lm._steps
    # layer 0: (pi, u1), entered from the best states of the group
    entering = [(last, [p for p in paths if p[3] < MAX_DROPS]) for last, paths in _best_states(group)]
    layer: dict = {}  # (trail byte, char) -> paths ending in that char, before a dropped pair
    for u1, c1 in layers.first(pi):
        node: list = []
        for last, ok in entering:
            if ok:
                node = _merge(node, _extend(ok, c1, step(last, c1), 1))
        if node:
            layer[(u1, c1)] = node
    out: list = []
    flags = _unmapped_flags()
    for depth in range(1, MAX_CHAIN + 1):
        if not layer:
            break
        finals: dict = {}  # char -> (key of its best path, the node it came from, cost)
        for (u, c), node in layer.items():
            top = node[0][0]
            for _v, cf in layers.final(u, trail, reading):
                cost = memo.get(c + cf)
                sc = top + (cost if cost is not None else step(c, cf))
                got = finals.get(cf)
                if got is None or sc > got[0]:
                    finals[cf] = (sc, node, sc - top)
        out.extend((cf, _extend(node, cf, cost)) for cf, (_sc, node, cost) in finals.items())
        if depth == MAX_CHAIN:
            break
        nxt: dict = {}
        for (u, c), node in layer.items():
            ok = [p for p in node if p[3] < MAX_DROPS]
            if not ok:
                continue
            top = ok[0][0]
            row = u * 256
            for v, u2, m in layers.middle(u):
                if not flags[row + v]:
                    continue
                cost = memo.get(c + m)
                sc = top + (cost if cost is not None else step(c, m))
                got = nxt.get((u2, m))
                if got is None or sc > got[0]:
                    nxt[(u2, m)] = (sc, ok, sc - top)
        best = heapq.nlargest(MIDDLE_N, nxt.items(), key=lambda kv: kv[1][0])
        layer = {key: _extend(ok, key[1], cost, 1) for key, (_sc, ok, cost) in best}
    return out


def _add(states: dict, key: tuple, path: tuple) -> None:
    paths = states.get(key)
    if paths is None:
        states[key] = [path]
        return
    for j, p in enumerate(paths):
        if p[2] == path[2]:
            if path[1] > p[1]:
                paths[j] = path
                paths.sort(reverse=True)
            return
    if len(paths) >= PATHS and path <= paths[-1]:
        return
    paths.append(path)
    paths.sort(reverse=True)
    del paths[PATHS:]


def _openings(text: str, i: int, lm: CharLM, left: str) -> list:
    """Seed states for '　（N）' at a line start: the numeral's bytes are often both
    inside dropped pairs, which the open search reaches only through a long chain."""
    out = []
    k0 = i + 2
    for n in _NUMERALS:
        n1, n2 = n.encode("gbk")
        k = k0
        ok = True
        for a, b in ((0xA8, n1), (n2, 0xA3)):  # the pairs read out of step: A8|n1, n2|A3 (of '）')
            ch = gbk_pair(a, b)
            if ch is None:
                continue
            if k < len(text) and _fold(ch) == text[k]:
                k += 1
            else:
                ok = False
                break
        if ok:
            sc = lm.score("\u3000（" + n, left) + INDENT_BONUS
            key, sc, chars, drops = _path(sc, "\u3000（" + n, 0)
            # the numbering's prior (a ranking feature) also keeps the seed through pruning
            out.append((k, 0xA3, n, (key + WEIGHTS.numbering + WEIGHTS.label, sc, chars, drops)))
    return out


def _search(text: str, i: int, lm: CharLM, layers: Optional[_Layers] = None) -> list[Candidate]:
    """Complete candidates for the run whose '?' is at i, best first (not yet verified)."""
    layers = layers or _Layers(lm)
    step = lm.step
    p0, p1 = PUNCT_BYTES[text[i + 1]]
    _by_lead, by_trail = _tables()
    left = text[max(0, i - 3):i]
    at_line_start = i == 0 or text[i - 1] == "\n"
    states: dict = {}
    for _a, ch in by_trail.get(p0, []):
        sc = lm.score(ch, left)
        if at_line_start and ch == "\u3000":
            sc += INDENT_BONUS
        _add(states, (p1, ch), _path(sc, ch, 0))
    seeds: dict = {}
    if at_line_start and (p0, p1) == (0xA1, 0xA3):
        for k, pi, last, path in _openings(text, i, lm, left):
            seeds.setdefault(k, []).append(((pi, last), path))
    done: list = []  # (end, path)
    k = i + 2
    for _step in range(MAX_UNITS):
        for key, path in seeds.pop(k, ()):
            _add(states, key, path)
        if not states or k >= len(text) or text[k] in "\r\n":
            break
        d = text[k]
        end_of_piece = k + 1 >= len(text) or text[k + 1] in "\r\n " or text[k + 1] in PUNCT_BYTES
        groups: dict = {}
        for (pi, last), paths in states.items():
            groups.setdefault(pi, {})[last] = paths
        nxt: dict = {}
        for pi, group in groups.items():
            for kind, b in _units(d):
                if kind == "pair":
                    p, q = b
                    ch = gbk_pair(pi, p)
                    extended = []
                    if ch is not None and _plausible(ch):
                        for last, paths in group.items():
                            extended.append((ch, _extend(paths, ch, step(last, ch))))
                    extended += _chains(layers, lm, pi, group, p)
                    for last, paths in extended:
                        if q >= 0x81:
                            for path in paths:
                                _add(nxt, (q, last), path)
                        elif 0x20 <= q < 0x7F:  # the pair's second byte was ASCII: back in step
                            done.extend((k + 1, path) for path in _extend(paths, chr(q), 0.0))
                elif kind == "single":
                    (a,) = b
                    if not 0x40 <= a <= 0x7E:
                        continue
                    ch = gbk_pair(pi, a)
                    if ch is not None and _plausible(ch):
                        for last, paths in group.items():
                            done.extend((k + 1, path) for path in _extend(paths, ch, step(last, ch)))
                    for _cf, paths in _chains(layers, lm, pi, group, a):
                        done.extend((k + 1, path) for path in paths)
                else:  # '?': the decoder read an original trail byte T as a lead
                    annotation = None if end_of_piece else _PINYIN_NEXT.match(text, k + 1)
                    reading = annotation.group()[:-1] if annotation else None
                    ys = ("",) if end_of_piece else ("(",) if annotation else tuple(_SWALLOWED)
                    for last, paths in _best_states(group):
                        ends = heapq.nlargest(ROW_N, ((step(last, ch) + (step(ch, y) if y else 0.0), ch + y)
                                                      for _t, ch in layers.row(pi, reading) for y in ys))
                        for cost, tail in ends:
                            done.extend((k + 1, path) for path in _extend(paths, tail, cost))
                    # or a chain of dropped pairs came first: the lost trail is the chain's last
                    for cf, paths in _chains(layers, lm, pi, group, None, reading):
                        for y in heapq.nlargest(3, ys, key=lambda y, cf=cf: step(cf, y) if y else 0.0):
                            done.extend((k + 1, path) for path in _extend(paths, y, step(cf, y) if y else 0.0))
        states = dict(heapq.nlargest(BEAM, nxt.items(), key=lambda kv: kv[1][0][0]))
        if len(done) > 4 * RERANK:
            done = heapq.nlargest(2 * RERANK, done, key=lambda ep: ep[1][0])
        k += 1
    best: dict = {}
    context: dict = {}
    for end, path in done:
        last = path[2][-1:]
        extra = context.get((end, last))
        if extra is None:
            after = text[end:end + 2]
            if after and after[0] not in "\r\n":
                extra = lm.score(after, last)
            else:  # the restoration ends the line: table labels and headings do, mid-phrase words do not
                extra = lm.end_of_line(last)
            context[(end, last)] = extra
        key = (path[2], end)
        sc = path[1] + extra
        if key not in best or best[key][1].bigram < sc:
            best[key] = (path[0] + extra, Candidate(i, end, path[2], sc))
    cands = [c for _k, c in heapq.nlargest(RERANK, best.values(), key=lambda kc: kc[0])]
    ctx_l = text[max(0, i - 4):i].split("\n")[-1]
    for c in cands:
        ctx_r = text[c.end:c.end + 4].split("\n")[0]
        c.words = word_score(ctx_l + c.restored + ctx_r)
        c.numbering = at_line_start and bool(_NUMBERING.match(c.restored))
        c.label = at_line_start and _is_form_label(c.restored + text[c.end:text.find("\n", c.end) % (len(text) + 1)])
        c.unbalanced = _unbalanced(text, c)
        c.misread = _misread(text, c)
    return cands


@dataclass
class Candidate:
    start: int  # the '?' of the run
    end: int  # end (exclusive) of the damaged characters the candidate replaces
    restored: str
    bigram: float  # character model, with the context after the run
    words: float = 0.0  # jieba's best segmentation of the window
    numbering: bool = False  # opens with '（一）'-style numbering at a line start
    label: bool = False  # the line it opens is a row label of a statistics form
    unbalanced: int = 0  # brackets the restoration leaves unmatched in its line
    misread: int = 0  # pinyin annotations next to restored characters that are not their readings
    score: float = 0.0
    verified: Optional[bool] = None  # re-damaging it gives back the input (computed when needed)


@dataclass
class Weights:
    """How the evidence is combined (tuned with scripts/tune_mojibake.py on synthetic damage)."""

    bigram: float = 1.0
    words: float = 1.0
    per_char: float = 2.0
    numbering: float = 4.0
    label: float = 10.0
    margin: float = 6.0


WEIGHTS = Weights()


def rank(cands: list[Candidate], w: Weights = WEIGHTS) -> list[Candidate]:
    for c in cands:
        c.score = (w.bigram * c.bigram + w.words * c.words + w.per_char * len(c.restored)
                   + (w.numbering if c.numbering else 0.0) + (w.label if c.label else 0.0))
    return sorted(cands, key=lambda c: -c.score)


_CELL_END = regex.compile(r"\||\t| {2,}|\d")


def _is_form_label(line: str) -> bool:
    """Whether the line's first cell is, once simplified, a row label of one of the forms."""
    from ..forms.schema import strip_label
    from .convert import to_simplified

    cell = _CELL_END.split(line, 1)[0]
    key = strip_label(to_simplified(cell))
    return len(key) >= 2 and key in _form_label_keys()


@lru_cache(maxsize=1)
def _form_label_keys() -> frozenset:
    from ..forms.schema import TEMPLATES, load_template, strip_label

    keys = set()
    for tid in TEMPLATES:
        t = load_template(tid)
        keys.update(f.key for f in t.fields.values())
        keys.update(strip_label(a) for labels in t.aliases.values() for a in labels)
    keys.discard("")
    return frozenset(keys)


_ANNOTATED = regex.compile(r"(\p{Han})[(（]([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7})[)）]")
_SYLLABLE_CLOSE = regex.compile(r"([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7})[)）]")


def _misread(text: str, c: Candidate) -> int:
    """Pinyin the page put after a restored character that cannot be its reading (the pages
    annotate every occurrence of a character with one of its readings)."""
    from .fixes import is_reading

    bad = 0
    window = c.restored + text[c.end:c.end + 10]
    for m in _ANNOTATED.finditer(window):
        if m.start(1) < len(c.restored) and not is_reading(m.group(1), m.group(2)):
            bad += 1
    m = _SYLLABLE_CLOSE.match(text, c.end)
    if m and not (len(c.restored) >= 2 and c.restored[-1] in "(（"):
        bad += 1  # the run ends inside an annotation: its '(' was swallowed, not restored
    elif m and not is_reading(c.restored[-2], m.group(1)):
        bad += 1
    return bad


_OPEN, _CLOSE = "（(", "）)"


def _unbalanced(text: str, c: Candidate) -> int:
    """Brackets the restoration leaves unmatched in its line (up to 80 characters on either
    side), beyond those the line leaves unmatched without it."""
    ls = max(text.rfind("\n", 0, c.start) + 1, c.start - 80)
    le = text.find("\n", c.end)
    le = min(len(text) if le < 0 else le, c.end + 80)
    before, after = text[ls:c.start], text[c.end:le]
    return max(0, _unmatched(before + c.restored + after) - _unmatched(before + after))


def _unmatched(s: str) -> int:
    depth = bad = 0
    for ch in s:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth:
                depth -= 1
            else:
                bad += 1
    return bad + depth


def _verifies(text: str, c: Candidate) -> bool:
    """Re-damaging the candidate in its context must give back the input exactly."""
    a = max(0, c.start - 1)
    while a > 0 and text[a - 1] not in "\n" and c.start - a < 3:
        a -= 1
    b = min(len(text), c.end + 6)
    b = text.find("\n", c.end, b) if "\n" in text[c.end:b] else b
    want = _fold(text[a:b])
    after = text[c.end:b]
    # the mirror folded full-width punctuation: a ',' after the run may have been a '，'
    # that the mirror cut before, which is what ends a run with a dangling '?'
    for ctx in dict.fromkeys((after, after.translate(_WIDEN_PUNCT))):
        try:
            if damage_text(text[a:c.start] + c.restored + ctx) == want:
                return True
        except Exception:  # unencodable context: cannot verify
            return False
    return False


_WIDEN_PUNCT = str.maketrans({",": "，", "!": "！", "?": "？"})


def find_runs(text: str) -> list[int]:
    """Positions of the '?' that open a damaged run."""
    return [m.start() for m in _RUN_START.finditer(text)]


@dataclass
class RunResult:
    start: int
    end: int
    before: str
    after: Optional[str]  # None: left unrepaired
    confidence: float
    runner_up: Optional[str] = None
    suggestion: Optional[str] = None  # the best restoration of a run left unrepaired


def run_candidates(text: str, lm: Optional[CharLM] = None) -> list[tuple[int, list[Candidate]]]:
    """Every run start with its candidates (scored, not yet ranked nor verified)."""
    starts = find_runs(text)
    if not starts:
        return []
    # the page's own text teaches the model its vocabulary; a window is plenty
    clean = _mask_runs(text[:CACHE_CHARS], [i for i in starts if i < CACHE_CHARS])
    if lm is None:
        lm = CharLM(clean)
    lm.script = _page_script(clean)
    lm._steps.clear()
    layers = _Layers(lm)
    # a run costs tens of milliseconds: past MAX_SEARCHED_RUNS (a hostile or huge input)
    # the runs are still reported, with no candidate
    return [(i, _search(text, i, lm, layers) if n < MAX_SEARCHED_RUNS else []) for n, i in enumerate(starts)]


def choose(text: str, runs: list[tuple[int, list[Candidate]]], w: Weights = WEIGHTS) -> list[RunResult]:
    """Pick each run's restoration, or leave it (after=None) when the margin is too small."""
    halfwidth = _uses_halfwidth(text)
    out: list[RunResult] = []
    last_end = -1
    for i, found in runs:
        if i < last_end:
            continue
        line_start = i == 0 or text[i - 1] == "\n"

        def shown(c: Candidate, line_start: bool = line_start) -> str:
            r = _fold(c.restored) if halfwidth else c.restored
            return r.lstrip(" \u3000") if line_start else r

        ranked = rank(found, w)
        cands = _best_verified(text, ranked, shown)
        if not cands:
            out.append(RunResult(i, i + 2, text[i:i + 2], None, 0.0))
            continue

        best = cands[0]
        restored = shown(best)
        others = [c for c in cands[1:] if shown(c) != restored or c.end != best.end]
        if not others:
            # the only restoration that survives the checks: the search was pruned, so being
            # alone proves nothing; it must still clearly beat whatever else was found
            others = [c for c in ranked if c is not best and (shown(c) != restored or c.end != best.end)
                      and _verified(text, c)][:1]
        margin = best.score - others[0].score if others else 99.0
        conf = min(0.99, 0.5 + margin / 20)
        runner = shown(others[0]) if others else None
        if margin >= w.margin:
            out.append(RunResult(i, best.end, text[i:best.end], restored, conf, runner))
            last_end = best.end
        else:
            out.append(RunResult(i, best.end, text[i:best.end], None, conf, runner, suggestion=restored))
    return out


def _verified(text: str, c: Candidate) -> bool:
    if c.verified is None:
        c.verified = _verifies(text, c)
    return c.verified


def _best_verified(text: str, ranked: list[Candidate], shown) -> list[Candidate]:
    """The best candidate that re-damages to the input, and the best verified one that differs.

    A restoration that leaves a bracket unmatched or contradicts the page's pinyin is
    structurally wrong somewhere, whatever its score: it is not a candidate at all.
    """
    got: list[Candidate] = []
    for c in ranked:
        if c.unbalanced or c.misread or not _verified(text, c):
            continue
        if got and (shown(c) != shown(got[0]) or c.end != got[0].end):
            got.append(c)
            break
        if not got:
            got.append(c)
    return got


def preload() -> None:
    """Load the character model, the code tables, jieba and the pinyin readings (before
    forking workers that share them, and so that a first page is not charged for them)."""
    from ..segment import get_tokenizer
    from .fixes import is_reading
    from .lm import _base

    _base()
    is_reading("數", "shù")
    _form_label_keys()
    _reading_index()  # and the code tables
    get_tokenizer()
    for script in ("hant", "hans"):  # the longest layer lists (0.3 s): computed once, not per first page
        for u in sorted(_drop_first()):
            _global_top("middle", u, None, script, MIDDLE_N)
            _global_top("final", u, None, script, ANY_N)


def repair_mojibake(text: str, lm: Optional[CharLM] = None, w: Weights = WEIGHTS) -> list[RunResult]:
    """Every damaged run of the text, repaired where the evidence is clear."""
    return choose(text, run_candidates(text, lm), w)


def _page_script(clean: str) -> str:
    """Script of the page's undamaged text; with too little evidence, traditional: the mirror
    pipeline that cuts GBK bytes converts pages to traditional script first (artifacts notes)."""
    from .convert import to_simplified

    simplified = to_simplified(clean)
    trad = sum(1 for a, b in zip(clean, simplified) if a != b)
    if trad >= 5:
        from .convert import detect_script

        return detect_script(clean, simplified)
    han = sum(1 for c in clean if "\u4e00" <= c <= "\u9fff")
    return "hant" if han < 40 else "hans"


def _mask_runs(text: str, starts: list[int]) -> str:
    """The text with each run's first characters blanked (they are not the page's words)."""
    parts, prev = [], 0
    for i in starts:
        end = max(prev, min(len(text), i + 8))
        i = max(i, prev)
        parts.append(text[prev:i])
        parts.append(" " * (end - i))
        prev = end
    parts.append(text[prev:])
    return "".join(parts)


def _uses_halfwidth(text: str) -> bool:
    """The mirror folded full-width ASCII; restored text follows when the page has none left."""
    return not any("\uff01" <= c <= "\uff5e" for c in text)
