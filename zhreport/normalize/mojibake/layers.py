"""The characters a layer of the search may try, likeliest first.

A chain of dropped pairs (see search.py) is expanded layer by layer; each layer may
only try the characters of the code table that fit its bytes. The lists are long
(a lead byte's row, or every character after any dropped pair), so each keeps only
its likeliest characters: the process-wide ones for the page's script, plus the
page's own characters that fit.
"""
from __future__ import annotations

import heapq
from functools import lru_cache
from typing import Optional

from ..convert import code_points
from ..lm import CharLM, base_char_weight, simplified_char
from .gbk import byte_pairs, drop_first, read_as, tables, unmapped_flags

# characters tried per layer: FIRST_N 8, FINAL_N 10, ROW_N 16 and ANY_N 50 keep every tune, case and
# unseen figure of 10, 24, 24 and 100; FIRST_N 6 loses tune lines (143/150, not 145), MIDDLE_N 12
# loses lines and applies wrong repairs, and the seed page comes out otherwise. FINAL_N 8 and ANY_N 20
# (with search.py's START_N 8 and BEAM 6) chose as 10 and 50 on 2,546 runs: every choice, runner-up and
# confidence the same (scripts/tune_mojibake.py --choices: the seed, 9 damaged dev pages, tune, cases,
# unseen lines, dev lines of 6 other generator seeds and synthetic lines of 3); FINAL_N 7 and ANY_N 12
# each change one
FIRST_N, MIDDLE_N, FINAL_N, ROW_N = 8, 16, 8, 16
ANY_N = 20  # characters tried for a last character whose trail byte is lost


def layer_items(kind: str, arg: int, trail: Optional[int], by_lead: dict, by_trail: dict) -> list:
    """The items a layer may try, from a character table by lead and by trail byte."""
    f, df = unmapped_flags(), drop_first()
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


@lru_cache(maxsize=1)
def drop_classes() -> dict:
    """byte u -> the first byte of its class: the bytes after which the same bytes v make a dropped
    pair (u, v). A layer after u depends only on u's class (23 bytes, 11 classes), so pages share
    its lists and their scores across the bytes of a class."""
    f = unmapped_flags()
    first: dict = {}
    out = {}
    for u in range(0x81, 0xFF):
        out[u] = first.setdefault(bytes(f[u * 256 + 0x81:u * 256 + 0xFF]), u)
    return out


@lru_cache(maxsize=None)
def global_top(kind: str, arg: int, trail: Optional[int], script: str, n: int) -> tuple:
    """The n likeliest items of a layer, by base weight (shared by all pages of a script)."""
    items = layer_items(kind, arg, trail, *tables())
    return tuple(heapq.nlargest(n, items, key=lambda it: base_char_weight(it[-1], script)))


@lru_cache(maxsize=1)
def gbk_by_simplified() -> dict:
    """simplified character -> the characters of the code table (tables()) that simplify to it."""
    out: dict = {}
    for c in byte_pairs():
        out.setdefault(simplified_char(c), []).append(c)
    return out


@lru_cache(maxsize=1)
def simplified_codes() -> tuple:
    """(code point -> the code point of its simplified form, for the characters of the code table,
    0 for the others: a numpy array; {simplified form beyond the BMP: its characters})."""
    import numpy as np

    codes = np.zeros(0x10000, dtype=np.int64)  # 0: no page holds it
    beyond = {}
    for s, chars in gbk_by_simplified().items():
        if ord(s) < 0x10000:
            codes[[ord(c) for c in chars]] = ord(s)
        else:
            beyond[s] = chars
    return codes, beyond


@lru_cache(maxsize=None)
def global_ranked(kind: str, arg: int, trail: Optional[int], script: str, n: int) -> tuple:
    """global_top's items as (-base weight, item)."""
    return tuple((-base_char_weight(it[-1], script), it) for it in global_top(kind, arg, trail, script, n))


def preload(scripts=("hant", "hans")) -> None:
    """The lists that do not depend on a trail byte: computed once per process, not per first page."""
    by_lead, _by_trail = tables()
    simplified_codes()
    for script in scripts:
        for lead in sorted(by_lead):
            global_ranked("row", lead, None, script, ROW_N)
            global_ranked("first", lead, None, script, FIRST_N)
        for u in sorted({drop_classes()[u] for u in drop_first()}):
            global_ranked("middle", u, None, script, MIDDLE_N)
            global_ranked("final", u, None, script, ANY_N)


