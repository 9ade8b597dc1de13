"""The search for a run's original characters.

The out-of-step decoder read the pairs (T_j, L_j+1) of the original characters
(L_j, T_j). A damaged character shows one such pair; a pair with no mapping was
dropped and shows nothing. So the original character between two shown pairs
(p1, q1) and (p2, q2) is (q1, p2) when nothing was dropped between them, and a
chain (q1, u1) (v1, u2) ... (vj, p2) with every (u, v) unmapped when j pairs were.
The search is a beam over the damaged characters whose states are (pending lead
byte, last original character), so hypotheses that agree on both are merged;
chains of dropped pairs are expanded layer by layer (layers.py). A page's runs are searched
side by side (_lockstep), so that each round scores the step costs all of them need in one call.
"""
from __future__ import annotations

import gc
import heapq
from functools import partial
from operator import itemgetter
from typing import Optional

import regex

from ..convert import count_differing, detect_script, to_simplified
from ..lm import CharLM
from .features import Candidate, describe
from .forward import fold
from .gbk import PUNCT_BYTES, gbk_pair, plausible, units
from .layers import ROW_N, Layers
from .selection import WEIGHTS

MAX_UNITS = 16  # damaged characters read before a run is given up
MAX_DROPS = 5  # dropped pairs in one run
MAX_CHAIN = 2  # dropped pairs in a row
# states kept after each damaged character (8 kept every tune, case and unseen figure of 16; 6 chose as 8
# on 2,546 runs, see layers.py: with START_N 8, FINAL_N 8 and ANY_N 20, ~1 ms less of the seed's ~26)
BEAM = 6
PATHS = 3  # restorations kept per state
ENTRY_N = 2  # states of a beam step that may open a chain of dropped pairs (2 finds what 5 found; 1 loses lines)
CHAIN_KEEP = 3  # ends of chains kept per expansion into the beam (3: tune 146/150, unseen 81/100)
# ends of chains that complete a run's restoration: they are the candidates and their rivals, and
# the margin rule needs the rivals (3 applied a wrong repair on lines of another generator seed; 8 chose
# as 16 on 897 runs and kept every figure on 1,058 more lines of four other seeds)
END_KEEP = 8
# characters inside chains expanded further: 2 to 8 found more exact lines than 16 (tune 145/150, unseen
# 81/100, not 143 and 80): the ends through fewer of them leave the CHAIN_KEEP places to one-pair chains
MIDDLE_KEEP = 4
# states kept after a run's first character, of some 120 (4 kept every tune, case and unseen figure; 8 chose
# as 16 on 2,546 runs, see layers.py)
START_N = 8
STOP_GAP = 2.0  # a run's search stops when its best state is this far below its best complete path (below)
# complete candidates re-ranked with jieba's word model: 30 chose as 60 did on 897 runs (tune, cases, unseen,
# dev lines of generator seeds 11 and 99, 7 pages); only runners-up beyond the margin's cap differ. 20 changes more
RERANK = 30
MAX_SEARCHED_RUNS = 120  # runs of one document searched; later ones are only reported
CACHE_CHARS = 400_000  # characters of the page the document cache learns from
INDENT_BONUS = 15.0  # a false cut at a line start is '　（' = A1[A1 A3]A8: the indentation

RUN_START = regex.compile(r"[?\ufffd](?=[。!！?？,，])")
_PINYIN_NEXT = regex.compile(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)")
_SWALLOWED = "()0123456789,.:;-/%"
_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def run_candidates(text: str, lm: Optional[CharLM] = None) -> list[tuple[int, list[Candidate]]]:
    """Every run start with its candidates (scored, not yet ranked nor verified)."""
    starts = [m.start() for m in RUN_START.finditer(text)]
    if not starts:
        return []
    # The cyclic garbage collector is paused (as timeit does) until the page's search is done and
    # freed: the search allocates some hundred thousand short-lived tuples, lists and nodes in no
    # reference cycle, reference counting frees them, and the collector's passes over them took a
    # twentieth of a page's repair
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _page_candidates(text, starts, lm)
    finally:
        if was_enabled:
            gc.enable()


