"""One self-contained HTML page that shows a Report to a person checking it.

The page has the document's text with every fact highlighted (facts that fill a
form field apart from the other facts) and every repair marked (before and after
on hover), the filled form as a table whose values link to the facts they come
from, and the checks with links to each place involved. For an HTML page the text
shown is the page's visible text, never its markup.

Nothing from the report reaches the page unescaped, the page loads nothing (no
network, no fonts, no external script) and its Content-Security-Policy lets only
its own inline script and style run: a report that contains ``<script>`` shows it
as text.

    >>> from zhreport.types import Fact, Report
    >>> from decimal import Decimal
    >>> r = Report("-", "", None, "hans", 2018, "gov2008", None, text="受理<b>2件</b>",
    ...            facts=[Fact(8, 10, "2件", Decimal(2), "件", None, None, None)])
    >>> page = render_html(r)
    >>> "&lt;b&gt;" in page and "<b>" not in page
    True
"""
from __future__ import annotations

import base64
import bisect
import hashlib
import html
from typing import NamedTuple, Optional

from .checks import _fmt
from .types import Report

__all__ = ["render_html", "visible_pieces", "VisibleText", "Piece"]


class Piece(NamedTuple):
    """A stretch of the page's text: original[start:end] shown as `shown`."""

    start: int
    end: int
    shown: str

    def verbatim(self, original: str) -> bool:
        return original[self.start:self.end] == self.shown


def visible_pieces(original: str) -> list[Piece]:
    """The text a reader sees, as pieces of the original in order.

    Plain text is one piece. For an HTML page (as zhreport's normaliser reads it)
    the visible text's characters are the original's own, and each run of markup
    is replaced by the line break or cell bar that stands for it.
    """
    from .normalize import normalize

    norm = normalize(original, fixers=(), mojibake="off")
    if not norm.offsets.stages:  # not a page: the text is shown as it is
        return [Piece(0, len(original), original)] if original else []
    runs: list[list] = []  # [start, end, replacement or None when the original shows through]
    shown_to = 0  # the original is shown up to here
    for i, ch in enumerate(norm.text):
        a, b = norm.source_span(i, i + 1)
        if b - a == 1 and a >= shown_to:  # one original character stands here
            if runs and runs[-1][2] is None and runs[-1][1] == a:
                runs[-1][1] = b
            else:
                runs.append([a, b, None])
            shown_to = b
        elif runs and runs[-1][2] is not None and (runs[-1][0], runs[-1][1]) == (a, b) and b > a:
            runs[-1][2].append(ch)  # markup or an entity replaced by several characters
        elif b > shown_to or a == b:
            runs.append([a, b, [ch]])
            shown_to = max(shown_to, b)
    pieces = [Piece(a, b, original[a:b] if rep is None else "".join(rep)) for a, b, rep in runs]
    return _fold_blank_lines(pieces)


class VisibleText:
    """The visible pieces of a text, and what a reader sees of any span of it."""

    def __init__(self, original: str):
        self.original = original
        self.pieces = visible_pieces(original)
        self._starts = [p.start for p in self.pieces]

    def slice(self, start: int, end: int) -> str:
        """What a reader sees of original[start:end] (a fact's text without the markup inside it)."""
        out = []
        for p in self.pieces[max(0, bisect.bisect_right(self._starts, start) - 1):]:
            if p.start >= end:
                break
            if p.end > start:
                out.append(self.original[max(start, p.start):min(end, p.end)] if p.verbatim(self.original)
                           else p.shown)
        return "".join(out)


def _fold_blank_lines(pieces: list[Piece]) -> list[Piece]:
    """Consecutive blank pieces (markup between blocks, indentation) shown as one line break."""
    out: list[Piece] = []
    for p in pieces:
        if out and not p.shown.strip() and not out[-1].shown.strip():
            last = out[-1]
            shown = "\n" if "\n" in last.shown + p.shown else " "
            out[-1] = Piece(last.start, p.end, shown)
        else:
            out.append(p)
    return out


