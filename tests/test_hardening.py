"""Hardening: fuzzed text keeps the output's invariants, and hostile files never stop,
stall or flood a run (they are recorded with their reason).

The invariants (``violations``) are shared with the longer run of scripts/fuzz.py.
"""
from __future__ import annotations

import json
import random

import pytest

from zhreport.normalize import apply_repairs, normalize
from zhreport.normalize.convert import to_simplified
from zhreport.normalize.html import looks_like_html

# pieces that report text, scrape damage and markup are made of; a fuzzed text is a
# random sequence of them (plus the odd random code point)
FRAGMENTS = (
    "受理", "行政复议", "案件", "申请", "件", "条", "万元", "亿元", "元", "人次", "个", "年", "月", "日",
    "政府信息公开", "收到", "办结", "共", "其中", "约", "近", "余", "多", "均达", "分别为", "同比增长",
    "復議", "數", "萬", "億", "條", "個", "縣政府", "(fù)", "（shù）", "(yì)",
    "0", "1", "2", "7", "9", "13", "2018", "2019", "328", "1.5", "0.", "-", "+", "%", "％", "‰",
    "０", "２", "３", "９", "．", "１６", " ", "\u3000", "\xa0", "\t", "\n", "\r\n",
    "，", "。", "；", "：", "、", "（", "）", "(", ")", "|", " | ", "——", "“", "”", "《", "》",
    "&nbsp;", "&#20013;", "&#x4e2d;", "&amp;nbsp;", "&ldquo;", "&rdquo;", "&lt;", "&", "&#;",
    "x0dx0a", "<p>", "</p>", "<td>", "</td>", "<tr>", "<br>", "<table>", "<font>", "<html>", "<body>",
    "一、", "（一）", "二是", "第三", "百分之", "两", "十", "零",
    "锟斤拷", "鐢宠", "涓€", "\ufffd", "\u200b", "\ud7ff", "𠀀",
)


def fuzz_text(rng: random.Random, max_pieces: int = 40) -> str:
    parts = []
    for _ in range(rng.randint(0, max_pieces)):
        r = rng.random()
        if r < 0.04:
            parts.append(chr(rng.choice((rng.randint(0x20, 0x2FF), rng.randint(0x3000, 0x9FFF),
                                         rng.randint(0xFF00, 0xFFEF)))))
        elif r < 0.05:
            parts.append(rng.choice("123456789") * rng.randint(20, 6000))  # huge numbers
        else:
            parts.append(rng.choice(FRAGMENTS))
    return "".join(parts)


def violations(text: str) -> list[str]:
    """Broken invariants of one text's extraction: spans, repair replay, JSON round trip."""
    from zhreport.batch import report_dict
    from zhreport.pipeline import extract_text

    bad = []
    norm = normalize(text)
    for r in norm.repairs:
        if not (0 <= r.start <= r.end <= len(text)) or text[r.start:r.end] != r.before:
            bad.append(f"repair span {r}")
    if not looks_like_html(text):  # markup removal is an offset stage, not a repair
        if to_simplified(apply_repairs(text, norm.repairs)) != norm.text:
            bad.append("replaying the repairs does not give the normalised text")
    rep = extract_text(text)
    for f in rep.facts:
        if not (0 <= f.start <= f.end <= len(text)) or text[f.start:f.end] != f.text:
            bad.append(f"fact span {f.start}-{f.end} {f.text!r}")
        if f.indicator_span is not None and not (0 <= f.indicator_span[0] <= f.indicator_span[1] <= len(text)):
            bad.append(f"indicator span {f.indicator_span}")
    d = report_dict(rep)
    try:
        back = json.loads(json.dumps(d, ensure_ascii=False))
    except ValueError as exc:
        bad.append(f"JSON: {exc}")
    else:
        if back != d:
            bad.append("JSON round trip changes the report")
    return bad
