"""Single fixers: each takes a text and returns the edits that repair one kind of damage.

A fixer never changes legitimate text: clean simplified or traditional prose gets
no edit at all (tested on the development set in both scripts).
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

import regex

from .convert import to_simplified
from .offsets import Edit

# ---------------------------------------------------------------- HTML entities
_ENTITY = regex.compile(r"&(?:[a-zA-Z]{2,8}|#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6});")


_ENTITY_RUN = regex.compile(r"&(?:amp;)*(?:[a-zA-Z]{2,8}|#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6});")


def fix_html_entities(text: str) -> list[tuple[Edit, str]]:
    """'&nbsp;' '&ldquo;' and double-escaped '&amp;nbsp;'; only entities html.unescape knows.
    Adjacent entities are one repair ('&#20013;&#22269;' -> '中国'): a flood stays a few edits."""
    out: list[tuple[Edit, str]] = []
    if "&" not in text:
        return out
    run_start, run_end, parts = -1, -1, []  # the run of adjacent entities being read

    def close_run() -> None:
        if parts:
            out.append((Edit(run_start, run_end, "".join(parts)), "entity"))

    for m in _ENTITY_RUN.finditer(text):
        rep = m.group()
        for _ in range(3):  # '&amp;nbsp;' -> '&nbsp;' -> '\xa0'
            nxt = html.unescape(rep)
            if nxt == rep:
                break
            rep = nxt
        if rep == m.group():
            continue
        if m.start() != run_end:
            close_run()
            run_start, parts = m.start(), []
        parts.append(rep.replace("\xa0", " "))
        run_end = m.end()
    close_run()
    return out


# ---------------------------------------------------------------- escaped line breaks
_CRLF_STRICT = regex.compile(r"[ \t]*(?:x0dx0a)+[ \t]*", regex.I)


def fix_escaped_newlines(text: str) -> list[tuple[Edit, str]]:
    """Literal 'x0dx0a' (a CRLF that lost its backslashes) -> one line break."""
    if "x0d" not in text and "X0D" not in text:
        return []
    return [(Edit(m.start(), m.end(), "\n"), "crlf") for m in _CRLF_STRICT.finditer(text)]


# ---------------------------------------------------------------- numbers and brackets on their own line
@lru_cache(maxsize=2)
def _unit_start(after_spaces: bool) -> "regex.Pattern":
    from ..quantities import unit_pattern

    return regex.compile((r"\s*" if after_spaces else "") + unit_pattern())


@lru_cache(maxsize=256)
def _may_start_unit(ch: str, after_spaces: bool) -> bool:
    """Can a unit match (_unit_start) begin with ch, whatever follows?"""
    return _unit_start(after_spaces).match(ch, partial=True) is not None


def _matches_before_unit(search, text: str, after_spaces: bool = False, marks=frozenset()):
    """The matches of `search` (a pattern's search, from a position) that a unit of models/units.yaml
    (or 万/亿) follows, after spaces if `after_spaces`, or one of `marks`. The text may still be
    traditional: the few characters ahead are read in simplified script (OpenCC's t2s, which the
    pipeline loads anyway), so the one unit list serves both scripts. A rejected match lets the
    search go on from its next character, as a lookahead in the pattern would.

    The conversion is skipped where its first character cannot start a unit: OpenCC's t2s
    dictionaries hold no key with an ASCII character (tested), so an ASCII character ahead
    ('\n12\n' before the next cell's '5') stays itself."""
    unit = _unit_start(after_spaces)
    pos = 0
    while True:
        m = search(text, pos)
        if m is None:
            return
        at = m.end()
        first = text[at:at + 1]
        if first in marks:
            found = True
        elif first.isascii() and first and not _may_start_unit(first, after_spaces):
            found = False  # neither the text ahead nor its conversion can start with a unit
        else:
            ahead = text[at:at + 16]
            found = unit.match(ahead) or (not ahead.isascii() and unit.match(to_simplified(ahead)))
        if found:
            yield m
            pos = m.end()
        else:
            pos = m.start() + 1


_NUMBER_LINE = regex.compile(r"(?<=[^\n。；;！!？?:：|\t])\n(\d[\d,.]*%?)\n")
_AFTER_NUMBER_LINE = frozenset(",，。;；、)）")

# the standard library's re, opening with the line break: it skips to each one (regex tries every character)
_CLOSING_LINE = re.compile(r"\n(?<=[^\n]\n)(?=[)）])")


@lru_cache(maxsize=1)
def _number_line_before_unit() -> "regex.Pattern":
    """_NUMBER_LINE refusing in the pattern the commonest line _matches_before_unit would refuse
    (a table's cells, '\n12\n5'): one an ASCII character follows that is no mark and cannot start
    a unit. The same matches, without a Python step for each refused one: at a given start the
    pattern can match only one way (the number runs to the line's end)."""
    never = [c for c in map(chr, range(128)) if c not in _AFTER_NUMBER_LINE and not _may_start_unit(c, False)]
    return regex.compile(_NUMBER_LINE.pattern + "(?![" + "".join(f"\\x{ord(c):02x}" for c in never) + "])")


def fix_split_lines(text: str) -> list[tuple[Edit, str]]:
    """'信息\n5928\n条' -> '信息5928条'; a line that starts with the ')' closing the line before."""
    if "\n" not in text:
        return []
    found = []
    for m in _matches_before_unit(_number_line_before_unit().search, text, marks=_AFTER_NUMBER_LINE):
        found.append((Edit(m.start(), m.start() + 1, ""), "split_line"))
        found.append((Edit(m.end() - 1, m.end(), ""), "split_line"))
    has_closing_line = "\n)" in text or "\n）" in text  # what _CLOSING_LINE needs
    for m in _CLOSING_LINE.finditer(text) if has_closing_line else ():
        ls = text.rfind("\n", 0, m.start()) + 1
        line = text[ls:m.start()]
        if line.count("(") + line.count("（") > line.count(")") + line.count("）"):
            found.append((Edit(m.start(), m.end(), ""), "split_line"))
    found.sort(key=lambda x: x[0].start)
    return found


# ---------------------------------------------------------------- dates that lost 年/月
_DATE_DIGITS = regex.compile(r"(?<![\d年])((?:19|20)\d{2})(\d{2,4})日")
_MONTH_BEFORE = regex.compile(r"((?:19|20)\d{2}年)(\d{1,2})(?=底|初|中旬|上旬|下旬)")


def fix_lost_date_chars(text: str) -> list[tuple[Edit, str]]:
    """'201711日' -> '2017年1月1日' when only one month/day reading is a date; '2018年11底' -> '2018年11月底'.

    Dates are not facts; this keeps their digits out of the counts and readable.
    Ambiguous ones ('2017111日': 1-11 or 11-1) are left as they are.
    """
    out = []
    if "日" in text:
        for m in _DATE_DIGITS.finditer(text):
            rest = m.group(2)
            parses = []
            for k in (1, 2):
                mo, da = rest[:k], rest[k:]
                if da and not da.startswith("0") and not (mo.startswith("0") and k == 1) \
                        and 1 <= int(mo) <= 12 and 1 <= int(da) <= 31 and len(da) <= 2:
                    parses.append((mo, da))
            if len(parses) == 1:
                mo, da = parses[0]
                ys = m.start(2)
                out.append((Edit(ys, ys, "年"), "date"))
                out.append((Edit(ys + len(mo), ys + len(mo), "月"), "date"))
    if "底" not in text and "初" not in text and "旬" not in text:  # what _MONTH_BEFORE looks for
        return out
    for m in _MONTH_BEFORE.finditer(text):
        if 1 <= int(m.group(2)) <= 12:
            out.append((Edit(m.end(), m.end(), "月"), "date"))
    out.sort(key=lambda x: x[0].start)
    return out


# ---------------------------------------------------------------- full-width digits
# explicit classes: the standard library's re tests them with a bitmap; one character is looked
# for first (~2 us a report, the whole pattern ~6 us)
_FULLWIDTH_CHAR = r"[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF05]"
_FULLWIDTH_ANY = re.compile(_FULLWIDTH_CHAR)
_FULLWIDTH = re.compile(_FULLWIDTH_CHAR + r"+(?:[\uFF0E][\uFF10-\uFF19]+)?")


def fix_fullwidth_digits(text: str) -> list[tuple[Edit, str]]:
    """'１６３７' -> '1637'; full-width letters and ％ too. CJK punctuation is left alone."""
    out = []
    if not _FULLWIDTH_ANY.search(text):
        return out
    for m in _FULLWIDTH.finditer(text):
        rep = "".join(chr(ord(c) - 0xFEE0) for c in m.group())
        out.append((Edit(m.start(), m.end(), rep), "width"))
    return out


# ---------------------------------------------------------------- numbers split by spaces
_SPLIT_NUMBER = regex.compile(r"(?<![\d.,])\d{1,3}(?:[ \u3000\u00a0]\d{3})+(?![\d])")
_NUMBER_SPACES = regex.compile(r"[ \u3000\u00a0]")
# what every split number holds, 1-3 characters after its start: a pattern that opens with a class
# of three characters is scanned for much faster than one that opens with a digit after a lookbehind
_SPACED_THOUSANDS = regex.compile(r"[ \u3000\u00a0]\d{3}")


def _search_split_number(text: str, pos: int):
    """_SPLIT_NUMBER's search, tried only at the 1-3 starts before each _SPACED_THOUSANDS (the same
    matches: the starts are tried in order, and a text without spaced thousands costs one scan)."""
    for hit in _SPACED_THOUSANDS.finditer(text, pos):  # 4 characters that cannot overlap
        for start in range(max(pos, hit.start() - 3), hit.start()):
            m = _SPLIT_NUMBER.match(text, start)
            if m:
                return m
    return None


def fix_split_numbers(text: str) -> list[tuple[Edit, str]]:
    """'1 637条' -> '1637条' (only before a unit, so lists of numbers stay apart)."""
    out = []
    if " " not in text and "\u3000" not in text and "\u00a0" not in text:
        return out
    for m in _matches_before_unit(_search_split_number, text, after_spaces=True):
        rep = _NUMBER_SPACES.sub("", m.group())
        out.append((Edit(m.start(), m.end(), rep), "split_number"))
    return out


# ---------------------------------------------------------------- numbers set apart by spaces
# a number with a space before its unit, and often one before it, in a sentence ('收到依申请公开申请 1 件',
# '公开政府信息 165 条', '答复书》1 份'): pages exported with spaces around Latin digits
_SPACED_NUMBER = regex.compile(r"(?<![\d.,])(?:(?<=[\p{Han}，,、：:（(》”][ \u00a0])|(?<=[\p{Han}，,、：:（(》”]))"
                               r"\d+(?:\.\d+)?[ \u00a0](?=\S)")
_SENTENCE_MARKS = "。，；"
# what every spaced number ends with: the standard library's re skips to each one (the regex module
# would try _SPACED_NUMBER's lookbehinds at every character)
_DIGIT_SPACE = re.compile(r"\d[ \u00a0](?=\S)")


def _search_spaced_number(text: str, pos: int):
    """_SPACED_NUMBER's search, tried only at the start of the digits before each _DIGIT_SPACE."""
    for hit in _DIGIT_SPACE.finditer(text, pos):
        start = hit.start()
        while start > pos and (text[start - 1].isdigit() or text[start - 1] == "."):
            start -= 1
        before = text[max(0, start - 2):start].rstrip(" \u00a0")
        if not before or before[-1].isascii() and before[-1] not in ",:(":  # a table's '| 0 | 0 |', a code
            continue
        m = _SPACED_NUMBER.match(text, start)
        if m and m.end() == hit.end():
            return m
    return None


def fix_spaced_numbers(text: str) -> list[tuple[Edit, str]]:
    """'申请 1 件' -> '申请1件' in a sentence (a line with 。，；): a table row's cells apart by
    single spaces ('规章 0 0 6') stay apart, and so does a number no unit follows ('2025 年')."""
    out = []
    if " " not in text and "\u00a0" not in text:
        return out
    line_end, in_sentence = -1, False  # the line of the last match, read once (a page may be one long line)
    for m in _matches_before_unit(_search_spaced_number, text):
        if m.start() > line_end:
            ls = text.rfind("\n", 0, m.start()) + 1
            line_end = text.find("\n", m.end())
            if line_end < 0:
                line_end = len(text)
            in_sentence = any(text.find(c, ls, line_end) >= 0 for c in _SENTENCE_MARKS)
        if not in_sentence:
            continue
        if text[m.start() - 1] in " \u00a0":
            out.append((Edit(m.start() - 1, m.start(), ""), "spaced_number"))
        out.append((Edit(m.end() - 1, m.end(), ""), "spaced_number"))
    return out


# ---------------------------------------------------------------- inserted pinyin
_PY_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ"
_PINYIN_RUN = regex.compile(
    r"(?<=\p{Han})(?:[(（][" + _PY_LETTERS + r"]{1,7}[)）])+")
_ANNOT = regex.compile(r"[(（]([" + _PY_LETTERS + r"]{1,7})[)）]")
_ANNOT_TAIL = regex.compile(r"([" + _PY_LETTERS + r"]{1,7})[)）]")
_TONELESS = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvennnm")


def _plain(syllable: str) -> str:
    return syllable.translate(_TONELESS).replace("ü", "v")


@lru_cache(maxsize=8192)
def _readings(ch: str) -> tuple[frozenset, frozenset]:
    """(toned, toneless) readings of a Han character, from pypinyin's dictionary."""
    from pypinyin import Style, pinyin

    toned = {s for group in pinyin(ch, style=Style.TONE, heteronym=True) for s in group}
    return frozenset(toned), frozenset(_plain(s) for s in toned)


def is_reading(ch: str, syllable: str) -> bool:
    """Is `syllable` (toned or toneless) a reading of the Han character `ch`?"""
    toned, plain = _readings(ch)
    if syllable in toned:
        return True
    has_tone = _plain(syllable) != syllable.replace("ü", "v")
    return not has_tone and _plain(syllable) in plain


def fix_inserted_pinyin(text: str) -> list[tuple[Edit, str]]:
    """Remove '(chuàng)' after '創' when it is a reading of that character.

    Legitimate parentheses are kept: '(二)', '(http://…)', '(以下簡稱…)', '(GDP)',
    '附件(a)' — they contain no lowercase syllable that the character before can be read as.
    """
    out = []
    if "(" not in text and "（" not in text:
        return out
    for m in _PINYIN_RUN.finditer(text):
        ch = text[m.start() - 1]
        if all(is_reading(ch, a) for a in _ANNOT.findall(m.group())):
            out.append((Edit(m.start(), m.end(), ""), "pinyin"))
    return out


FIXERS = {
    "entity": fix_html_entities,
    "crlf": fix_escaped_newlines,
    "pinyin": fix_inserted_pinyin,
    "width": fix_fullwidth_digits,
    "split_number": fix_split_numbers,
    "split_line": fix_split_lines,
    "spaced_number": fix_spaced_numbers,
    "date": fix_lost_date_chars,
}
