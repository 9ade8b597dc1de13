"""The report view: one self-contained HTML page, checked as a document and in a real browser."""
import io
import os
import re
from decimal import Decimal
from pathlib import Path

import lxml.html
import pytest

import zhreport
from zhreport.cli import main
from zhreport.types import Check, Fact, FieldValue, Repair, Report

from .browser import Browser, find_chromium

FIELD_BG = (0xA8, 0xE6, 0xB8)  # the view's colours of field facts and of other facts
OTHER_BG = (0xFD, 0xF0, 0xA6)
PWN = "document.title='pwned';window.pwned=1"

# a report as a hostile page could make it: markup and script in the text itself
HOSTILE_TEXT = (
    "2019年，本机关共收到政府信息公开申请12件<script>" + PWN + "</script>，"
    "其中当面申请3件<img src=x onerror=\"" + PWN + "\">。"
    "<a href=\"javascript:" + PWN + "\">查看</a>办结率100%。"
    "</textarea></pre><script>" + PWN + "</script><svg onload=\"" + PWN + "\"></svg>"
    "\" onmouseover=\"" + PWN + "\" x=\"收到行政复议申请2件。"
)

# a saved report page: markup, a script, a style and entities around the report's text
HTML_PAGE = """<html><head><title>某县2019年政府信息公开工作年度报告</title><script>""" + PWN + """</script>\
<style>p{color:red}</style></head><body>
<div class="nav">首页 &gt; 政府信息公开</div>
<p>2019年，本机关共收到政府信息公开申请<b>12</b>件，其中当面申请3件。</p>
<p>复议文书中写有&lt;script&gt;alert(1)&lt;/script&gt;字样，受理行政复议案件2件。</p>
<table><tr><td>项目</td><td>数量</td></tr><tr><td>收到申请数</td><td>12</td></tr></table>
</body></html>
"""


def _hostile_report() -> Report:
    """Every string the page shows, made hostile."""
    text = "收到申请<script>" + PWN + "</script>12件，“</textarea>”当面3件。"
    s = text.index("12件")
    t = text.index("3件")
    facts = [Fact(s, s + 3, "12件", Decimal(12), "件", None, "<img src=x onerror=\"" + PWN + "\">", None,
                  field="requests.received.total"),
             Fact(t, t + 2, "3件", Decimal(3), "件<b>", None, None, None)]
    return Report(source="<script>" + PWN + "</script>.txt", sha256="", encoding="utf-8", script="hans",
                  year=2019, template="gov2019", issuer="</title><script>" + PWN + "</script>",
                  text=text,
                  repairs=[Repair("<i>kind</i>", 4, 12, text[4:12], "<script>" + PWN + "</script>")],
                  facts=facts,
                  form={"requests.received.total": FieldValue(Decimal(12), [0], "narrative"),
                        "meta.filing_unit\"><script>x</script>": FieldValue("javascript:" + PWN, [], "table")},
                  checks=[Check("sum", "error\" onclick=\"" + PWN, ["requests.received.total", "x<y>"],
                                "</li><script>" + PWN + "</script>")])


def _doc(page: str):
    return lxml.html.document_fromstring(page)


def _marks_text(doc, i: int) -> str:
    return "".join(m.text_content() for m in doc.xpath("//mark[@data-f]") if str(i) in m.get("data-f").split())


# ---------------------------------------------------------------- the page as a document
def test_seed_page_marks_every_fact_and_repair_at_its_offsets(seed_report):
    rep = seed_report
    page = rep.to_html()
    doc = _doc(page)
    (text_el,) = doc.xpath('//pre[@id="text"]')
    for ins in text_el.xpath('.//*[contains(@class, "ins")]'):
        ins.drop_tree()
    assert text_el.text_content() == rep.text  # plain text: the page shows the original, every character
    assert text_el.get("lang") == "zh-Hant"  # the seed is in traditional script
    for i, f in enumerate(rep.facts):
        assert doc.get_element_by_id(f"f{i}") is not None
        assert _marks_text(doc, i) == f.text, (i, f)
    for m in doc.xpath("//mark[@data-f]"):
        ids = [int(x) for x in m.get("data-f").split()]
        assert ("field" in m.get("class").split()) == any(rep.facts[i].field for i in ids)
    assert doc.xpath('//mark[contains(@class, "field")]') and doc.xpath('//mark[contains(@class, "other")]')
    shown = [k for k, r in enumerate(rep.repairs) if r.end > r.start]
    assert shown
    for k in shown:
        r = rep.repairs[k]
        els = [e for e in text_el.xpath(".//*[@data-r]") if str(k) in e.get("data-r").split()]
        assert "".join(e.text_content() for e in els) == r.before
        assert f"“{r.before}” → “{r.after}”" in els[0].get("title")


