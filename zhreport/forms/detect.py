"""Which report is this: its year, its form template and its issuer."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

import regex

from .schema import TEMPLATES, load_template
from .table_text import TableText, scan
from .tables import template_votes

_TITLE_YEAR = regex.compile(r"((?:19|20)\d{2})\s*年(?:度)?[^。\n]{0,40}?(?:政府信息公开|政务公开|信息公开)[^。\n]{0,12}?(?:年度报告|年报|工作报告|报告)")
_PERIOD_YEAR = regex.compile(r"(?:统计期限|统计时限|统计时间|所列数据)[^。\n]{0,20}?((?:19|20)\d{2})\s*年")
_YEAR_DU = regex.compile(r"((?:19|20)\d{2})\s*年度")
_ANY_YEAR = regex.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?!\d)")


def detect_year(text: str) -> Optional[int]:
    """The year the report is about: title, statistics period, 'XXXX年度', else the commonest year."""
    head = text[:3000]
    for pat in (_TITLE_YEAR, _PERIOD_YEAR, _YEAR_DU):
        m = pat.search(head)
        if m:
            return int(m.group(1))
    years: dict[int, int] = {}  # a dict, not a Counter (~4 µs to build)
    for m in _ANY_YEAR.finditer(text[:20000]):
        y = int(m.group(1))
        if 2000 <= y <= 2100:
            years[y] = years.get(y, 0) + 1
    # the commonest, the first named among equals (as Counter.most_common gives it)
    return max(years, key=years.__getitem__) if years else None


def template_for_year(year: Optional[int]) -> Optional[str]:
    if year is None:
        return None
    if year <= 2018:
        return "gov2008"
    if year <= 2020:
        return "gov2019"
    return "gov2021"


def _keyword_votes(text: str) -> dict[str, int]:
    votes = {}
    has = text.__contains__
    for tid in TEMPLATES:
        det = load_template(tid).detect
        votes[tid] = 0 if any(map(has, det.get("none", []))) else sum(map(has, det.get("any", [])))
    return votes


def detect_template(text: str, year: Optional[int], tables: Optional[TableText] = None
                    ) -> tuple[Optional[str], Optional[str]]:
    """(template, note): the printed table labels decide; the year breaks ties.

    Offices kept an old form for a year or two (a 2019 report with the 2008 table, a 2022
    one with the 2019 tables), so a page whose labels are those of one form is read on that
    form whatever its year; the note says so. Labels of a table whose values could not be
    read (the forms' keywords) count when no table is read; otherwise the year decides.
    """
    by_year = template_for_year(year)
    for count_votes in (lambda: template_votes(tables if tables is not None else scan(text)),
                        lambda: _keyword_votes(text)):  # the keywords only when the tables do not decide
        votes = count_votes()
        top = max(votes.values())
        leaders = [t for t, v in votes.items() if v == top]
        if top >= 2 and len(leaders) == 1:
            best = leaders[0]
            if by_year is not None and best != by_year:
                return best, (f"the table labels are those of {best}, though the report year {year} "
                              f"implies {by_year}: read on {best}")
            return best, None
        if top:
            break  # table labels that do not decide: the year does
    return by_year, None


_YEAR_TITLE = regex.compile(
    r"(?P<year>(?:19|20)\d{2})\s*年(?:度)?(?P<after>[^\n。]{0,40}?)(?:政府信息公开|政务公开|信息公开)"
    r"[^\n。]{0,20}?(?:报告|年报)")
_DATE_LINE = regex.compile(r"^(?:(?:19|20)\d{2}|[〇○零一二]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月"
                           r"(?:\s*[\d一二三四五六七八九十]{1,3}\s*日)?$")
_HAN_RUN = regex.compile(r"[\p{Han}（）()·]+$")


@lru_cache(maxsize=None)
def _issuer_vocab() -> dict:
    from ..resources import load_yaml

    v = load_yaml("issuers.yaml")
    suffixes = sorted({s for group in v["organ_suffixes"].values() for s in group}, key=len, reverse=True)
    verbs = _one_of(v["body_verbs"])
    return {
        "suffixes": tuple(suffixes),
        "lead": regex.compile("|".join(sorted(map(regex.escape, v["lead_words"]), key=len, reverse=True))),
        # a sentence that opens with the body: after a line's start, a sentence end or a year. The text's
        # start is looked at apart ("opening"): a pattern that also matches at every line start ('^') is
        # tried at every character, one that opens with a character set only where the set's characters are
        "opening": regex.compile(r"[ \t　]*(?P<who>\p{Han}{3,30}?)(?:" + verbs + ")"),
        "body": regex.compile(r"(?:[\n。；;]|(?:19|20)\d{2}年(?:度|以来)?[,，]?)[ \t　]*(?P<who>\p{Han}{3,30}?)(?:"
                              + verbs + ")"),
        "author": regex.compile(r"由(?P<who>\p{Han}{2,40}?)(?:" + _one_of(v["author_verbs"]) + ")"),
        "meta": regex.compile(r"(?:" + "|".join(map(regex.escape, v["meta_labels"]))
                              + r")(?:[（(]盖章[)）])?\s*[:：]\s*(?P<who>\p{Han}{2,30})"),
    }


def _one_of(words: list[str]) -> str:
    """An alternation of the words, behind a class of their first characters: at each position
    tried (each length of a lazy run of Han characters), one character test instead of one per word."""
    firsts = "".join(sorted({regex.escape(w[0]) for w in words}))
    return f"(?=[{firsts}])(?:" + "|".join(map(regex.escape, words)) + ")"


_CLOSING_NOTE = regex.compile(r"[（(][^（）()]*[)）]$")
_WORD_BREAK = regex.compile(r"[:：,，、《“\s]")
_HAN_TAIL = regex.compile(r"[\p{Han}]{0,40}$")


def _organ(name: str) -> Optional[str]:
    """The name when it reads as an organ (its ending is one), else None."""
    name = _CLOSING_NOTE.sub("", name.strip(" \t　《》“”\"'"))  # 司法局（区行政复议局）
    if not (2 <= len(name) <= 40) or not _HAN_RUN.match(name) or name.startswith(("关于", "我", "本", "该")):
        return None
    if "年度" in name or "报告" in name:
        return None
    return name if name.endswith(_issuer_vocab()["suffixes"]) else None


def _named_place(name: str) -> bool:
    from ..region import gazetteer

    return gazetteer().names_at(name, 0) is not None


def _before_year(head: str, need_lead: bool) -> Optional[str]:
    """The issuer in the words before a report's year: after the last lead word, before 关于."""
    head = _WORD_BREAK.split(head)[-1]
    k = head.find("关于")
    if k >= 0:
        head = head[:k]
    leads = list(_issuer_vocab()["lead"].finditer(head))
    if leads:
        head = head[leads[-1].end():]
    elif need_lead:
        return None
    return _organ(head)


def _from_title(lines: list[str]) -> Optional[str]:
    """The issuer named before the year in the title (the first eight lines, each alone or with the next)."""
    for i, line in enumerate(lines[:8]):
        if len(line) > 80:  # a title is short: so is it with the next line
            continue
        joined = [line] + ([line + lines[i + 1]] if i + 1 < len(lines) else [])
        for cand in joined:
            if len(cand) > 80 or "公开" not in cand:  # what every title _YEAR_TITLE reads names
                continue
            m = _YEAR_TITLE.search(cand)
            if not m:
                continue
            who = _before_year(cand[: m.start()], need_lead=False) or _organ(m.group("after"))
            if who:
                return who
    return None


def _from_signature(lines: list[str]) -> Optional[str]:
    """An organ alone on a line next to a date line (the signature, or the author under the title)."""
    for i, line in enumerate(lines):
        if len(line) > 30 or "月" not in line or not _DATE_LINE.match(line.replace(" ", "")):
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(lines):
                who = _organ(lines[j].replace(" ", "").replace("　", ""))
                if who and (_named_place(who) or who.endswith(("人民政府", "办事处"))):
                    return who
    return None


def _from_sentences(head: str) -> Optional[str]:
    """The sentence that names the report ("现公布X2019年…报告", "由X编制"), then a sentence X opens."""
    v = _issuer_vocab()
    for m in _YEAR_TITLE.finditer(head):
        # the run ends at most one character (a final newline) before the year: 41 characters hold it
        run = _HAN_TAIL.search(head[max(0, m.start() - 41): m.start()]).group(0)
        at = m.start() - len(run)
        opened = at == 0 or head[at - 1] in "《“\n"
        who = _before_year(run, need_lead=not opened)
        if who:
            return who
    for m in v["author"].finditer(head):
        who = _organ(m.group("who"))
        if who:
            return who
    for m in _openings(head):
        who = _organ(m.group("who"))
        if who and _named_place(who):
            return who
    return None


def _openings(head: str):
    """The sentences that open with a body, in order: a line's start is no other start than the
    newline before it (a sentence there is found at the newline), but for the text's own start."""
    v = _issuer_vocab()
    first = v["opening"].match(head)
    if first:
        yield first
    yield from v["body"].finditer(head, first.end() if first else 0)


def _from_meta(head: str) -> Optional[str]:
    for m in _issuer_vocab()["meta"].finditer(head):
        who = _organ(m.group("who"))
        if who:
            return who
    return None


def detect_issuer(text: str, filing_unit: Optional[str] = None) -> Optional[str]:
    """The reporting body as printed: the form's 填报单位, the title, a signature line,
    the sentence that names the report or opens with the body, the page's 发布机构.

    Never a word that is no organ ('关于'); None when the text names none.
    """
    who = _organ(filing_unit.replace(" ", "")) if filing_unit else None
    if who:
        return who
    lines = list(filter(None, map(str.strip, text.split("\n"))))  # the lines that are not blank, stripped
    head = text[:4000]
    return (_from_title(lines) or _from_signature(lines) or _from_sentences(head) or _from_meta(head)
            or _from_meta(text[-3000:]))
