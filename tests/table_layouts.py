"""The statistics forms printed with random values in the layouts real report pages show.

Built from the field catalogue alone (labels, numbering, row paths, columns), not from
the reader's model, so the layout matrix tests the reader against the form as printed.
Each layout returns the page text (or a file's bytes) and the expected form: every
printed cell, a blank cell as 0.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from decimal import Decimal

from zhreport.forms.schema import load_template

BLANK_MARKS = ["-", "—", "/", ""]


@dataclass
class Row:
    labels: list  # group labels printed before the row label (only before a group's first row), then the row label
    unit: object  # a 1-D row's unit cell ('——' for a group row), None for 2-D rows
    cells: list  # printed strings
    fields: list  # field id of each cell


@dataclass
class Table:
    title: str
    header: list  # column heads, one header row
    rows: list = field(default_factory=list)


def _value(rng: random.Random, f, blanks: bool) -> tuple[str, Decimal]:
    if blanks and not f.id.endswith(".total") and rng.random() < 0.12:
        return rng.choice(BLANK_MARKS), Decimal(0)
    if f.id.endswith(".change"):
        v = rng.choice([0, rng.randint(1, 40), -rng.randint(1, 40)])
        return (f"+{v}" if v > 0 and rng.random() < 0.5 else str(v)), Decimal(v)
    if f.money:
        v = Decimal(rng.randint(0, 99999)) / 10
        return str(v), v
    v = rng.choice([0, 0, rng.randint(1, 9), rng.randint(10, 3000)])
    return str(v), Decimal(v)


def form_tables(template_id: str, seed: int, blanks: bool = True) -> tuple[list, dict]:
    """The template's tables with random values, and the form they state."""
    rng = random.Random(seed)
    t = load_template(template_id)
    expected: dict = {}
    if template_id == "gov2008":
        table = Table("政府信息公开情况统计表", ["统计指标", "单位", "统计数"])
        for fid in t.order:
            f = t.fields[fid]
            label = (f.numbering or "") + (f.label_full or f.label)
            if f.kind == "group":
                table.rows.append(Row([label], "——", [], []))
                continue
            s, v = _value(rng, f, blanks)
            table.rows.append(Row([label], f.unit, [s], [fid]))
            expected[fid] = v
        return [table], expected
    values = [f for f in t.fields.values() if f.kind == "value"]
    # 二、主动公开政府信息情况: one block per article item, each with its own column heads
    tables = []
    blocks: dict = {}
    for f in values:
        c = f.cell or {}
        if c.get("block"):
            blocks.setdefault(c["block"], {}).setdefault(c["row"], []).append(f)
    for block, rows in blocks.items():
        heads = [f.cell["col"] for f in next(iter(rows.values()))]
        table = Table(block, ["信息内容"] + heads)
        for row, fs in rows.items():
            cells = []
            for f in fs:
                s, v = _value(rng, f, blanks)
                cells.append(s)
                expected[f.id] = v
            table.rows.append(Row([row], None, cells, [f.id for f in fs]))
        tables.append(table)
    # 三、收到和处理政府信息公开申请情况
    app = Table("三、收到和处理政府信息公开申请情况",
                ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                 "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"])
    printed: set = set()
    by_row: dict = {}
    for f in values:
        if (f.cell or {}).get("row_path"):
            by_row.setdefault(tuple(f.cell["row_path"]), []).append(f)
    for path, fs in by_row.items():
        labels = [g for g in path[:-1] if g not in printed] + [path[-1]]
        printed.update(path[:-1])
        cells = []
        for f in fs:
            s, v = _value(rng, f, blanks)
            cells.append(s)
            expected[f.id] = v
        app.rows.append(Row(labels, None, cells, [f.id for f in fs]))
    tables.append(app)
    review = [f for f in values if (f.cell or {}).get("row") == "(single data row)"]
    rv = Table("四、政府信息公开行政复议、行政诉讼情况",
               ["行政复议", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] + ["行政诉讼"])
    cells = []
    for f in review:
        s, v = _value(rng, f, blanks=False)
        cells.append(s)
        expected[f.id] = v
    rv.rows.append(Row([], None, cells, [f.id for f in review]))
    tables.append(rv)
    return tables, expected


