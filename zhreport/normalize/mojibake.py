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

MAX_UNITS = 14
MAX_DROPS = 3
BEAM = 60
RERANK = 300  # complete candidates re-ranked with jieba's word model
INDENT_BONUS = 15.0  # a false cut at a line start is '　（' = A1[A1 A3]A8: the indentation


_NUMBERING = regex.compile(r"^[\u3000 ]*[（(][一二三四五六七八九十]{1,3}[）)]")
_HAN_RUN = regex.compile(r"[\u4e00-\u9fff]+|.", regex.S)


def word_score(text: str) -> float:
    """log P of the best jieba segmentation of the Han runs of `text`, plus punctuation costs."""
    from ..segment import get_tokenizer
    from .lm import _punct_logp, _simp

    tk = get_tokenizer()
    total = 0.0
    for m in _HAN_RUN.finditer(text):
        seg = m.group()
        if "\u4e00" <= seg[0] <= "\u9fff":
            s = "".join(_simp(c) for c in seg)
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
    by_lead: dict[int, list[tuple[int, str]]] = {}
    by_trail: dict[int, list[tuple[int, str]]] = {}
    unmapped_after: dict[int, set[int]] = {}
    trails = [t for t in range(0x40, 0xFF) if t != 0x7F]
    for a in range(0x81, 0xFF):
        for b in trails:
            ch = gbk_pair(a, b)
            if ch is None:
                unmapped_after.setdefault(a, set()).add(b)
            elif _plausible(ch):
                by_lead.setdefault(a, []).append((b, ch))
                by_trail.setdefault(b, []).append((a, ch))
    return by_lead, by_trail, unmapped_after


def _plausible(ch: str) -> bool:
    """Characters an original report can hold: Han, CJK/full-width punctuation, a few symbols."""
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F
            or (0xFF01 <= o <= 0xFF5E and not ("Ａ" <= ch <= "Ｚ" or "ａ" <= ch <= "ｚ"))
            or ch in "“”‘’—…·")


def _unmapped(a: int, b: int) -> bool:
    return 0x81 <= a <= 0xFE and (0x40 <= b <= 0xFE and b != 0x7F) and gbk_pair(a, b) is None


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
@dataclass
class _Hyp:
    chars: list  # original characters restored so far
    pending: tuple  # ('known', byte) | ('unknown', x): an original lead byte not yet paired
    k: int  # next damaged character to read
    drops: int
    score: float
    synced: bool = False



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


@lru_cache(maxsize=None)
def _drop_targets(x: int) -> frozenset:
    """Trail bytes b such that some lead Y has (x, Y) unmapped and (Y, b) a character."""
    _by_lead, by_trail, unmapped_after = _tables()
    ys = unmapped_after.get(x, set())
    return frozenset(b for b, chars in by_trail.items() if any(a in ys for a, _ch in chars))


def _drop_possible(x: int, firsts: set) -> bool:
    t = _drop_targets(x)
    return any(b in t for b in firsts)


def _leads_for(pending: tuple, b1: int) -> list[tuple[int, str]]:
    """Original characters (lead, char) whose trail is b1, given the pending lead."""
    by_lead, by_trail, _ = _tables()
    if pending[0] == "known":
        ch = gbk_pair(pending[1], b1)
        return [(pending[1], ch)] if ch is not None and _plausible(ch) else []
    x = pending[1]
    return [(a, ch) for a, ch in by_trail.get(b1, []) if _unmapped(x, a)]


def _score_add(h: _Hyp, chars_new: list, lm: CharLM, left: str) -> float:
    prev = h.chars[-1] if h.chars else left[-1:]
    sc = h.score
    for ch in chars_new:
        sc += lm.step(prev, ch)
        prev = ch
    return sc


def _pending_chars(pending: tuple, lm: CharLM, prev: str, limit: int = 30) -> list[tuple[int, str]]:
    """(trail, char) of the original characters that can start at the pending lead.

    A known lead gives its row of the code table; an unknown one (after a dropped
    pair) any lead that makes the dropped pair unmapped, best-scored first.
    """
    if pending[0] == "known":
        return _known_chars(pending[1])
    return heapq.nlargest(limit, _unknown_frequent(pending[1]), key=lambda xc: lm.step(prev, xc[1]))


@lru_cache(maxsize=None)
def _unknown_frequent(x0: int) -> tuple:
    return _by_frequency(_unknown_chars(x0))


@lru_cache(maxsize=None)
def _known_chars(lead: int) -> tuple:
    by_lead, _by_trail, _ = _tables()
    return tuple((x, ch) for x, ch in by_lead.get(lead, []) if x >= 0x81)


