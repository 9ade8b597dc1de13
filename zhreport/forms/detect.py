"""Which report is this: its year, its form template and its issuer."""
from __future__ import annotations

from collections import Counter
from typing import Optional

import regex

from .schema import TEMPLATES, load_template
from .tables import TableText, scan, template_votes

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
    years = Counter(int(m.group(1)) for m in _ANY_YEAR.finditer(text[:20000]))
    years = Counter({y: n for y, n in years.items() if 2000 <= y <= 2100})
    if years:
        return years.most_common(1)[0][0]
    return None


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
    for tid in TEMPLATES:
        det = load_template(tid).detect
        hits = sum(1 for k in det.get("any", []) if k in text)
        if any(k in text for k in det.get("none", [])):
            hits = 0
        votes[tid] = hits
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
    for votes in (template_votes(tables if tables is not None else scan(text)), _keyword_votes(text)):
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


_TITLE_ISSUER = regex.compile(
    r"^\s*(?:关于)?(?P<who>[^\d\s，,。：:]{2,40}?)\s*(?:(?:19|20)\d{2}\s*年度?)\s*(?:度)?\s*(?:政府信息公开|政务公开|信息公开)")
_TITLE_ISSUER_AFTER = regex.compile(
    r"^\s*(?:(?:19|20)\d{2}\s*年度?)\s*(?P<who>[^\d\s，,。：:]{2,40}?)\s*(?:政府信息公开|政务公开|信息公开)")


def detect_issuer(text: str, filing_unit: Optional[str] = None) -> Optional[str]:
    """The reporting body: 填报单位 of the table, else the report's title line."""
    if filing_unit:
        return filing_unit
    lines = [ln.strip() for ln in text[:4000].split("\n") if ln.strip()][:6]
    for line in lines:
        if len(line) > 60:
            continue
        for pat in (_TITLE_ISSUER, _TITLE_ISSUER_AFTER):
            m = pat.match(line)
            if m:
                who = m.group("who").strip("《》“”\"")
                if len(who) >= 2:
                    return who
    return None
