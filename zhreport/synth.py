"""Synthetic reports of all three form generations, with their gold (the gold contract).

Each document is written piece by piece, so every gold number's span is exact:
narratives in several phrasings, 1-D tables (pipe, tab, one cell per line), 2-D
application tables (pipe rows with lost row spans, tabs, one cell per line, HTML
with rowspan/colspan), review/litigation rows; traditional script for some, the
mirror-site damage (zhreport.normalize.damage) for others, .txt or .html. Numbers
obey the forms' arithmetic, so a correct extraction raises no check. ``broken``
adds files a real crawl has (binary, empty, truncated UTF-8, wrong extension, a
100 MB file, a dangling link) that are not in the gold.
"""
from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Optional

from .forms.schema import load_template
from .normalize.damage import farm_damage, to_traditional_chars

__all__ = ["generate", "write_corpus"]

PLACES = ["安平", "宝丰", "长宁", "定远", "丰城", "广德", "海安", "怀宁", "江华", "嘉禾", "乐平", "临泉", "茂名",
          "南溪", "平江", "青阳", "瑞安", "绍兴", "泰和", "文登", "仙居", "新化", "永修", "岳西", "镇平", "资中"]
LEVELS = ["县", "市", "区"]
BODIES = ["人民政府办公室", "财政局", "教育局", "民政局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局",
          "卫生健康委员会", "市场监督管理局", "人力资源和社会保障局", "司法局", "审计局", "统计局", "应急管理局",
          "农业农村局", "文化和旅游局", "林业局", "水利局", "退役军人事务局"]
FILLER = ["本年度，我单位坚持“公开为常态、不公开为例外”，认真落实政府信息公开各项工作要求。",
          "单位主要负责同志多次听取政务公开工作汇报，明确专人负责信息发布和审核。",
          "进一步完善信息发布审核机制，拟公开信息经科室初审、办公室复核后发布。",
          "围绕群众关心关注的重点领域，持续加大信息公开力度，提升公开实效。",
          "存在的主要问题是部分信息更新不够及时，下一步将加强业务培训，提升工作水平。"]


class _Doc:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.facts: list[dict] = []
        self.form: dict = {}

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def num(self, value, unit: Optional[str], indicator: str, field: Optional[str] = None,
            written: Optional[str] = None, form_value=None) -> None:
        text = written if written is not None else str(value)
        start = self.pos
        self.add(text)
        fact = {"number": text, "value": value, "unit": unit, "approx": None, "indicator": indicator,
                "field": field, "span": [start, start + len(text)]}
        self.facts.append(fact)
        if unit:
            self.add(unit)
        if field:
            self.form.setdefault(field, value if form_value is None else form_value)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _issuer(rng: random.Random) -> str:
    return rng.choice(PLACES) + rng.choice(LEVELS) + rng.choice(BODIES)