@lru_cache(maxsize=None)
def _unknown_chars(x0: int) -> tuple:
    """Characters (y, x) that can follow a dropped pair (x0, y): y makes it unmapped."""
    _by_lead, _by_trail, unmapped_after = _tables()
    return tuple(xc for y in sorted(unmapped_after.get(x0, ())) if y >= 0x81 for xc in _known_chars(y))


@lru_cache(maxsize=None)
def _droppable_xs(firsts: tuple) -> frozenset:
    """Trail bytes x after which a dropped pair can stand before a unit starting with `firsts`."""
    return frozenset(x for x in range(0x81, 0xFF) if _drop_possible(x, set(firsts)))


@lru_cache(maxsize=None)
def _unknown_by_trail(x0: int) -> dict:
    """_unknown_chars(x0) grouped by the character's trail byte, most frequent first."""
    groups: dict[int, list] = {}
    for xc in _by_frequency(_unknown_chars(x0), 10 ** 9):
        groups.setdefault(xc[0], []).append(xc)
    return groups


@lru_cache(maxsize=None)
def _unknown_droppable(x0: int, firsts: tuple) -> tuple:
    groups = _unknown_by_trail(x0)
    xs = _droppable_xs(firsts)
    return _by_frequency(tuple(xc for x in xs if x in groups for xc in groups[x][:60]))


def _by_frequency(chars: tuple, keep: int = 60) -> tuple:
    """The `keep` most frequent characters (context-free), to bound the search."""
    from .lm import _base, _simp

    uni = _base()[0]
    return tuple(heapq.nlargest(keep, chars, key=lambda xc: uni.get(_simp(xc[1]), 0)))


def _drops(h: _Hyp, text: str, lm: CharLM, left: str, chain: bool = False) -> list[_Hyp]:
    """A dropped (unmapped) pair before the next damaged character: its first byte ends
    the pending character; its second is the lead of a character whose trail starts d's unit."""
    out: list[_Hyp] = []
    if h.k >= len(text) or h.drops >= MAX_DROPS:
        return out
    firsts = tuple(sorted({b[0] for kind, b in _units(text[h.k]) if kind in ("pair", "single")}))
    if h.pending[0] == "known":
        choices = _drop_chars(h.pending[1], firsts)
    elif not chain:
        return out
    else:
        prev = h.chars[-1] if h.chars else left[-1:]
        choices = heapq.nlargest(20, _unknown_droppable(h.pending[1], firsts), key=lambda xc: lm.step(prev, xc[1]))
    for x, ch in choices:
        out.append(_Hyp(h.chars + [ch], ("unknown", x), h.k, h.drops + 1, _score_add(h, [ch], lm, left)))
    return out


@lru_cache(maxsize=65536)
def _drop_chars(lead: int, firsts: tuple) -> tuple:
    """(x, char) for the characters (lead, x) after which a dropped pair can stand."""
    by_lead, _by_trail, _ = _tables()
    return tuple((x, ch) for x, ch in by_lead.get(lead, []) if x >= 0x81 and _drop_possible(x, set(firsts)))


def _consume(h: _Hyp, text: str, lm: CharLM, left: str, chain: bool = False) -> list[_Hyp]:
    """Read the next damaged character as one unit of the out-of-step decoder."""
    out: list[_Hyp] = []
    if h.k >= len(text):
        return out
    by_lead, _by_trail, _ = _tables()

    def add(chars_new: list, pending: tuple, synced: bool):
        out.append(_Hyp(h.chars + chars_new, pending, h.k + 1, h.drops, _score_add(h, chars_new, lm, left), synced))

    d = text[h.k]
    # a piece also ends where the mirror cut before an aligned 。！？，: its last lead byte dangles
    end_of_piece = h.k + 1 >= len(text) or text[h.k + 1] in "\r\n" or text[h.k + 1] in PUNCT_BYTES
    for kind, b in _units(d):
        if kind == "pair":
            b1, b2 = b
            for _a, ch in _leads_for(h.pending, b1):
                if b2 >= 0x81:
                    add([ch], ("known", b2), False)
                elif 0x20 <= b2 < 0x7F:
                    add([ch, chr(b2)], ("known", 0), True)
        elif kind == "single":
            (a1,) = b
            if 0x40 <= a1 <= 0x7E:
                for _a, ch in _leads_for(h.pending, a1):
                    add([ch], ("known", 0), True)
        elif kind == "invalid" and (chain or h.pending[0] == "known"):
            prev = h.chars[-1] if h.chars else left[-1:]
            firsts = _pending_chars(h.pending, lm, prev, 24)
            if end_of_piece:
                # a lead byte dangling before a line break or the end: printed '?'
                for _x, ch in firsts:
                    add([ch], ("known", 0), True)
                continue
            # lead + an ASCII byte 0x21..0x3F read as one '?': the ASCII byte is lost
            ys = "(" if _PINYIN_NEXT.match(text, h.k + 1) else _SWALLOWED
            if len(firsts) > 24:
                firsts = sorted(firsts, key=lambda xc: -lm.step(prev, xc[1]))[:24]
            for _x, ch in firsts:
                for y in ys:
                    add([ch, y], ("known", 0), True)
    return out