# ---------------------------------------------------------------- page parts
_CSS = """
:root{--field:#a8e6b8;--other:#fdf0a6;--on:#ff9f9f;--rep:#7b2cbf;--ink:#1b1b1b}
*{box-sizing:border-box}
html,body{height:100%;margin:0}
body{display:flex;flex-direction:column;color:var(--ink);background:#fff;
 font:14px/1.6 system-ui,"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB",
 "Microsoft YaHei","WenQuanYi Micro Hei",sans-serif}
:lang(zh-Hant){font-family:system-ui,"Noto Sans CJK TC","Source Han Sans TC","PingFang TC",
 "Microsoft JhengHei","WenQuanYi Micro Hei",sans-serif}
header{padding:.4em 1em;border-bottom:1px solid #bbb;background:#f6f6f6}
header h1{font-size:1.1em;margin:0}
header p{margin:.1em 0;font-size:.9em}
.key{display:inline-block;padding:0 .4em;margin-right:.6em}
main{flex:1;min-height:0;display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr)}
#text{margin:0;padding:1em;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere;
 font:inherit;font-size:15px;line-height:1.9}
aside{overflow:auto;padding:0 1em 2em;border-left:1px solid #bbb}
h2{font-size:1em;margin:1em 0 .4em}
mark{color:inherit;border-radius:2px}
mark.field,.key.field{background:var(--field)}
mark.other,.key.other{background:var(--other);border-bottom:1px dotted #8a6d00}
.rep,.key.rep{text-decoration:underline wavy var(--rep);text-decoration-skip-ink:none}
.rep.unapplied{text-decoration-style:dashed}
.ins{color:var(--rep);font-weight:bold}
mark.on{background:var(--on);outline:2px solid #c00}
table{border-collapse:collapse;width:100%;font-size:.9em}
td,th{border-bottom:1px solid #ddd;padding:.2em .3em;text-align:left;vertical-align:top}
td.num{text-align:right;overflow-wrap:anywhere}
tr:target,li:target{background:#ffe1e1}
code{font-size:.85em;word-break:break-all}
a{color:#0645ad}
.small{font-size:.85em;color:#555}
li.error strong{color:#b00}
li.warning strong{color:#8a5a00}
@media (max-width:800px){main{display:block}#text,aside{overflow:visible}}
"""

# Clicking a link with data-go marks every segment of those facts and scrolls to the
# first; a #fN address (a bookmark, a link from elsewhere) does the same on load.
_JS = """
(function () {
  "use strict";
  var marked = [];
  function ids(s) { return (s || "").split(/\\s+/).filter(function (x) { return /^[0-9]+$/.test(x); }); }
  function mark(list) {
    marked.forEach(function (e) { e.classList.remove("on"); });
    marked = [];
    list.forEach(function (id) {
      document.querySelectorAll('mark[data-f~="' + id + '"]').forEach(function (e) {
        e.classList.add("on"); marked.push(e);
      });
    });
    var first = list.length ? document.getElementById("f" + list[0]) : null;
    var target = marked.length ? marked[0] : first;
    if (target) { target.scrollIntoView({block: "center", inline: "nearest"}); }
    document.body.setAttribute("data-marked", list.join(" "));
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a[data-go]") : null;
    if (!a) { return; }
    var list = ids(a.getAttribute("data-go"));
    if (!list.length) { return; }
    ev.preventDefault();
    mark(list);
    try { history.replaceState(null, "", "#f" + list[0]); } catch (e) { /* file: pages may refuse */ }
  });
  function fromAddress() {
    var m = /^#f([0-9]+)$/.exec(location.hash);
    if (m) { mark([m[1]]); }
  }
  window.addEventListener("hashchange", fromAddress);
  fromAddress();
})();
"""


def _e(s) -> str:
    return html.escape(str(s), quote=True)


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def _field_info(template: Optional[str]) -> tuple[dict[str, str], dict[str, Optional[str]], list[str]]:
    """Labels, units and printed order of the template's fields ({} when unknown)."""
    if not template:
        return {}, {}, []
    from .forms.schema import load_template

    try:
        tpl = load_template(template)
    except (ValueError, OSError):
        return {}, {}, []
    labels = {fid: (f.label_full or f.label) for fid, f in tpl.fields.items()}
    units = {fid: (f.unit if f.unit not in ("——", "--") else None) for fid, f in tpl.fields.items()}
    return labels, units, list(tpl.order)


def _lang(script: str) -> str:
    return {"hant": "zh-Hant", "hans": "zh-Hans"}.get(script, "zh")


