"""Single fixers: each takes a text and returns the edits that repair one kind of damage.

A fixer never changes legitimate text: clean simplified or traditional prose gets
no edit at all (tested on the development set in both scripts).
"""
from __future__ import annotations

import html
from functools import lru_cache

import regex

from .offsets import Edit

# ---------------------------------------------------------------- HTML entities
_ENTITY = regex.compile(r"&(?:[a-zA-Z]{2,8}|#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6});")


def fix_html_entities(text: str) -> list[tuple[Edit, str]]:
    """'&nbsp;' '&amp;' ... left in scraped text; only entities html.unescape knows."""
    out = []
    if "&" not in text:
        return out
    for m in _ENTITY.finditer(text):
        rep = html.unescape(m.group())
        if rep != m.group():
            if rep == "\xa0":
                rep = " "
            out.append((Edit(m.start(), m.end(), rep), "entity"))
    return out


# ---------------------------------------------------------------- full-width digits
_FULLWIDTH = regex.compile(r"[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF05]+(?:[\uFF0E][\uFF10-\uFF19]+)?")


def fix_fullwidth_digits(text: str) -> list[tuple[Edit, str]]:
    """'１６３７' -> '1637'; full-width letters and ％ too. CJK punctuation is left alone."""
    out = []
    for m in _FULLWIDTH.finditer(text):
        rep = "".join(chr(ord(c) - 0xFEE0) for c in m.group())
        out.append((Edit(m.start(), m.end(), rep), "width"))
    return out


# ---------------------------------------------------------------- numbers split by spaces
_SPLIT_NUMBER = regex.compile(r"(?<![\d.,])\d{1,3}(?:[ \u3000\u00a0]\d{3})+(?![\d])(?=\s*[件条條次个個人名篇场場期项項家起份部元万萬亿億%])")


def fix_split_numbers(text: str) -> list[tuple[Edit, str]]:
    """'1 637条' -> '1637条' (only before a unit, so lists of numbers stay apart)."""
    out = []
    for m in _SPLIT_NUMBER.finditer(text):
        rep = regex.sub(r"[ \u3000\u00a0]", "", m.group())
        out.append((Edit(m.start(), m.end(), rep), "split_number"))
    return out


# ---------------------------------------------------------------- inserted pinyin
_PY_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ"
_PINYIN_RUN = regex.compile(
    r"(?<=\p{Han})(?:[(（][" + _PY_LETTERS + r"]{1,7}[)）])+")
_ANNOT = regex.compile(r"[(（]([" + _PY_LETTERS + r"]{1,7})[)）]")
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
    "pinyin": fix_inserted_pinyin,
    "width": fix_fullwidth_digits,
    "split_number": fix_split_numbers,
}
