"""Issuer, issuer level and region: the seed, and 73 issuer lines of both scripts at every level."""
import json

import pytest

from zhreport.normalize import normalize
from zhreport.region import gazetteer, identify_issuer, resolve_issuer

from .conftest import ROOT

CASES = json.loads((ROOT / "tests" / "cases" / "issuers.json").read_text(encoding="utf-8"))["cases"]


def _identify(text):
    who, level, region = identify_issuer(normalize(text).text)
    return who, level, region["code"] if region else None


def test_seed_issuer_level_and_region(seed_report):
    d = seed_report.to_dict()
    assert d["issuer"] == "柞水县人民政府办公室"
    assert d["issuer_level"] == "county government"
    assert d["region"] == {"code": "611026", "name": "陕西省商洛市柞水县", "level": "county"}


def test_issuer_lines_mostly_right_and_no_region_guessed():
    assert len(CASES) >= 60
    got = [_identify(c["text"]) for c in CASES]
    right = sum(g == (c["issuer"], c["level"], c["region"]) for g, c in zip(got, CASES))
    assert right / len(CASES) >= 0.95, [(c["text"][:30], g) for g, c in zip(got, CASES)
                                        if g != (c["issuer"], c["level"], c["region"])]
    # a region is either the right one or none: never a guess
    wrong_regions = [(c["text"][:30], g[2]) for g, c in zip(got, CASES) if g[2] is not None and g[2] != c["region"]]
    assert wrong_regions == []


def test_the_set_covers_every_level_both_scripts_and_ambiguous_names():
    levels = {c["level"].split()[0] for c in CASES if c["level"]}
    assert levels >= {"national", "province", "city", "county", "township"}
    assert {c["level"].split()[1] for c in CASES if c["level"]} == {"government", "department"}
    assert any("縣" in c["text"] or "區" in c["text"] for c in CASES)
    ambiguous = [c for c in CASES if len(gazetteer().by_name.get(c["issuer"][:3] if c["issuer"] else "", ())) > 1]
    assert any(c["region"] is None for c in ambiguous) and any(c["region"] for c in ambiguous)


def test_title_that_opens_with_guanyu_is_no_issuer():
    assert _identify("关于2022年度政府信息公开工作年度报告\n一、总体情况")[0] is None
    assert _identify("山东省财政厅关于2022年度政府信息公开工作年度报告的说明")[0] == "山东省财政厅"


def test_department_resolves_through_its_government():
    assert resolve_issuer("湖北省生态环境厅") == (
        "province department", {"code": "420000", "name": "湖北省", "level": "province"})
    level, region = resolve_issuer("武汉市江岸区城市管理执法局")
    assert level == "county department" and region["code"] == "420102"


@pytest.mark.parametrize("issuer", ["鼓楼区人民政府", "城区人民政府", "朝阳区教育委员会"])
def test_ambiguous_place_without_its_city_has_no_region(issuer):
    assert resolve_issuer(issuer, "本区全年收到申请3件。")[1] is None


def test_the_text_settles_an_ambiguous_place_only_by_naming_it_with_its_parent():
    assert resolve_issuer("鼓楼区人民政府", "地址：徐州市鼓楼区中山北路")[1]["code"] == "320302"
    # both parents named: still no guess
    assert resolve_issuer("鼓楼区人民政府", "南京市鼓楼区与福州市鼓楼区")[1] is None


def test_gazetteer_comes_from_the_package():
    g = gazetteer()
    assert len(g.by_code) > 3000
    assert g.full_name("429004") == "湖北省仙桃市"
    assert g.by_code["110105"].level == "county" and g.full_name("110105") == "北京市朝阳区"