def _page_candidates(text: str, starts: list[int], lm: Optional[CharLM]) -> list[tuple[int, list[Candidate]]]:
    """run_candidates of the runs that open at starts."""
    # the page's own text teaches the model its vocabulary; a window is plenty
    clean = _mask_runs(text[:CACHE_CHARS], [i for i in starts if i < CACHE_CHARS])
    simplified = to_simplified(clean)
    if lm is None:
        lm = CharLM(clean, simplified=simplified)
    lm.set_script(_page_script(clean, simplified))
    layers = Layers(lm)
    prefixes: dict = {}  # the searches of the page, by the text they read
    # a run costs milliseconds: past MAX_SEARCHED_RUNS (a hostile or huge input)
    # the runs are still reported, with no candidate
    searched = starts[:MAX_SEARCHED_RUNS]
    paths = _lockstep([_search(text, i, lm, layers, prefixes) for i in searched], layers)
    found = _candidates(text, searched, paths, lm)
    out = list(zip(starts, found + [[]] * (len(starts) - len(found))))
    describe(text, [cands for _i, cands in out])
    return out


def _lockstep(searches: list, layers: Layers) -> list:
    """The results of searches (generators that yield the rows of step costs they need next, see
    _scored), run side by side: each round scores the rows all of them asked for in one call.
    Scoring a row costs mostly a fixed charge per call (numpy on tens of pairs), and a page's
    runs ask for some hundred rows each; a row's costs do not depend on the rows scored with it."""
    out = [None] * len(searches)
    active = list(enumerate(searches))
    while active:
        asked, going = [], []
        for n, run in active:
            try:
                asked.extend(run.send(None))
                going.append((n, run))
            except StopIteration as stop:
                out[n] = stop.value
        if asked:
            layers.score(asked)
        active = going
    return out


def _scored(layers: Layers, rows: list):
    """layers.scored_rows(rows), once the rows not yet scored were asked for (yielded)."""
    got = layers.scored_rows(rows)
    if all(got):
        return got
    missing = [j for j, row in enumerate(got) if row is None]
    yield [rows[j] for j in missing]
    for j, row in zip(missing, layers.scored_rows([rows[j] for j in missing])):
        got[j] = row
    return got


# A path is a tuple (key, score, chars, drops): the restoration so far, its model score,
# the dropped pairs it assumed, and key = score + per_char * len(chars), the score used for
# pruning: paths that read the same damaged text but restore different numbers of
# characters are compared as the final ranking compares them.


def _path(score: float, chars: str, drops: int) -> tuple:
    return (score + WEIGHTS.per_char * len(chars), score, chars, drops)


def _extend(paths: list, ch: str, cost: float, drops: int = 0) -> list:
    bonus = cost + WEIGHTS.per_char * len(ch)
    return [(p[0] + bonus, p[1] + cost, p[2] + ch, p[3] + drops) for p in paths]


# sorted(..., reverse=True)[:n] gives heapq.nlargest's result (both stable) in about half the time
# on the short lists of a search
def _best_key(state: tuple) -> float:
    """The key of the best path of a state, an item (state, its paths best first) of a dict."""
    return state[1][0][0]


_path_key = itemgetter(0)


def _best_states(group: dict) -> list:
    """The ENTRY_N states of a group (last character -> paths) with the best paths."""
    return sorted(group.items(), key=_best_key, reverse=True)[:ENTRY_N]


class _Node:
    """A node of a chain's layer: its best key, and its paths, made only when a returned
    chain ends there (most nodes only rank and prune)."""

    __slots__ = ("top", "_make", "_paths", "_open_top")

    def __init__(self, top: float, make, open_top=False):
        self.top, self._make, self._paths, self._open_top = top, make, None, open_top

    def paths(self) -> list:
        if self._paths is None:
            self._paths = self._make()
        return self._paths

    def open_paths(self) -> list:
        """The paths that may still assume a dropped pair."""
        return [p for p in self.paths() if p[3] < MAX_DROPS]

    def open_top(self) -> Optional[float]:
        """The best key of open_paths (None when there is none)."""
        if self._open_top is False:
            ok = self.open_paths()
            self._open_top = ok[0][0] if ok else None
        return self._open_top