# ---------------------------------------------------------------- gov2008
def _gov2008(rng: random.Random, d: _Doc, year: int, issuer: str, layout: Optional[str]) -> dict:
    d.add(f"{issuer}{year}年政府信息公开工作年度报告\n")
    d.add(f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。\n一、概述\n")
    d.add(rng.choice(FILLER) + "\n二、主动公开政府信息情况\n")
    items = rng.randint(50, 3000)
    web = rng.randint(items // 2, items)
    wechat = rng.randint(0, items // 3)
    phrasing = rng.randrange(3)
    if phrasing == 0:
        d.add("全年主动公开政府信息"); d.num(items, "条", "主动公开政府信息数", "proactive.items.total")
        d.add("，其中通过政府网站公开"); d.num(web, "条", "政府网站公开政府信息数", "proactive.channels.website")
        d.add("，通过政务微信发布"); d.num(wechat, "条", "政务微信公开政府信息数", "proactive.channels.wechat")
        d.add("。\n")
    elif phrasing == 1:
        d.add("本年度主动公开政府信息合计"); d.num(items, "条", "主动公开政府信息数", "proactive.items.total")
        d.add("。从发布渠道看，政府网站刊载"); d.num(web, "条", "政府网站公开政府信息数", "proactive.channels.website")
        d.add("，微信公众号推送"); d.num(wechat, "条", "政务微信公开政府信息数", "proactive.channels.wechat")
        d.add("。\n")
    else:
        d.add("我局累计主动公开政府信息"); d.num(items, "条", "主动公开政府信息数", "proactive.items.total")
        d.add("，全文电子化率达"); d.num(100, "%", "全文电子化率")
        d.add("。\n")
        web = wechat = None
    d.add("三、依申请公开政府信息情况\n")
    received = rng.choice([0, 0, rng.randint(1, 40)])
    in_person = online = letter = 0
    granted = partial = 0
    if received == 0:
        d.add(f"{year}年，我局未收到政府信息公开申请。\n")
        d.form["requests.received.total"] = 0
    else:
        in_person = rng.randint(0, received)
        online = rng.randint(0, received - in_person)
        letter = received - in_person - online
        granted = rng.randint(0, received)
        partial = received - granted
        d.add("全年共收到政府信息公开申请"); d.num(received, "件", "收到申请数", "requests.received.total")
        d.add("，其中当面申请"); d.num(in_person, "件", "当面申请数", "requests.received.by_channel.in_person")
        d.add("、网络申请"); d.num(online, "件", "网络申请数", "requests.received.by_channel.online")
        d.add("、信函申请"); d.num(letter, "件", "信函申请数", "requests.received.by_channel.letter")
        d.add("；同意公开"); d.num(granted, "件", "同意公开答复数", "requests.outcome.granted.total")
        d.add("，同意部分公开"); d.num(partial, "件", "同意部分公开答复数", "requests.outcome.partial.total")
        d.add("。\n")
    d.add("四、政府信息公开收费及减免情况\n全年未收取任何费用。\n")
    d.form["fees.request_fees"] = 0
    d.add("五、因政府信息公开申请行政复议、提起行政诉讼情况\n")
    review = rng.choice([0, 0, 1, 2])
    if review == 0:
        d.add("全年未发生因政府信息公开引起的行政复议和行政诉讼。\n")
        d.form["admin_review.total"] = 0
        d.form["litigation.total"] = 0
    else:
        d.add("全年受理行政复议案件"); d.num(review, "件", "行政复议案件", "admin_review.total")
        d.add("，被依法纠错"); d.num(review, "件", "行政复议-被依法纠错", "admin_review.corrected")
        d.add("；未发生行政诉讼。\n")
        d.form["litigation.total"] = 0
    d.add("六、培训情况\n召开政府信息公开专题会议"); d.num(rng.randint(1, 5), "次", "专题会议", "training.meetings")
    d.add("，举办业务培训班"); d.num(rng.randint(1, 4), "场", "业务培训班", "training.classes")
    d.add("。\n")
    meta = {"grid_check": "quoted"}
    if layout:
        _table_1d(rng, d, year, issuer, layout, items, web, wechat, received, in_person, online, letter,
                  granted, partial, review)
    return meta


def _table_1d(rng, d: _Doc, year, issuer, layout, items, web, wechat, received, in_person, online, letter,
              granted, partial, review) -> None:
    t = load_template("gov2008")
    staff_ft, staff_pt = rng.randint(0, 3), rng.randint(1, 6)
    values = {
        "proactive.items.total": items, "proactive.normative_docs.disclosed": rng.randint(0, 5),
        "proactive.channels.gazette": 0, "proactive.channels.website": web if web is not None else items,
        "proactive.channels.weibo": 0, "proactive.channels.wechat": wechat or 0,
        "proactive.channels.other": rng.randint(0, 50),
        "requests.received.total": received, "requests.received.by_channel.in_person": in_person,
        "requests.received.by_channel.fax": 0, "requests.received.by_channel.online": online,
        "requests.received.by_channel.letter": letter, "requests.closed.total": received,
        "requests.closed.on_time": received, "requests.closed.extended": 0, "requests.replied.total": received,
        "requests.outcome.granted.total": granted, "requests.outcome.partial.total": partial,
        "admin_review.total": review, "admin_review.corrected": review, "litigation.total": 0,
        "capacity.staff.total": staff_ft + staff_pt, "capacity.staff.full_time": staff_ft,
        "capacity.staff.part_time": staff_pt, "capacity.budget": rng.choice([0, 0.5, 1.2, 2]),
    }
    values["proactive.normative_docs.issued"] = values["proactive.normative_docs.disclosed"] + rng.randint(0, 3)
    for k in ("training.meetings", "training.classes"):
        values[k] = d.form.get(k, 1)
    sep = {"pipe": " | ", "tsv": "\t", "lines": "\n"}[layout]
    d.add("\n政府信息公开情况统计表\n")
    d.add(f"（{year}年度）\n")
    d.add(f"填报单位（盖章）：{issuer}\n")
    d.add(sep.join(["统计指标", "单位", "统计数"]) + ("" if layout == "lines" else "") + "\n")
    for fid in t.order:
        f = t.fields[fid]
        label = (f.numbering or "") + (f.label_full or f.label)
        if f.kind == "group":
            d.add(label + sep + "——" + "\n")
            continue
        v = values.get(fid, 0)
        d.add(label + sep + (f.unit or "") + sep)
        if v == 0 and fid.startswith("requests.outcome.denied.") and fid != "requests.outcome.denied.total":
            d.add("\n" if layout != "lines" else "-\n")  # reasons of a zero 不同意公开 row left blank
            d.form[fid] = 0
            continue
        if v == 0 and rng.random() < 0.1:
            d.add("-\n")
            d.form[fid] = 0
            continue
        d.num(v, None, f.label, None, written=str(v))
        d.facts[-1]["field"] = fid
        d.facts[-1]["unit"] = f.unit
        d.form[fid] = v
        d.add("\n")


# ---------------------------------------------------------------- gov2019 / gov2021
APP_COLS = ["natural_person", "legal_person.commercial", "legal_person.research", "legal_person.social_welfare",
            "legal_person.legal_service", "legal_person.other"]


def _app_grid(rng: random.Random, t) -> dict:
    """Values of the application table that satisfy its row sums and 一+二 = （七）+四."""
    leaf_rows = [f.id for f in t.fields.values() if f.kind == "row" and f.id.startswith("requests.outcome.")
                 and f.id != "requests.outcome.total"]
    vals: dict = {}
    for col in APP_COLS:
        scale = 30 if col == "natural_person" else 3
        rec = rng.randint(0, scale)
        co = rng.randint(0, max(0, rec // 5))
        cf = rng.randint(0, (rec + co) // 4)
        handled = rec + co - cf
        dist = {r: 0 for r in leaf_rows}
        weights = [8 if r.endswith(("granted", "partial", "not_held")) else 1 for r in leaf_rows]
        for _ in range(handled):
            dist[rng.choices(leaf_rows, weights)[0]] += 1
        vals[f"requests.received.{col}"] = rec
        vals[f"requests.carried_over.{col}"] = co
        vals[f"requests.carried_forward.{col}"] = cf
        vals[f"requests.outcome.total.{col}"] = handled
        for r, v in dist.items():
            vals[f"{r}.{col}"] = v
    rows = {k.rsplit(".", 1)[0] if not k.split("requests.")[1].count("legal_person") else k.split(".legal_person")[0]
            for k in vals}
    for row in rows:
        vals[f"{row}.total"] = sum(vals.get(f"{row}.{c}", 0) for c in APP_COLS)
    return vals


def _app_table(rng, d: _Doc, t, layout: str) -> None:
    vals = _app_grid(rng, t)
    rows = [f for f in t.fields.values() if f.kind == "row" and f.id.startswith("requests.")]
    d.add("三、收到和处理政府信息公开申请情况\n")
    corner = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    heads = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    if layout == "html":
        d.add('<table border="1">\n')
        d.add(f'<tr><td rowspan="3" colspan="3">{corner}</td><td colspan="7">申请人情况</td></tr>\n')
        d.add('<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>\n')
        d.add("<tr>" + "".join(f"<td>{h}</td>" for h in heads) + "</tr>\n")
    elif layout == "lines":
        d.add("\n".join([corner, "申请人情况", "自然人", "法人或其他组织", "总计", "商业", "企业", "科研", "机构",
                         "社会公益组织", "法律服务机构", "其他"]) + "\n")
    else:
        sep = " | " if layout == "pipe" else "\t"
        d.add(corner + sep + "申请人情况\n" + sep.join(["自然人", "法人或其他组织", "总计"]) + "\n" + sep.join(heads) + "\n")
    printed: set = set()  # a group label stands on the first row of its group only (row spans lost)
    for f in rows:
        path = (t.fields[f"{f.id}.natural_person"].cell or {}).get("row_path") or [f.label]
        labels = [g for g in path[:-1] if g not in printed]
        printed.update(path[:-1])
        labels.append(path[-1])
        cells = [vals.get(f"{f.id}.{c}", 0) for c in APP_COLS + ["total"]]
        fids = [f"{f.id}.{c}" for c in APP_COLS + ["total"]]
        if layout == "html":
            d.add("<tr>" + "".join(f"<td>{x}</td>" for x in labels))
            for fid, v in zip(fids, cells):
                d.add("<td>"); d.num(v, None, fid, None); d.add("</td>")
                d.form[fid] = v
            d.add("</tr>\n")
        elif layout == "lines":
            d.add("\n".join(labels) + "\n")
            for fid, v in zip(fids, cells):
                d.num(v, None, fid, None); d.add("\n")
                d.form[fid] = v
        else:
            sep = " | " if layout == "pipe" else "\t"
            d.add(sep.join(labels))
            for fid, v in zip(fids, cells):
                d.add(sep); d.num(v, None, fid, None)
                d.form[fid] = v
            d.add(" | ||\n" if layout == "pipe" else "\n")
    if layout == "html":
        d.add("</table>\n")


def _review_row(rng, d: _Doc, t, layout: str) -> None:
    cols = [f.id for f in t.fields.values() if f.kind == "value" and (f.cell or {}).get("row") == "(single data row)"]
    vals = []
    for _branch in range(3):
        parts = [rng.choice([0, 0, 1, 2]) for _ in range(4)]
        vals += parts + [sum(parts)]
    d.add("四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n未经复议直接起诉 复议后起诉\n")
    d.add("结果维持 结果纠正 其他结果 尚未审结 总计 " * 3 + "\n")
    sep = " | " if layout == "pipe" else " "
    for i, (fid, v) in enumerate(zip(cols, vals)):
        if i:
            d.add(sep)
        d.num(v, None, fid, None)
        d.form[fid] = v
    d.add("\n")


def _gov2019plus(rng, d: _Doc, year: int, issuer: str, tid: str, layout: Optional[str]) -> dict:
    t = load_template(tid)
    html = layout == "html"
    br = "<br>\n" if html else "\n"
    if html:
        d.add("<html><head><title>年报</title><script>var x = 1;</script></head><body>\n<p>")
    d.add(f"{issuer}{year}年政府信息公开工作年度报告{br}一、总体情况{br}")
    d.add(rng.choice(FILLER))
    d.add("门户网站全年发布信息"); d.num(rng.randint(100, 5000), "条", "门户网站发布信息数")
    d.add("，政务新媒体推送"); d.num(rng.randint(10, 900), "条", "政务新媒体推送信息数")
    d.add("。" + br)
    d.add("二、主动公开政府信息情况" + br)
    if tid == "gov2019":
        made = rng.randint(0, 6)
        d.add("本年度新制作规范性文件"); d.num(made, "件", "规范性文件本年新制作数量", "proactive.art20_1.normative_docs.new_made")
        d.add("，新公开"); d.num(made, "件", "规范性文件本年新公开数量", "proactive.art20_1.normative_docs.new_published")
        d.add("；全年作出行政处罚决定"); d.num(rng.randint(0, 400), "件", "行政处罚处理决定数量", "proactive.art20_6.penalty.decisions")
        d.add("。" + br)
    else:
        d.add("全年制发行政规范性文件"); d.num(rng.randint(0, 9), "件", "行政规范性文件本年制发件数", "proactive.art20_1.normative_docs.issued")
        d.add("，废止"); d.num(rng.randint(0, 5), "件", "行政规范性文件本年废止件数", "proactive.art20_1.normative_docs.repealed")
        d.add("，现行有效"); d.num(rng.randint(5, 60), "件", "行政规范性文件现行有效件数", "proactive.art20_1.normative_docs.in_force")
        d.add("。" + br)
    meta: dict = {}
    if html:
        d.add("</p>\n")
    if layout:
        _app_table(rng, d, t, layout)
        if not html:
            _review_row(rng, d, t, rng.choice(["pipe", "space"]))
        meta["grid_check"] = "cells"
    else:
        rec = rng.randint(0, 200)
        if rec == 0 or rng.random() < 0.15:
            d.add("三、收到和处理政府信息公开申请情况" + br + "本年度未收到政府信息公开申请。" + br)
            d.form["requests.received.total"] = 0
        else:
            co = rng.randint(0, 5)
            cf = rng.randint(0, (rec + co) // 5)
            done = rec + co - cf
            d.add("三、收到和处理政府信息公开申请情况" + br + "全年新收政府信息公开申请")
            d.num(rec, "件", "本年新收政府信息公开申请数", "requests.received.total")
            d.add("，上年结转"); d.num(co, "件", "上年结转政府信息公开申请数", "requests.carried_over.total")
            d.add("，办结"); d.num(done, "件", "本年度办理结果总计", "requests.outcome.total.total")
            d.add("，结转下年度继续办理"); d.num(cf, "件", "结转下年度继续办理数", "requests.carried_forward.total")
            d.add("。" + br)
        d.add("四、政府信息公开行政复议、行政诉讼情况" + br)
        d.add("本年度未发生因政府信息公开引起的行政复议和行政诉讼。" + br)
        d.form["admin_review.total"] = 0
        d.form["litigation.total"] = 0
    if html:
        d.add("</body></html>\n")
    return meta


def generate(i: int, seed: int = 1, damaged_share: float = 0.25) -> dict:
    """The i-th synthetic document of a corpus: {'name', 'content', 'case'} (case: gold contract)."""
    rng = random.Random(f"{seed}:{i}")
    tid = rng.choice(["gov2008", "gov2019", "gov2021"])
    year = {"gov2008": rng.randint(2014, 2018), "gov2019": rng.randint(2019, 2020),
            "gov2021": rng.randint(2021, 2025)}[tid]
    issuer = _issuer(rng)
    d = _Doc()
    if tid == "gov2008":
        layout = rng.choice([None, "pipe", "tsv", "lines"])
        meta = _gov2008(rng, d, year, issuer, layout)
        ext = ".txt"
    else:
        layout = rng.choice([None, "pipe", "tsv", "lines", "html"])
        meta = _gov2019plus(rng, d, year, issuer, tid, layout)
        ext = ".html" if layout == "html" else ".txt"
    text = d.text
    case = {"id": f"s{i:06d}", "year": year, "template": tid, "kind": "table" if layout else "narrative",
            "layout": layout or "narrative", "text": text, "facts": [], "form": dict(d.form), **meta}
    for f in d.facts:
        s, e = f["span"]
        case["facts"].append({"quote": text[max(0, s - 8):e + (len(f["unit"]) if f["unit"] and not layout else 0)],
                              **f})
    variant = "clean"
    if ext == ".txt" and rng.random() < 0.3:
        text = to_traditional_chars(text)  # one character for one: spans still hold
        variant = "hant"
    if ext == ".txt" and rng.random() < damaged_share:
        text = farm_damage(case["text"])
        variant = "damaged"
        case["facts"] = []  # spans do not survive the damage; the form is what is scored
    case["text"] = text
    case["variant"] = variant
    for f in case["facts"]:
        f["quote"] = text[f["span"][0] - min(8, f["span"][0]):f["span"][1]]
    return {"name": f"{case['id']}_{year}_{tid}{ext}", "content": text, "case": case}


def write_corpus(out: str, n: int = 100, seed: int = 1, broken: float = 0.0, damaged: float = 0.25,
                 docs_dir: Optional[str] = None, gold_path: Optional[str] = None) -> int:
    """Write n documents (in out/docs) and their gold (out/gold.jsonl); with `broken`, add
    that share of broken files, which are not in the gold."""
    o = Path(out)
    docs = Path(docs_dir) if docs_dir else o / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    gp = Path(gold_path) if gold_path else o / "gold.jsonl"
    gp.parent.mkdir(parents=True, exist_ok=True)
    with open(gp, "w", encoding="utf-8") as gold:
        for i in range(n):
            g = generate(i, seed, damaged)
            (docs / g["name"]).write_text(g["content"], encoding="utf-8")
            case = dict(g["case"])
            case["source"] = str(docs / g["name"])
            gold.write(json.dumps(case, ensure_ascii=False) + "\n")
    n_broken = int(round(n * broken))
    written = n
    if n_broken:
        rng = random.Random(seed)
        kinds = ["binary", "empty", "truncated", "wrong_ext", "dangling", "big"]
        for k in range(n_broken):
            kind = kinds[k % len(kinds)] if k < len(kinds) else rng.choice(kinds[:5])
            name = docs / f"broken_{k:05d}_{kind}"
            if kind == "binary":
                name.with_suffix(".txt").write_bytes(bytes(rng.randrange(256) for _ in range(2048)) + b"\x00" * 64)
            elif kind == "empty":
                name.with_suffix(".txt").write_bytes(b"")
            elif kind == "truncated":
                raw = generate(n + k, seed, 0.0)["content"].encode("utf-8")
                name.with_suffix(".txt").write_bytes(raw[: len(raw) // 2 | 1][:-1] + raw[len(raw) // 2: len(raw) // 2 + 1])
            elif kind == "wrong_ext":
                name.with_suffix(".pdf").write_text(generate(n + k, seed, 0.0)["content"], encoding="utf-8")
            elif kind == "dangling":
                link = name.with_suffix(".txt")
                if not link.exists():
                    os.symlink(str(o / "does-not-exist.txt"), link)
            elif kind == "big":
                with open(name.with_suffix(".txt"), "w", encoding="utf-8") as fh:
                    block = generate(n + k, seed, 0.0)["content"] + "\n"
                    for _ in range(100 * 1024 * 1024 // len(block.encode("utf-8")) + 1):
                        fh.write(block)
            written += 1
    return written