class Row:
    """The model's step costs from one character to a list of items' characters (a row of a
    layer), in item order (costs); their ranking, best first, is made when first read past the
    best: most rows are read only at their best item (a search merges many rows and stops early)."""

    __slots__ = ("costs", "items", "best", "first", "_ranked")

    def __init__(self, costs: list, items: tuple):
        self.costs, self.items = costs, items
        if costs:
            self.best = max(costs)
            self.first = costs.index(self.best)  # ties in item order
        self._ranked = None

    def ranked(self) -> tuple:
        """(costs best first, their item indexes), ties in item order."""
        if self._ranked is None:
            costs = self.costs
            # the sort is stable, also reversed; a row is short, so sorting it in Python costs
            # less than numpy's fixed charge per call
            self._ranked = (sorted(costs, reverse=True),
                            sorted(range(len(costs)), key=costs.__getitem__, reverse=True))
        return self._ranked


_NO_ROW = Row([], ())  # the row of no items


class Layers:
    """The characters each layer may try on one page (memoised per page)."""

    def __init__(self, lm: CharLM):
        self.lm = lm
        self._memo: dict = {}
        self._class = drop_classes()
        self._rows: dict = {}  # (prev char, id(items)) -> its Row
        self._item_chars: dict = {}  # id(items) -> (their characters as a string, items)
        self._weights: dict = {}  # char the page holds -> lm.page_weight
        # 1 at the code point of each character of the code table the page holds (in simplified script)
        simplified, beyond = simplified_codes()
        self._held = bytearray(lm.holds(simplified).tobytes())
        for s in beyond.keys() & lm.cache_uni.keys():
            for c in beyond[s]:
                self._held[ord(c)] = 1
        # the page's characters, as tables() holds the code table's
        self._doc_by_lead: dict = {}
        self._doc_by_trail: dict = {}
        pairs = byte_pairs()
        for c in sorted(lm.doc_chars):
            b = pairs.get(c)
            if b is not None:
                self._doc_by_lead.setdefault(b[0], []).append((b[1], c))
                self._doc_by_trail.setdefault(b[1], []).append((b[0], c))

    def _top(self, kind: str, arg: int, trail: Optional[int], n: int) -> tuple:
        key = (kind, arg, trail)
        got = self._memo.get(key)
        if got is None:
            script = self.lm.script
            shared = global_top(kind, arg, trail, script, n)
            own = layer_items(kind, arg, trail, self._doc_by_lead, self._doc_by_trail)
            # the n likeliest by the page's weights, equal weights in item order: one order whatever
            # the process's string hashing (a sort of (-weight, item): nlargest over the sorted items,
            # at once); the items the page lacks keep their process-wide weight
            held = self._held
            ranked, on_page = [], False
            for neg, it in global_ranked(kind, arg, trail, script, n):
                if held[ord(it[-1])]:
                    ranked.append((-self._weight(it[-1]), it))
                    on_page = True
                else:
                    ranked.append((neg, it))
            if not own and not on_page:
                got = shared  # the page changes no weight: the process-wide order stands
            else:
                for it in own:
                    if it not in shared:
                        c = it[-1]
                        ranked.append((-(self._weight(c) if held[ord(c)] else base_char_weight(c, script)), it))
                ranked.sort()
                got = tuple([it for _w, it in ranked[:n]])
            self._memo[key] = got
        return got

    def _weight(self, c: str) -> float:
        """lm.page_weight of a character the page holds (memoised per page)."""
        got = self._weights.get(c)
        if got is None:
            got = self._weights[c] = self.lm.page_weight(c)
        return got

    def opening(self, trail: int, left: str) -> tuple:
        """([char], [score]) of the characters whose trail byte is `trail` (a run's first character,
        read after the lost lead byte), scored after the text `left` (its last character)."""
        key = ("opening", trail, left[-1:])
        got = self._memo.get(key)
        if got is None:
            chars = [ch for _a, ch in tables()[1].get(trail, [])]
            got = self._memo[key] = (chars, self.lm.score_each(chars, left).tolist() if chars else [])
        return got

    def row(self, lead: int, reading: Optional[str] = None) -> tuple:
        """(trail, char) of the lead byte's row: a character whose trail byte was lost."""
        if reading is None:
            return self._top("row", lead, None, ROW_N)
        key = ("row", lead, reading)
        got = self._memo.get(key)
        if got is None:
            got = self._memo[key] = tuple((t, c) for ld, t, c in read_as(reading) if ld == lead and t >= 0x81)
        return got

    def first(self, lead: int) -> tuple:
        """(u, char): the character before a chain, whose trail u opens the first dropped pair."""
        got = self._memo.get(("first", lead, None))
        return self._top("first", lead, None, FIRST_N) if got is None else got

    def middle(self, u: int) -> tuple:
        """(v, u2, char) after a dropped (u, v): a character inside a chain."""
        u = self._class[u]
        got = self._memo.get(("middle", u, None))
        return self._top("middle", u, None, MIDDLE_N) if got is None else got

    def final(self, u: int, trail: Optional[int], reading: Optional[str] = None) -> tuple:
        """(v, char) after a dropped (u, v): the character that ends a chain."""
        u = self._class[u]
        got = self._memo.get(("final", u, reading if reading is not None else trail))
        if got is not None:
            return got
        if reading is not None:  # trail lost, but the page's pinyin names the character
            f = unmapped_flags()
            got = self._memo[("final", u, reading)] = tuple((ld, c) for ld, t, c in read_as(reading)
                                                            if f[u * 256 + ld] and t >= 0x81)
            return got
        return self._top("final", u, trail, FINAL_N if trail is not None else ANY_N)

    def first_rows(self, lead: int, trail: Optional[int], reading: Optional[str]) -> dict:
        """{(u, char) of first(lead): (its row to final(u, trail, reading), its row to middle(u))}:
        the first layer of a chain is the same for every group of the page."""
        key = ("first_rows", lead, reading if reading is not None else trail)
        got = self._memo.get(key)
        if got is None:
            first = self.first(lead)
            asked = self._first_rows_asked(first, trail, reading)
            rows = self.scored_rows(asked)  # a search asks for them first (first_rows_asked)
            if not all(rows):
                self.score(asked)
                rows = self.scored_rows(asked)
            got = self._memo[key] = {uc: (rows[j], rows[len(first) + j]) for j, uc in enumerate(first)}
        return got

    def first_rows_asked(self, lead: int, trail: Optional[int], reading: Optional[str]) -> list:
        """The rows first_rows scores, [] once it is known."""
        if ("first_rows", lead, reading if reading is not None else trail) in self._memo:
            return []
        return self._first_rows_asked(self.first(lead), trail, reading)

    def _first_rows_asked(self, first: tuple, trail: Optional[int], reading: Optional[str]) -> list:
        return [(c, self.final(u, trail, reading)) for u, c in first] + [(c, self.middle(u)) for u, c in first]

    def score(self, rows: list) -> None:
        """Score the rows (prev char, items) not scored yet, in one call of the array model
        (memoised per page: a row recurs across the runs and steps of a page)."""
        got = self._rows
        missing = {}
        for prev, items in rows:
            if items:
                key = (prev, id(items))
                if key not in got:
                    missing[key] = (prev, items)
        if not missing:
            return
        import numpy as np

        todo = list(missing.values())
        lens = [len(items) for _prev, items in todo]
        prev_codes = np.repeat([ord(prev) for prev, _items in todo], lens)
        # the items' characters read at once, as code points (UTF-32)
        chars = code_points("".join([self._chars(items) for _prev, items in todo])).astype(np.int64)
        costs = self.lm.step_array(prev_codes, chars).tolist()
        at = 0
        for key, (_prev, items), n in zip(missing, todo, lens):
            # the items are kept with the row: the key holds their id
            got[key] = Row(costs[at:at + n], items)
            at += n

    def scored_rows(self, rows: list) -> list:
        """The Row of each (prev char, items) scored so far, None for the others."""
        got = self._rows
        return [got.get((prev, id(items))) if items else _NO_ROW for prev, items in rows]

    def _chars(self, items: tuple) -> str:
        """The items' characters as a string (memoised per page: a list of items is scored from
        many characters)."""
        got = self._item_chars.get(id(items))
        if got is None:
            # the items are kept with their characters: the key is their id
            got = self._item_chars[id(items)] = ("".join([it[-1] for it in items]), items)
        return got[0]