def _chains(layers: Layers, lm: CharLM, pi: int, group: dict, trail: Optional[int],
            reading: Optional[str] = None, keep: int = CHAIN_KEEP) -> list:
    """Paths that end in a chain of 1..MAX_CHAIN dropped pairs and a character (v, trail).

    group: {last character: [paths]} of the states whose pending lead is pi.
    Returns the `keep` best (char, [paths]) with the chain's characters appended. A node
    keeps the best paths of several histories: the chain's own cost does not depend on them.
    """
    # layer 0: (pi, u1), entered from the best states of the group (their paths are
    # distinct restorations: they end in different characters)
    entering = [(last, ok) for last, paths in _best_states(group)
                if (ok := [p for p in paths if p[3] < MAX_DROPS])]
    first = layers.first(pi)
    if not entering or not first:
        return []
    yield from ()  # a generator (see _lockstep) even when it returns at once
    # the steps into the first layer, and the first layer's rows (the page's: the same for every
    # group), scored in one round
    rows = yield from _scored(layers, [(last, first) for last, _ok in entering]
                              + layers.first_rows_asked(pi, trail, reading))
    costs = [row.costs for row in rows[:len(entering)]]
    per_char = WEIGHTS.per_char

    def first_paths(j: int, c1: str) -> list:
        # heapq.nlargest(PATHS, ...), cheaper on so few paths (no key: equal tuples are equal)
        return sorted([(p[0] + (cost[j] + per_char), p[1] + cost[j], p[2] + c1, p[3] + 1)
                       for (_last, ok), cost in zip(entering, costs) for p in ok], reverse=True)[:PATHS]

    # a path list's first path has the best key, and adding a cost keeps the order of keys
    bests = [ok[0][0] for _last, ok in entering]
    all_open = max(p[3] for _last, ok in entering for p in ok) < MAX_DROPS - 1
    # each first character's best key over the entering states
    by_state = [[b + (c + per_char) for c in cost] for b, cost in zip(bests, costs)]
    tops = by_state[0] if len(by_state) == 1 else list(map(max, *by_state))
    # ((trail byte, char), node) of the characters before a dropped pair
    layer = [(uc, _Node(top, partial(first_paths, j, uc[1]), top if all_open else False))
             for j, (uc, top) in enumerate(zip(first, tops))]
    # Only the `keep` best ends are returned, and a step costs at most 0 (a log-probability):
    # a node whose best path is already below the keep-th end found is not expanded. A node's
    # steps are ranked once per page (layers.Row), so the expansions of a layer are
    # read best first, by merging.
    ends: list = []  # (key before the last per-char bonus, order found, char, node, cost)
    for depth in range(1, MAX_CHAIN + 1):
        if not layer:
            break
        nodes = sorted(layer, key=lambda un: -un[1].top)
        if depth == 1:  # no end found yet, so every node of the first layer: its lists and rows are
            # the page's, scored above
            by_node = layers.first_rows(pi, trail, reading)
            finals = [(uc[1], node, by_node[uc][0].items) for uc, node in nodes]
        else:
            floor = ends[keep - 1][0] if len(ends) >= keep else None
            finals = [(c, node, layers.final(u, trail, reading)) for (u, c), node in nodes
                      if floor is None or node.top > floor]
        middles, middle_nodes = [], []
        if depth < MAX_CHAIN:  # ranked with the finals (one call), pruned once the ends are known
            for uc, node in nodes:
                top = node.open_top()
                if top is not None:
                    middles.append((node, top, by_node[uc][1].items if depth == 1 else layers.middle(uc[0])))
                    middle_nodes.append(uc)
        if depth == 1:
            rows = [by_node[uc][0] for uc, _node in nodes] + [by_node[uc][1] for uc in middle_nodes]
        else:
            rows = yield from _scored(layers, [(c, items) for c, _node, items in finals]
                                      + [(uc[1], items) for uc, (_n, _t, items) in zip(middle_nodes, middles)])
        ends.extend(_best_ends(finals, rows[:len(finals)], keep, len(ends)))
        ends.sort(key=lambda e: (-e[0], e[1]))
        del ends[keep:]
        if depth == MAX_CHAIN:
            break
        floor = ends[keep - 1][0] if len(ends) >= keep else None
        open_ = [floor is None or top + per_char > floor for _node, top, _items in middles]
        layer = [((u2, m), _Node(top + (cost + per_char), partial(_inner_paths, node, m, cost)))
                 for m, node, top, cost, u2 in _best_middles(middles, rows[len(finals):], open_, MIDDLE_KEEP)]
    return [(cf, _extend(node.paths(), cf, cost)) for _sc, _o, cf, node, cost in ends]


def _inner_paths(node: _Node, m: str, cost: float) -> list:
    """The paths of a node inside a chain: those of the node before it, through m."""
    return _extend(node.open_paths(), m, cost, 1)