def test_seed_form_values_link_to_their_facts_and_checks_to_both_sides(seed_report):
    rep = seed_report
    doc = _doc(rep.to_html())
    for fid, fv in rep.form.items():
        row = doc.get_element_by_id(f"field-{fid}")
        links = row.xpath('.//a[contains(@class, "v")]')
        if fv.facts:
            assert links[0].get("href") == f"#f{fv.facts[0]}"
            assert links[0].get("data-go").split() == [str(i) for i in fv.facts]
        else:
            assert not links
    disagreements = [c for c in rep.checks if c.rule == "text_vs_table"]
    assert disagreements, "the seed's narrative contradicts its table"
    for k, c in enumerate(rep.checks):
        item = doc.get_element_by_id(f"c{k}")
        hrefs = {a.get("href") for a in item.xpath(".//a")}
        assert {f"#field-{fid}" for fid in c.fields} <= hrefs
        if c.rule == "text_vs_table":
            fid = c.fields[0]
            sides = {rep.facts[int(a.get("href")[2:])].source
                     for a in item.xpath('.//a[starts-with(@href, "#f")]') if a.get("href")[2:].isdigit()}
            assert sides == {"table", "narrative"}, c.message


def test_hostile_strings_render_as_text():
    rep = _hostile_report()
    page = rep.to_html()
    doc = _doc(page)
    assert len(doc.xpath("//script")) == 1 and "pwned" not in doc.xpath("//script")[0].text
    assert not doc.xpath("//img | //svg | //textarea | //iframe | //b | //i")
    assert not [e for e in doc.iter() if isinstance(e.tag, str) and any(a.startswith("on") for a in e.attrib)]
    assert not [a for a in doc.xpath("//a") if not a.get("href", "").startswith("#")]
    body = doc.xpath("//body")[0].text_content()
    for s in ("<script>" + PWN + "</script>", "</textarea>", "javascript:" + PWN, "</li><script>"):
        assert s in body
    assert _marks_text(doc, 0) == "12件"
    csp = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]')[0].get("content")
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp


def test_hostile_report_text_from_extract_is_shown_not_run():
    rep = zhreport.extract(HOSTILE_TEXT, year=2019)
    assert rep.facts  # the numbers around the markup are still facts
    doc = _doc(rep.to_html())
    assert len(doc.xpath("//script")) == 1
    assert not doc.xpath("//img | //svg | //textarea")
    assert doc.xpath('//pre[@id="text"]')[0].text_content() == HOSTILE_TEXT


def test_html_input_shows_the_visible_text_with_its_facts():
    rep = zhreport.extract(HTML_PAGE, year=2019)
    doc = _doc(rep.to_html())
    shown = doc.xpath('//pre[@id="text"]')[0].text_content()
    assert "共收到政府信息公开申请12件" in shown
    assert "<script>alert(1)</script>" in shown  # an entity in the page is text, shown as text
    assert "首页 > 政府信息公开" in shown
    for markup in ("<p>", "<b>", "class=", "p{color:red}", "pwned", "<td>"):
        assert markup not in shown
    twelve = next(i for i, f in enumerate(rep.facts) if rep.text[f.start:f.start + 2] == "12")
    assert rep.facts[twelve].text == "12</b>件"
    assert _marks_text(doc, twelve) == "12件"  # the fact's characters, without the </b> between them
    value_link, fact_link = (a.text_content() for a in doc.xpath(f'//a[@href="#f{twelve}"]'))
    assert value_link == "12\xa0件" and fact_link == "12件"  # the form's value and the fact as it reads
    assert len(doc.xpath("//script")) == 1


@pytest.mark.parametrize("page", [HTML_PAGE.replace("\n", ""),  # minified: </p><p>首页 &gt; ...
                                  HTML_PAGE.replace("</script><style>", "</script>\n<style>")])
def test_html_input_the_normaliser_cannot_place_shows_no_markup(page):
    rep = zhreport.extract(page, year=2019)
    shown = _doc(rep.to_html()).xpath('//pre[@id="text"]')[0].text_content()
    assert "<p>" not in shown