# ---------------------------------------------------------------- the text
def _text_html(report: Report, pieces: list[Piece], fact_texts: list[str], labels: dict[str, str]) -> str:
    original = report.text
    facts = report.facts
    repairs = report.repairs
    cuts = sorted({p for f in facts for p in (f.start, f.end)} | {p for r in repairs for p in (r.start, r.end)})
    by_start = sorted(range(len(facts)), key=lambda i: facts[i].start)
    rep_by_start = sorted(range(len(repairs)), key=lambda k: repairs[k].start)
    out: list[str] = []
    active_f: set[int] = set()
    active_r: set[int] = set()
    fi = ri = 0

    def enter(limit: int) -> None:
        """Anchors of the facts and repairs that start before `limit`: their first segment is next."""
        nonlocal fi, ri
        while fi < len(by_start) and facts[by_start[fi]].start < limit:
            i = by_start[fi]
            out.append(f'<span class="anchor" id="f{i}"></span>')
            if facts[i].end > facts[i].start:
                active_f.add(i)
            fi += 1
        while ri < len(rep_by_start) and repairs[rep_by_start[ri]].start < limit:
            k = rep_by_start[ri]
            r = repairs[k]
            if r.end > r.start:
                out.append(f'<span class="anchor" id="r{k}"></span>')
                active_r.add(k)
            else:  # an insertion: a mark where text was added
                out.append(f'<span class="rep ins" id="r{k}" data-r="{k}" title="{_e(_repair_title(r))}">‸</span>')
            ri += 1

    def leave(x: int) -> None:
        for i in [i for i in active_f if facts[i].end <= x]:
            active_f.discard(i)
        for k in [k for k in active_r if repairs[k].end <= x]:
            active_r.discard(k)

    for piece in pieces:
        if piece.verbatim(original):
            lo = bisect.bisect_right(cuts, piece.start)
            hi = bisect.bisect_left(cuts, piece.end)
            points = [piece.start] + cuts[lo:hi] + [piece.end]
            segments = [(x, y, original[x:y]) for x, y in zip(points, points[1:]) if y > x]
        else:
            segments = [(piece.start, piece.end, piece.shown)]
        for x, y, shown in segments:
            enter(y)
            leave(x)  # a fact or repair hidden in markup before this segment ends there
            out.append(_segment(shown, sorted(active_f), sorted(active_r), report, fact_texts, labels))
            leave(y)
    enter(len(original) + 1)
    return "".join(out)


def _repair_title(r) -> str:
    state = "" if r.applied else " (found, not applied)"
    return f"修复 repair · {r.kind}{state}: “{r.before}” → “{r.after}”"


def _segment(shown: str, f_ids: list[int], r_ids: list[int], report: Report, fact_texts: list[str],
             labels: dict[str, str]) -> str:
    text = html.escape(shown, quote=False)
    if not f_ids and not r_ids:
        return text
    titles = []
    for i in f_ids:
        f = report.facts[i]
        what = f.field or "FACT"
        titles.append(f"#{i} {what}: {fact_texts[i]} = {_fmt(f.value)}{f.unit or ''}"
                      + (f" · {labels[f.field]}" if f.field in labels else f" · {f.indicator or ''}"))
    titles.extend(_repair_title(report.repairs[k]) for k in r_ids)
    classes = []
    if r_ids:
        classes.append("rep")
        if all(not report.repairs[k].applied for k in r_ids):
            classes.append("unapplied")
    attrs = f' title="{_e(chr(10).join(titles))}"'
    if r_ids:
        attrs += f' data-r="{" ".join(map(str, r_ids))}"'
    if not f_ids:
        return f'<span class="{" ".join(classes)}"{attrs}>{text}</span>'
    kind = "field" if any(report.facts[i].field for i in f_ids) else "other"
    return (f'<mark class="fact {kind} {" ".join(classes)}" data-f="{" ".join(map(str, f_ids))}"{attrs}>'
            f"{text}</mark>")


# ---------------------------------------------------------------- form and checks
def _fact_link(report: Report, fact_texts: list[str], i: int) -> str:
    f = report.facts[i]
    return (f'<a href="#f{i}" data-go="{i}" title="{_e(f.source)} · {f.start}–{f.end}">'
            f"{html.escape(fact_texts[i], quote=False)}</a>")