def _best_distinct(tops: list, rows: list, n: int) -> list:
    """(key, expansion, item) of the n best expansions with distinct characters (an item's last):
    expansions e have keys tops[e] + rows[e]'s step costs, read best first by merging the rows,
    ties in expansion then item order; rows[e] is a layers.Row, tops[e] None for an expansion
    left out. One loop, no generator: a page merges some thousand rows."""
    out: list = []
    if n <= 0:
        return out
    heap = [(-(top + row.best), e, row.first, 0) for e, (top, row) in enumerate(zip(tops, rows))
            if top is not None and row.costs]
    heapq.heapify(heap)
    seen = set()
    while heap:
        neg, e, j, at = heap[0]
        row = rows[e]
        c = row.items[j][-1]
        if c not in seen:
            seen.add(c)
            out.append((-neg, e, j))
            if len(out) >= n:
                break
        at += 1
        costs, order = row.ranked()
        if at < len(costs):
            heapq.heapreplace(heap, (-(tops[e] + costs[at]), e, order[at], at))
        else:
            heapq.heappop(heap)
    return out


def _best_ends(finals: list, rows: list, n: int, found: int) -> list:
    """The n best distinct last characters of the chains [(char, node, final items)]."""
    out = []
    for key, e, j in _best_distinct([node.top for _c, node, _items in finals], rows, n):
        node = finals[e][1]
        out.append((key, found + len(out), rows[e].items[j][-1], node, key - node.top))
    return out


def _best_middles(middles: list, rows: list, open_: list, n: int) -> list:
    """The n best distinct characters inside chains [(node, its open top, middle items)] from
    the expansions still open: (char, node, open top, cost, trail byte)."""
    out = []
    for key, e, j in _best_distinct([top if o else None for (_node, top, _items), o in zip(middles, open_)],
                                    rows, n):
        node, top, _items = middles[e]
        _v, u2, m = rows[e].items[j]
        out.append((m, node, top, key - top, u2))
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
    found = []  # (position after the numbering, numeral)
    k0 = i + 2
    for n in _NUMERALS:
        n1, n2 = n.encode("gbk")
        k = k0
        ok = True
        for a, b in ((0xA8, n1), (n2, 0xA3)):  # the pairs read out of step: A8|n1, n2|A3 (of '）')
            ch = gbk_pair(a, b)
            if ch is None:
                continue
            if k < len(text) and fold(ch) == text[k]:
                k += 1
            else:
                ok = False
                break
        if ok:
            found.append((k, n))
    if not found:
        return []
    scores = lm.scores([("\u3000（" + n, left) for _k, n in found])  # one conversion for the numerals
    seeds = []
    for (k, n), sc in zip(found, scores):
        key, sc, chars, drops = _path(sc + INDENT_BONUS, "\u3000（" + n, 0)
        # the numbering's prior (a ranking feature) also keeps the seed through pruning
        seeds.append((k, 0xA3, n, (key + WEIGHTS.numbering + WEIGHTS.label, sc, chars, drops)))
    return seeds


def search(text: str, i: int, lm: CharLM, layers: Optional[Layers] = None,
           prefixes: Optional[dict] = None) -> list[Candidate]:
    """Complete candidates for the run whose '?' is at i, best first (features not yet filled in).

    prefixes: the page's searches so far, by the text they read (see _Prefix): a run that
    opens like an earlier one (a form's rows: '?。ǘ┩...') resumes where their text parts.
    """
    layers = layers or Layers(lm)
    return _candidates(text, [i], _lockstep([_search(text, i, lm, layers, {} if prefixes is None else prefixes)],
                                            layers), lm)[0]


def _search(text: str, i: int, lm: CharLM, layers: Layers, prefixes: dict):
    """The complete paths of the run whose '?' is at i, as (end relative to the '?', path): a
    generator of the rows it needs scored (see _lockstep)."""
    prefix = _Prefix(text, i, prefixes)
    got = prefix.recall()
    if got is None:
        states, seeds, done = _start(text, i, lm, layers)
        prefix.keep(states, seeds, done)
    else:
        states, seeds, done = got
    k = i + 2
    for _step in range(MAX_UNITS):
        for key, path in seeds.pop(k, ()):
            _add(states, key, path)
        if not states or k >= len(text) or text[k] in "\r\n":
            break
        prefix.read(k)
        while prefix.pending():  # a run side by side with this one reads the same text: its step will do
            yield ()
        got = prefix.recall()
        if got is None:
            states = yield from _step_at(text, k, states, done, lm, layers, k + 1 - i)
            if len(done) > 4 * RERANK:
                done[:] = heapq.nlargest(2 * RERANK, done, key=lambda ep: ep[1][0])
            prefix.keep(states, seeds, done)
        else:
            states, seeds, done = got
        k += 1
        # past the damage the run's text is read in step: the states read it as rare characters and
        # fall ever further behind the complete paths (a gap of 2 chose as 10 did on 2,378 runs: the seed,
        # damaged dev pages, tune, unseen and dev lines of 7 other generator seeds; 0 chose otherwise on 2,
        # -5 applied a wrong repair)
        if done and states and not any(at > k for at in seeds) and \
                max(paths[0][0] for paths in states.values()) < max(path[0] for _end, path in done) - STOP_GAP:
            break
    return done