# ---------------------------------------------------------------- layouts: tables -> page text
def _cells(row: Row, blank_as: str = "") -> list:
    unit = [row.unit] if row.unit is not None else []
    return unit + [c if c else blank_as for c in row.cells]


def pipe(tables) -> str:
    out = []
    for t in tables:
        out.append(t.title)
        out.append(" | ".join(t.header) + " |")
        for r in t.rows:
            out.append(" | ".join(r.labels + _cells(r)) + " | |")
    return "\n".join(out)


def tab(tables) -> str:
    out = []
    for t in tables:
        out.append(t.title)
        out.append("\t".join(t.header))
        for r in t.rows:
            out.append("\t".join(r.labels + _cells(r)))
    return "\n".join(out)


def markdown(tables) -> str:
    out = []
    for t in tables:
        out.append(t.title)
        n = max([len(t.header)] + [len(r.labels) + len(_cells(r)) for r in t.rows])
        out.append("| " + " | ".join(t.header + [""] * (n - len(t.header))) + " |")
        out.append("|" + "---|" * n)
        for r in t.rows:
            cells = [""] * (2 - len(r.labels)) + r.labels if len(r.labels) < 2 and n > 9 else r.labels
            cells = cells + _cells(r)
            out.append("| " + " | ".join(cells + [""] * (n - len(cells))) + " |")
    return "\n".join(out)


def _cell_per_line(tables, labels=lambda lab: [lab], cell=lambda c: c, blank_as: str = "-", gap: str = "") -> str:
    """Every label and cell on a line of its own; `labels` may break a label, `cell` dress a cell."""
    out = []
    for t in tables:
        out.append(t.title)
        out.extend(t.header)
        for r in t.rows:
            for lab in r.labels:
                out.extend(labels(lab))
            out.extend(cell(c) for c in _cells(r, blank_as))
    return ("\n" + gap).join(out)


def lines(tables) -> str:
    return _cell_per_line(tables)


def paragraphs(tables) -> str:
    """One cell per paragraph: a blank line between cells (the commonest scraped layout)."""
    return _cell_per_line(tables, gap="\n")


def paragraphs_bare_blanks(tables) -> str:
    """One cell per paragraph where an empty cell is no paragraph, only one more blank line (a web page's
    empty <td>): a row of six empty cells and its total is the label, seven blank lines and the total."""
    items = [c for line in _cell_per_line(tables, blank_as="\x00").split("\n") for c in [line]]
    return "".join("\n" if c == "\x00" else c + "\n\n" for c in items)


def bar_lines(tables) -> str:
    """Label lines, then '| unit' and '| value' lines; a blank cell is a lone '|'."""
    return _cell_per_line(tables, cell=lambda c: "| " + c if c else "|", blank_as="")