def _form_html(report: Report, fact_texts: list[str], labels, units, order, flagged: dict[str, list[int]]) -> str:
    rows = []
    fids = [f for f in order if f in report.form] + [f for f in report.form if f not in set(order)]
    for fid in fids:
        fv = report.form[fid]
        value = _e(_fmt(fv.value))
        unit = units.get(fid)
        shown = value + (f'&nbsp;<span class="small">{_e(unit)}</span>' if unit else "")
        if fv.facts:
            cell = f'<a class="v" href="#f{fv.facts[0]}" data-go="{" ".join(map(str, fv.facts))}">{shown}</a>'
        else:
            cell = f'<span class="v" title="stated in words or implied: no span of its own">{shown}</span>'
        links = " ".join(_fact_link(report, fact_texts, i) for i in fv.facts)
        src = _e(fv.source) + (f' <span class="small">{_e(", ".join(fv.flags))}</span>' if fv.flags else "")
        warn = " ".join(f'<a href="#c{k}" title="check {k}">⚠</a>' for k in flagged.get(fid, []))
        label = f'<br><span class="small">{_e(labels[fid])}</span>' if fid in labels else ""
        rows.append(f'<tr id="field-{_e(fid)}"><td><code>{_e(fid)}</code>{label}</td>'
                    f'<td class="num">{cell}</td><td>{src} {warn}</td><td>{links}</td></tr>')
    if not rows:
        return '<p class="small">没有填出表格字段 · no form field filled</p>'
    return ('<table id="form"><thead><tr><th>字段 field</th><th>值 value</th><th>来源 source</th>'
            '<th>出处 facts</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>")


def _checks_html(report: Report, fact_texts: list[str]) -> str:
    if not report.checks:
        return '<p class="small">没有发现矛盾 · no check failed</p>'
    items = []
    for k, c in enumerate(report.checks):
        places = []
        for fid in c.fields:
            fv = report.form.get(fid)
            backing = list(fv.facts) if fv else []
            # statements of the same field that the form value does not rest on: the other side
            others = [i for i, f in enumerate(report.facts) if f.field == fid and i not in backing]
            value = f" = {_e(_fmt(fv.value))}" if fv else " (空 not filled)"
            part = f'<a href="#field-{_e(fid)}"><code>{_e(fid)}</code></a>{value}'
            if backing:
                part += " · 表格取值 form: " + " ".join(_fact_link(report, fact_texts, i) for i in backing)
            if others:
                part += " · 另一处 elsewhere: " + " ".join(_fact_link(report, fact_texts, i) for i in others)
            places.append(f"<li>{part}</li>")
        every = sorted({i for fid in c.fields for i, f in enumerate(report.facts) if f.field == fid})
        show_all = (f' <a href="#f{every[0]}" data-go="{" ".join(map(str, every))}">标出全部 mark all</a>'
                    if every else "")
        items.append(f'<li class="{_e(c.severity)}" id="c{k}"><strong>{_e(c.severity)}</strong> <code>{_e(c.rule)}</code> '
                     f'{_e(c.message)}{show_all}<ul>{"".join(places)}</ul></li>')
    return '<ol id="checks">' + "".join(items) + "</ol>"


def _repairs_html(report: Report) -> str:
    if not report.repairs:
        return ""
    items = "".join(
        f'<li><a href="#r{k}">{_e(r.kind)}</a> “{_e(r.before)}” → “{_e(r.after)}”'
        + ("" if r.applied else ' <span class="small">(found, not applied)</span>') + "</li>"
        for k, r in enumerate(report.repairs))
    return f'<h2>修复 repairs ({len(report.repairs)})</h2><details><summary>列表 list</summary><ol id="repairs">{items}</ol></details>'


def render_html(report: Report) -> str:
    """The whole page, as one string (UTF-8 when written)."""
    labels, units, order = _field_info(report.template)
    visible = VisibleText(report.text)
    fact_texts = [visible.slice(f.start, f.end) for f in report.facts]
    flagged: dict[str, list[int]] = {}
    for k, c in enumerate(report.checks):
        for fid in c.fields:
            flagged.setdefault(fid, []).append(k)
    n_field = sum(1 for f in report.facts if f.field)
    meta = " · ".join(_e(x) for x in (
        f"年份 year {report.year}", f"模板 template {report.template}", f"发布 issuer {report.issuer or '?'}",
        f"文字 script {report.script}", f"{len(report.facts)} facts ({n_field} in the form)",
        f"{len(report.form)} fields", f"{len(report.checks)} checks", f"{len(report.repairs)} repairs"))
    lang = _lang(report.script)
    csp = (f"default-src 'none'; script-src {_csp_hash(_JS)}; style-src {_csp_hash(_CSS)}; "
           "img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>zhreport · {_e(report.source)}</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<header><h1>zhreport · {_e(report.source)}</h1><p>{meta}</p>"
        '<p class="small"><span class="key field">表格字段 field fact</span>'
        '<span class="key other">其他数字 other fact</span>'
        '<span class="key rep">修复 repair (hover: before → after)</span>'
        "点击表格中的值跳到原文 · click a form value to see where it comes from</p></header>"
        f'<main><pre id="text" lang="{lang}">{_text_html(report, visible.pieces, fact_texts, labels)}</pre>'
        f'<aside><h2>表格 form ({_e(report.template)})</h2>{_form_html(report, fact_texts, labels, units, order, flagged)}'
        f"<h2>核对 checks</h2>{_checks_html(report, fact_texts)}{_repairs_html(report)}</aside></main>"
        f"<script>{_JS}</script></body></html>\n"
    )