def _candidates(text: str, starts: list[int], found: list, lm: CharLM) -> list:
    """The candidates of each run from its complete paths (found, see _search), best first: a
    path's score with the text after it, given its last character (one conversion for the page)."""
    contexts = []
    for i, done in zip(starts, found):
        context = dict.fromkeys((end + i, path[2][-1:]) for end, path in done)
        for end, last in context:
            if text[end:end + 1] in ("", "\r", "\n"):
                # the restoration ends the line: table labels and headings do, mid-phrase words do not
                context[(end, last)] = lm.end_of_line(last)
        contexts.append(context)
    within = [(context, key) for context in contexts for key, extra in context.items() if extra is None]
    for (context, key), extra in zip(within, lm.scores([(text[end:end + 2], last) for _c, (end, last) in within])):
        context[key] = extra
    out = []
    for i, done, context in zip(starts, found, contexts):
        best: dict = {}  # (restoration, end) -> (its key, its score) with the text after it
        for end, path in done:
            end += i
            extra = context[(end, path[2][-1:])]
            key = (path[2], end)
            sc = path[1] + extra
            got = best.get(key)
            if got is None or got[1] < sc:
                best[key] = (path[0] + extra, sc)
        out.append([Candidate(i, end, chars, sc)
                    for (chars, end), (_k, sc) in heapq.nlargest(RERANK, best.items(), key=lambda kv: kv[1][0])])
    return out


_PENDING = ()  # a step claimed by a run, not yet kept


class _Prefix:
    """The search of a run so far, by the text it has read: the states, the seeds not yet
    used and the complete paths after each damaged character, positions relative to the '?'.
    A step reads its character and the next; a lost trail byte also a pinyin annotation.
    The key holds the step as well as the text: successive steps can have read the same text,
    and a run side by side with another must recall the very step it is at."""

    def __init__(self, text: str, i: int, memo: dict):
        self.text, self.i, self.memo = text, i, memo
        self.end = i + 4  # the start reads the run's punctuation, '?。' and an opening '（N）'
        self.at = 0  # the damaged character last read, relative to the '?' (0: the start)
        self.recalling = True  # until the first prefix not seen

    def read(self, k: int) -> None:
        self.end = max(self.end, k + 2, k + 8 if self.text[k] in "?\ufffd" else 0)
        self.at = k - self.i

    def _key(self) -> tuple:
        return self.i == 0, self.at, self.text[max(0, self.i - 1):self.end]

    def pending(self) -> bool:
        """Whether another run is computing the step this one would recall."""
        return self.recalling and self.memo.get(self._key()) is _PENDING

    def recall(self):
        """The search so far when a run read the same text, else None; then the step to come is
        claimed (pending) until kept, so that runs side by side compute it once."""
        key = self._key()
        got = self.memo.get(key) if self.recalling else None
        if got is None:
            self.recalling = False
            self.memo.setdefault(key, _PENDING)
            return None
        states, seeds, done = got
        i = self.i
        return ({key: list(paths) for key, paths in states.items()},
                {i + k: list(v) for k, v in seeds.items()}, list(done))

    def keep(self, states: dict, seeds: dict, done: list) -> None:
        i = self.i
        self.memo[self._key()] = ({key: list(paths) for key, paths in states.items()},
                                  {k - i: list(v) for k, v in seeds.items()}, list(done))