def test_cli_view_writes_one_page(tmp_path, capsys):
    src = tmp_path / "report.html"
    src.write_text(HTML_PAGE, encoding="utf-8")
    out = tmp_path / "out" / "view.html"
    assert main(["view", str(src), "-o", str(out), "--year", "2019"]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "共收到政府信息公开申请" in page
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|https?://", page)  # loads nothing from anywhere
    assert "open" in capsys.readouterr().err
    assert main(["view", str(tmp_path / "missing.txt"), "-o", str(out)]) == 1


# ---------------------------------------------------------------- in a real browser
@pytest.fixture(scope="module")
def browser():
    exe, why = find_chromium()
    if exe is None:
        pytest.skip(f"headless Chromium unavailable: {why}")
    b = Browser(exe, width=1280, height=900)
    yield b
    b.close()


def _page_file(tmp_path: Path, name: str, rep: Report) -> str:
    path = tmp_path / name
    path.write_text(rep.to_html(), encoding="utf-8")
    return path.as_uri()


def _keep_screenshot(name: str, png: bytes) -> None:
    folder = os.environ.get("ZHREPORT_VIEW_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(png)


def test_browser_shows_highlighted_text_and_form(browser, seed_report, tmp_path):
    from PIL import Image

    page = browser.open(_page_file(tmp_path, "seed.html", seed_report))
    layout = page.evaluate("""(() => {
        const box = (id) => { const r = document.getElementById(id).getBoundingClientRect();
                              return [r.left, r.top, r.right, r.bottom]; };
        return {text: box("text"), form: box("form"), rows: document.querySelectorAll("#form tbody tr").length};
    })()""")
    page.evaluate("""document.querySelector("mark.field").scrollIntoView({block: "start"});
        new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))""")  # painted
    png = page.screenshot()
    _keep_screenshot("seed.png", png)
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.size == (1280, 900)
    assert layout["rows"] == len(seed_report.form)
    t_left, t_top, t_right, t_bottom = layout["text"]
    f_left, f_top, _fr, _fb = layout["form"]
    assert t_right <= f_left and f_top < 900  # text on the left, the form beside it, on screen

    def count(colour, box):
        region = img.crop(tuple(int(v) for v in box))
        return sum(n for n, c in region.getcolors(1 << 20) if c == colour)

    text_box = (t_left, t_top, t_right, min(t_bottom, 900))
    field_px, other_px = count(FIELD_BG, text_box), count(OTHER_BG, text_box)
    assert field_px > 500 and other_px > 500, (field_px, other_px, layout)


def test_browser_click_on_a_form_value_scrolls_to_and_marks_its_fact(browser, seed_report, tmp_path):
    rep = seed_report
    page = browser.open(_page_file(tmp_path, "seed.html", rep))
    fid = max((f for f in rep.form if rep.form[f].facts), key=lambda f: rep.facts[rep.form[f].facts[0]].start)
    first = rep.form[fid].facts[0]
    probe = """(() => {
        const pane = document.getElementById("text").getBoundingClientRect();
        const m = document.querySelector('mark[data-f~="%d"]').getBoundingClientRect();
        return {visible: m.top >= pane.top && m.bottom <= pane.bottom,
                on: [...document.querySelectorAll("mark.on")].map(e => e.getAttribute("data-f")),
                hash: location.hash};
    })()""" % first
    before = page.evaluate(probe)
    assert not before["visible"] and not before["on"]  # the fact is further down, nothing marked
    where = page.evaluate("""(() => {
        const a = document.getElementById(%r).querySelector("a.v");
        a.scrollIntoView({block: "center"});
        const r = a.getBoundingClientRect();
        return [r.left + r.width / 2, r.top + r.height / 2];
    })()""" % f"field-{fid}")
    page.click_at(*where)
    after = page.evaluate(probe)
    assert after["visible"] and after["hash"] == f"#f{first}"
    groups = [set(map(int, g.split())) for g in after["on"]]
    assert all(any(i in g for g in groups) for i in rep.form[fid].facts)  # every fact of the value
    assert all(g & set(rep.form[fid].facts) for g in groups)  # and nothing else
    _keep_screenshot("seed-after-click.png", page.screenshot())


def test_browser_runs_no_script_from_a_hostile_report(browser, tmp_path):
    for name, rep in (("hostile-report.html", _hostile_report()),
                      ("hostile-text.html", zhreport.extract(HOSTILE_TEXT, year=2019, source="hostile")),
                      ("hostile-page.html", zhreport.extract(HTML_PAGE, year=2019, source="page"))):
        page = browser.open(_page_file(tmp_path, name, rep))
        # move over and click everything a person might: no handler of the report's may fire
        page.click_at(300, 200)
        state = page.evaluate("""(() => {
            document.querySelectorAll("#text *").forEach(e => e.dispatchEvent(new MouseEvent("mouseover", {bubbles: true})));
            return {title: document.title, pwned: typeof window.pwned, scripts: document.scripts.length,
                    text: document.getElementById("text").textContent};
        })()""")
        assert state["title"] == f"zhreport · {rep.source}", name
        assert state["pwned"] == "undefined" and state["scripts"] == 1, name
        if name == "hostile-text.html":
            assert state["text"] == HOSTILE_TEXT
