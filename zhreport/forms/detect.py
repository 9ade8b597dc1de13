"""Which report is this: its year, its form template and its issuer."""
from __future__ import annotations

from collections import Counter
from typing import Optional

import regex

from .schema import TEMPLATES, load_template

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


def detect_template(text: str, year: Optional[int]) -> tuple[Optional[str], Optional[str]]:
    """(template, note): the year decides; the table's labels confirm or overrule.

    A 2019 report that still prints the old table is gov2008 (the 2019 format was
    only encouraged); the note says when year and labels disagree.
    """
    by_year = template_for_year(year)
    votes = _keyword_votes(text)
    best = max(votes, key=lambda t: votes[t]) if any(votes.values()) else None
    if by_year is None:
        return best, None
    if best and best != by_year and votes[best] >= 2 and votes[by_year] == 0:
        if year == 2019 and best == "gov2008":
            return best, None  # allowed: old table in a 2019 report
        return by_year, f"the report year {year} implies {by_year}, but the table labels are those of {best}"
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