def split_labels(tables) -> str:
    """One cell per line, long row labels broken over two lines."""
    return _cell_per_line(tables, labels=lambda lab: [lab[:len(lab) // 2], lab[len(lab) // 2:]] if len(lab) > 14
                          else [lab], blank_as="—")


def spaces(tables, fill: str = " ") -> str:
    """Columns aligned with runs of spaces."""
    out = []
    for t in tables:
        out.append(t.title)
        out.append((fill * 3).join(t.header))
        for r in t.rows:
            label = "".join(r.labels)
            cells = _cells(r, "-")
            out.append(label + fill * max(2, 40 - len(label)) + (fill * 4).join(c.rjust(6, fill) for c in cells))
    return "\n".join(out)


def nbsp(tables) -> str:
    return spaces(tables, fill="\u00a0")


def pdf_text(tables) -> str:
    """A PDF text layer: label, unit and number run together (1-D), a row's numbers apart by
    single spaces (2-D), a page footer and the header row repeated in the middle."""
    out = []
    page = 3
    for t in tables:
        out.append(t.title)
        out.append("".join(t.header))
        for k, r in enumerate(t.rows):
            if k and k % 11 == 0:
                out.append(f"— {page} —")
                page += 1
                out.append("".join(t.header))
            cells = [c if c else "-" for c in r.cells]
            if r.unit is not None:
                out.append("".join(r.labels) + (r.unit if r.unit != "——" else "——") + "".join(cells))
            else:
                out.append(" ".join(r.labels + cells))
    return "\n".join(out)


def flipbook(tables) -> str:
    """Flip-book pages: header characters split over lines, each row's values on one line."""
    out = []
    for t in tables:
        out.append(t.title)
        heads = [h for h in t.header if len(h) < 12]
        width = max(len(h) for h in heads)
        for i in range(0, width, 2):
            out.append(" ".join(h[i:i + 2] for h in heads if h[i:i + 2]))
        for r in t.rows:
            out.extend(r.labels)
            out.append(" ".join(_cells(r, "-")))
    return "\n".join(out)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html(tables, wrap: bool = False) -> str:
    """HTML tables; `wrap`: every cell's text inside <p><span><font>, with &nbsp; padding."""
    def td(s: str) -> str:
        if not wrap:
            return f"<td>{_esc(s)}</td>"
        inner = f"&nbsp;{_esc(s)}&nbsp;" if s else "&nbsp;"
        return f'<td valign="center"><p class="MsoNormal" align="center"><span style="font-size:10pt">' \
               f'<font face="宋体">{inner}</font></span></p></td>'

    out = ["<html><head><meta charset='utf-8'><title>年度报告</title></head><body>"]
    for t in tables:
        out.append(f"<p>{_esc(t.title)}</p>")
        out.append('<table border="1">')
        out.append("<tr>" + "".join(td(h) for h in t.header) + "</tr>")
        for r in t.rows:
            out.append("<tr>" + "".join(td(c) for c in r.labels + _cells(r)) + "</tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def html_wrapped(tables) -> str:
    return html(tables, wrap=True)


def docx_bytes(tables) -> bytes:
    import docx

    d = docx.Document()
    for t in tables:
        d.add_paragraph(t.title)
        width = max([len(t.header)] + [len(r.labels) + len(_cells(r)) for r in t.rows])
        table = d.add_table(rows=0, cols=width)
        for cells in [t.header] + [r.labels + _cells(r) for r in t.rows]:
            row = table.add_row().cells
            for k, c in enumerate(cells):
                row[k].text = c
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def pdf_bytes(tables) -> bytes:
    """A PDF whose text layer holds the table as text lines (no ruling)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(842, 1190))
    y = 1150
    for line in pdf_text(tables).split("\n"):
        if y < 40:
            c.showPage()
            y = 1150
        c.setFont("STSong-Light", 9)
        c.drawString(20, y, line)
        y -= 14
    c.save()
    return buf.getvalue()


TEXT_LAYOUTS = {
    "pipe": pipe, "tab": tab, "markdown": markdown, "one_cell_per_line": lines,
    "one_cell_per_paragraph": paragraphs,
    "one_cell_per_paragraph_bare_blank_lines": paragraphs_bare_blanks, "bar_prefixed_lines": bar_lines, "labels_split_over_lines": split_labels,
    "aligned_spaces": spaces, "aligned_nbsp": nbsp, "pdf_text_layer": pdf_text, "flipbook": flipbook,
    "html": html, "html_wrapped_cells": html_wrapped,
}
FILE_LAYOUTS = {"docx": (docx_bytes, ".docx"), "pdf": (pdf_bytes, ".pdf")}