def _start(text: str, i: int, lm: CharLM, layers: Layers) -> tuple:
    """The states after the run's '?' and punctuation, the seeds by position, the complete paths."""
    p0, p1 = PUNCT_BYTES[text[i + 1]]
    left = text[max(0, i - 3):i]
    at_line_start = i == 0 or text[i - 1] == "\n"
    firsts, first_scores = layers.opening(p0, left)  # distinct characters: a state each
    paths = [_path(sc + INDENT_BONUS if at_line_start and ch == "\u3000" else sc, ch, 0)
             for ch, sc in zip(firsts, first_scores)]
    states = {(p1, path[2]): [path] for path in sorted(paths, key=_path_key, reverse=True)[:START_N]}
    seeds: dict = {}
    if at_line_start and (p0, p1) == (0xA1, 0xA3):
        for k, pi, last, path in _openings(text, i, lm, left):
            seeds.setdefault(k, []).append(((pi, last), path))
    done: list = []  # (end relative to the '?', path)
    if text[i + 1:i + 3] == "?。":
        # '??。' can also be a character (L, A3) before a '。' (A1 A3): the mirror cut before
        # A3 A1 and before A1 A3, so the second '?' is the piece of one byte A3 between the
        # cuts, and the '。' was read in step: the character alone is the restoration
        for ch, sc in zip(*layers.opening(0xA3, left)):
            done.append((2, _path(sc, ch, 0)))
    return states, seeds, done


def _step_at(text: str, k: int, states: dict, done: list, lm: CharLM, layers: Layers, end: int) -> dict:
    """The states after the damaged character at k; complete paths are added to done, as
    (end, path): end is k + 1 relative to the run's '?'."""
    step = lm.step
    d = text[k]
    end_of_piece = k + 1 >= len(text) or text[k + 1] in "\r\n " or text[k + 1] in PUNCT_BYTES
    groups: dict = {}
    for (pi, last), paths in states.items():
        groups.setdefault(pi, {})[last] = paths
    nxt: dict = {}
    for pi, group in groups.items():
        for kind, b in units(d):
            if kind == "pair":
                p, q = b
                ch = gbk_pair(pi, p)
                extended = []
                if ch is not None and plausible(ch):
                    for last, paths in group.items():
                        extended.append((ch, _extend(paths, ch, step(last, ch))))
                extended += yield from _chains(layers, lm, pi, group, p)
                for last, paths in extended:
                    if q >= 0x81:
                        key = (q, last)
                        if key not in nxt:  # paths of one extension: distinct, best first
                            nxt[key] = paths
                            continue
                        for path in paths:
                            _add(nxt, key, path)
                    elif 0x20 <= q < 0x7F:  # the pair's second byte was ASCII: back in step
                        done.extend((end, path) for path in _extend(paths, chr(q), 0.0))
            elif kind == "single":
                (a,) = b
                if not 0x40 <= a <= 0x7E:
                    continue
                ch = gbk_pair(pi, a)
                if ch is not None and plausible(ch):
                    for last, paths in group.items():
                        done.extend((end, path) for path in _extend(paths, ch, step(last, ch)))
                for _cf, paths in (yield from _chains(layers, lm, pi, group, a, keep=END_KEEP)):
                    done.extend((end, path) for path in paths)
            else:  # '?': the decoder read an original trail byte T as a lead
                annotation = None if end_of_piece else _PINYIN_NEXT.match(text, k + 1)
                reading = annotation.group()[:-1] if annotation else None
                ys = ("",) if end_of_piece else ("(",) if annotation else tuple(_SWALLOWED)
                for last, paths in _best_states(group):
                    ends = heapq.nlargest(ROW_N, ((step(last, ch) + (step(ch, y) if y else 0.0), ch + y)
                                                  for _t, ch in layers.row(pi, reading) for y in ys))
                    for cost, tail in ends:
                        done.extend((end, path) for path in _extend(paths, tail, cost))
                # or a chain of dropped pairs came first: the lost trail is the chain's last
                for cf, paths in (yield from _chains(layers, lm, pi, group, None, reading, keep=END_KEEP)):
                    for y in heapq.nlargest(3, ys, key=lambda y, cf=cf: step(cf, y) if y else 0.0):
                        done.extend((end, path) for path in _extend(paths, y, step(cf, y) if y else 0.0))
    return dict(sorted(nxt.items(), key=_best_key, reverse=True)[:BEAM])


def _page_script(clean: str, simplified: str) -> str:
    """Script of the page's undamaged text (simplified: its simplified form); with too little
    evidence, traditional: the mirror pipeline that cuts GBK bytes converts pages to traditional
    script first (artifacts notes)."""
    if count_differing(clean, simplified) >= 5:  # characters conversion changed (t2s keeps the length)
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