@dataclass
class Candidate:
    start: int  # the '?' of the run
    end: int  # end (exclusive) of the damaged characters the candidate replaces
    restored: str
    bigram: float  # character model, with the context after the run
    words: float = 0.0  # jieba's best segmentation of the window
    numbering: bool = False  # opens with '（一）'-style numbering at a line start
    unbalanced: int = 0  # brackets the restoration leaves unmatched in its line
    misread: int = 0  # pinyin annotations next to restored characters that are not their readings
    score: float = 0.0


@dataclass
class Weights:
    """How the evidence is combined (tuned with scripts/tune_mojibake.py on synthetic damage)."""

    bigram: float = 1.0
    words: float = 1.0
    per_char: float = 6.0
    numbering: float = 8.0
    bracket: float = 8.0
    pinyin: float = 15.0
    margin: float = 3.0


WEIGHTS = Weights()


def rank(cands: list[Candidate], w: Weights = WEIGHTS) -> list[Candidate]:
    for c in cands:
        c.score = (w.bigram * c.bigram + w.words * c.words + w.per_char * len(c.restored)
                   + (w.numbering if c.numbering else 0.0) - w.bracket * c.unbalanced - w.pinyin * c.misread)
    return sorted(cands, key=lambda c: -c.score)


_OPENINGS = tuple("\u3000（" + n + "）" for n in ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十"))


def _fits(chars: list, prefixes: tuple) -> bool:
    s = "".join(chars)
    return any(p.startswith(s) or s.startswith(p) for p in prefixes)


def _beam(text: str, lm: CharLM, left: str, start: list, chain: bool = False,
          prefixes: Optional[tuple] = None) -> list[_Hyp]:
    """Stack decoding: hypotheses that have read the same damaged characters compete."""
    done: list[_Hyp] = []
    stack = start

    def keep(hs: list) -> list:
        return hs if prefixes is None else [h for h in hs if _fits(h.chars, prefixes)]

    for _step in range(MAX_UNITS):
        stack.sort(key=lambda h: -h.score)
        stack = stack[:BEAM]
        grown = list(stack)
        frontier = stack
        for _depth in range(2):  # up to two dropped pairs in a row ('（六）' = A3A8 C1F9 A3A9)
            frontier = keep([e for h in frontier for e in _drops(h, text, lm, left, chain)])
            frontier.sort(key=lambda h: -h.score)
            frontier = frontier[:BEAM]
            grown.extend(frontier)
        grown.sort(key=lambda h: -h.score)
        nxt: list[_Hyp] = []
        for h in grown[:BEAM]:
            for e in keep(_consume(h, text, lm, left, chain)):
                (done if e.synced else nxt).append(e)
        if not nxt:
            break
        stack = nxt
    return done


def _search(text: str, i: int, lm: CharLM) -> list[Candidate]:
    """Complete candidates for the run whose '?' is at i, best first."""
    p0, p1 = PUNCT_BYTES[text[i + 1]]
    _by_lead, by_trail, _ = _tables()
    left = text[max(0, i - 3):i]
    beam: list[_Hyp] = []
    at_line_start = i == 0 or text[i - 1] == "\n"
    for _a, ch in by_trail.get(p0, []):
        sc = lm.score(ch, left)
        if at_line_start and ch == "\u3000":
            sc += INDENT_BONUS
        beam.append(_Hyp([ch], ("known", p1), i + 2, 0, sc))
    done = _beam(text, lm, left, beam)
    if at_line_start:
        # table rows and headings open with an indentation and a numbering: '　（六）' hides two
        # dropped pairs (A8C1, F9A3) that the open search rarely keeps; search those openings apart
        opening = [h for h in beam if h.chars == ["\u3000"]]
        if opening:
            done += _beam(text, lm, left, opening, chain=True, prefixes=_OPENINGS)
    best: dict = {}
    for h in done:
        restored = "".join(h.chars)
        after = text[h.k:h.k + 2]
        sc = h.score + lm.score(after, restored[-1:]) if after else h.score
        key = (restored, h.k)
        if key not in best or best[key].bigram < sc:
            best[key] = Candidate(i, h.k, restored, sc)
    cands = sorted(best.values(), key=lambda c: -c.bigram)[:RERANK]
    ctx_l = text[max(0, i - 4):i].split("\n")[-1]
    for c in cands:
        ctx_r = text[c.end:c.end + 4].split("\n")[0]
        c.words = word_score(ctx_l + c.restored + ctx_r)
        c.numbering = at_line_start and bool(_NUMBERING.match(c.restored))
        c.unbalanced = _unbalanced(text, c)
        c.misread = _misread(text, c)
    return cands


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
    if len(c.restored) >= 2 and c.restored[-1] in "(（":
        m = _SYLLABLE_CLOSE.match(text, c.end)
        if m and not is_reading(c.restored[-2], m.group(1)):
            bad += 1
    return bad


_OPEN, _CLOSE = "（(", "）)"


def _unbalanced(text: str, c: Candidate) -> int:
    """Brackets left unmatched by the restoration within its line (before: line start; after: 12 chars)."""
    ls = text.rfind("\n", 0, c.start) + 1
    le = text.find("\n", c.end)
    le = len(text) if le < 0 else le
    line = text[ls:c.start] + c.restored + text[c.end:min(le, c.end + 12)]
    depth = bad = 0
    for ch in line:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth == 0:
                bad += 1
            else:
                depth -= 1
    before = 0
    for ch in text[ls:c.start] + text[c.end:min(le, c.end + 12)]:
        before += ch in _OPEN
        before -= ch in _CLOSE
    return bad + max(0, depth - max(0, before))


def _verifies(text: str, c: Candidate) -> bool:
    """Re-damaging the candidate in its context must give back the input exactly."""
    a = max(0, c.start - 1)
    while a > 0 and text[a - 1] not in "\n" and c.start - a < 3:
        a -= 1
    b = min(len(text), c.end + 6)
    b = text.find("\n", c.end, b) if "\n" in text[c.end:b] else b
    original = text[a:c.start] + c.restored + text[c.end:b]
    try:
        return damage_text(original) == _fold(text[a:b])
    except Exception:  # unencodable context: cannot verify
        return False


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
    """Every run start with its verified candidates (scored, not yet ranked)."""
    starts = find_runs(text)
    if not starts:
        return []
    if lm is None:
        lm = CharLM(_mask_runs(text, starts))
    lm.script = _page_script(_mask_runs(text, starts))
    lm._steps.clear()
    return [(i, [c for c in _search(text, i, lm) if _verifies(text, c)]) for i in starts]


def choose(text: str, runs: list[tuple[int, list[Candidate]]], w: Weights = WEIGHTS) -> list[RunResult]:
    """Pick each run's restoration, or leave it (after=None) when the margin is too small."""
    halfwidth = _uses_halfwidth(text)
    out: list[RunResult] = []
    last_end = -1
    for i, found in runs:
        if i < last_end:
            continue
        cands = rank(found, w)
        if not cands:
            out.append(RunResult(i, i + 2, text[i:i + 2], None, 0.0))
            continue
        line_start = i == 0 or text[i - 1] == "\n"

        def shown(c: Candidate, line_start: bool = line_start) -> str:
            r = _fold(c.restored) if halfwidth else c.restored
            return r.lstrip(" \u3000") if line_start else r

        best = cands[0]
        restored = shown(best)
        others = [c for c in cands[1:] if shown(c) != restored or c.end != best.end]
        margin = best.score - others[0].score if others else 99.0
        conf = min(0.99, 0.5 + margin / 20)
        runner = shown(others[0]) if others else None
        # a restoration that leaves a bracket unmatched or contradicts the page's pinyin is
        # structurally wrong somewhere, whatever its score: report it, do not apply it
        if margin >= w.margin and not best.unbalanced and not best.misread:
            out.append(RunResult(i, best.end, text[i:best.end], restored, conf, runner))
            last_end = best.end
        else:
            out.append(RunResult(i, best.end, text[i:best.end], None, conf, runner, suggestion=restored))
    return out


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
    s = list(text)
    for i in starts:
        for j in range(i, min(len(s), i + 8)):
            s[j] = " "
    return "".join(s)


def _uses_halfwidth(text: str) -> bool:
    """The mirror folded full-width ASCII; restored text follows when the page has none left."""
    return not any("\uff01" <= c <= "\uff5e" for c in text)
