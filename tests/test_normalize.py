"""Normalisation: repairs, script conversion and the offset map."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhreport import extract
from zhreport.normalize import apply_repairs, fold_line_ends, normalize
from zhreport.normalize.convert import to_simplified


@pytest.mark.parametrize("text,expected", [
    ("推進工作創(chuàng)新", "推进工作创新"),
    ("報告中所列數(shù)據(jù)的統(tǒng)計期限", "报告中所列数据的统计期限"),
    ("13條(tiáo)", "13条"),
    ("文(wen)章(zhang)", "文章"),            # toneless family
    ("和(he)(he)", "和"),                    # doubled annotation
])
def test_inserted_pinyin_is_removed(text, expected):
    n = normalize(text)
    assert n.text == expected
    assert all(r.kind == "pinyin" for r in n.repairs)


@pytest.mark.parametrize("text", [
    "已在柞水縣人民政府網站(http://tufwp.cn)進行公開",
    "根據《條例》(以下簡稱《條例》)",
    "(二)被依法糾錯數",
    "國內生產總值(GDP)增長",
    "詳見附件(a)",
    "第二十條第(一)項",
    "中國(China)",
    "柞水縣(陝西省)",
])
def test_legitimate_parentheses_are_kept(text):
    n = normalize(text)
    assert n.repairs == []
    assert n.text == to_simplified(text)


def test_fullwidth_digits_and_split_numbers():
    n = normalize("公开信息１６３７条，网站公开1 547条")
    assert n.text == "公开信息1637条，网站公开1547条"
    assert sorted(r.kind for r in n.repairs) == ["split_number", "width"]


@pytest.mark.parametrize("text, expected", [
    # a page of 2025 (G1 audit) that sets Latin digits apart by spaces: the number joins its unit
    ("全年共收到依申请公开申请 1 件，出具答复书》2 份。", "全年共收到依申请公开申请1件，出具答复书》2份。"),
    ("累计主动公开政府信息 165 条，占 7.7 %。", "累计主动公开政府信息165条，占7.7%。"),
    # no unit after the number, or no sentence on the line (a table row apart by single spaces): kept
    ("截至 2025 年底，网站运行 2 A 级。", "截至 2025 年底，网站运行 2 A 级。"),
    ("规章 0 0 6\n行政规范性文件 2 件 1", "规章 0 0 6\n行政规范性文件 2 件 1"),
])
def test_numbers_set_apart_by_spaces_join_their_unit(text, expected):
    n = normalize(text)
    assert n.text == expected
    assert all(r.kind == "spaced_number" and r.before == " " for r in n.repairs)
    facts = extract(text, year=2025).facts
    assert all(text[f.start:f.end] == f.text for f in facts)


def _t2s_dictionary_keys():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from build_script_chars import t2s_dictionary_keys

    return t2s_dictionary_keys()


def test_opencc_t2s_dictionaries_hold_no_ascii():
    """The split-number and split-line fixers do not convert the text ahead of a number when it
    starts with an ASCII character that starts no unit ('\n12\n' before the next cell's '5'):
    that holds only while no key of OpenCC's t2s dictionaries has an ASCII character."""
    normalization, conversion = _t2s_dictionary_keys()
    assert len(normalization) > 100 and len(conversion) > 1000  # the tries were read
    assert [k for k in normalization + conversion if any(c.isascii() for c in k)] == []
    assert to_simplified("\n12\n5\n條例") == "\n12\n5\n条例"


def _witnesses_or_skip():
    from zhreport.normalize.convert import _t2s_witness_class

    witnesses = _t2s_witness_class()
    if witnesses is None:  # then to_simplified converts every text: correct, only slower
        pytest.skip("models/script/t2s_witnesses.txt was built with another OpenCC: "
                    "rerun scripts/build_script_chars.py")
    return witnesses


def test_every_key_t2s_changes_holds_a_witness():
    """to_simplified returns a text without a witness character unconverted: that is exact only while
    every key of the installed OpenCC's t2s dictionaries that the conversion changes holds one
    (scripts/build_script_chars.py rebuilds them for another OpenCC)."""
    from zhreport.normalize.convert import _converter

    witnesses = _witnesses_or_skip()
    normalization, conversion = _t2s_dictionary_keys()
    t2s = _converter("t2s")
    assert [k for k in normalization if not witnesses.search(k)] == []
    unwitnessed = [k for k in conversion if t2s.convert(k) != k and not witnesses.search(k)]
    assert unwitnessed == []
    assert witnesses.search("沈浸") and not witnesses.search("中国政府信息公开")  # 沈浸: a phrase-only change


def test_texts_of_witness_free_keys_are_unchanged_by_t2s():
    """The other side of the witnesses: texts strung from the t2s dictionaries' keys and characters that
    hold no witness (keys that map to themselves, characters of changing phrases) are left as they are."""
    import random

    from zhreport.normalize.convert import _converter

    witnesses, t2s = _witnesses_or_skip(), _converter("t2s")
    _normalization, conversion = _t2s_dictionary_keys()
    keys = [k for k in conversion if not witnesses.search(k)]
    chars = sorted({c for k in conversion for c in k if not witnesses.search(c)})
    assert len(keys) > 10 and len(chars) > 100
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(keys) if rng.random() < 0.5 else rng.choice(chars) for _ in range(rng.randint(1, 12)))
        assert t2s.convert(text) == text == to_simplified(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["沈", "浸", "阳", "打", "坏", "批", "覆", "於", "发", "發", "数", "據", "乾", "隆",
                                 "干", "后", "後", "台", "臺", "著", "么", "麼", "只", "隻", "了", "瞭", "解", "藉",
                                 "口", "𩏂", "𠀀", "中", "国", "，", "\n", "1", "件"]), max_size=20).map("".join))
def test_to_simplified_skips_only_what_t2s_leaves(text):
    from zhreport.normalize.convert import _convert_same_length

    assert to_simplified(text) == _convert_same_length(text, "t2s")


def test_html_entities():
    n = normalize("收到申请&nbsp;13件&amp;答复")
    assert n.text == "收到申请 13件&答复"


def test_repairs_replay_to_the_repaired_text(seed_text):
    n = normalize(seed_text)
    kinds = [r.kind for r in n.repairs]
    assert kinds.count("pinyin") == 165  # every pinyin annotation of the seed
    assert kinds.count("date") == 1  # '2018年11底' -> '2018年11月底'
    assert kinds.count("mojibake") == 15  # reported, not applied (see test_scrape_damage)
    assert len(kinds) == 181
    assert to_simplified(apply_repairs(seed_text, n.repairs)) == n.text
    for r in n.repairs:
        assert seed_text[r.start:r.end] == r.before


def test_script_detection(dev_cases):
    import opencc

    text = dev_cases[0]["text"]
    assert normalize(text).script == "hans"
    assert normalize(opencc.OpenCC("s2t").convert(text)).script == "hant"


def test_script_detection_counts_the_characters_s2t_changes(dev_cases):
    """The list behind the count agrees with OpenCC on a sample of the block, and half a report
    in each script is mixed."""
    import random

    import opencc

    from zhreport.normalize.convert import _simplified_only

    s2t = opencc.OpenCC("s2t")
    sample = [chr(c) for c in random.Random(7).sample(range(0x4E00, 0xA000), 800)]
    assert [c for c in sample if (c in _simplified_only()) != (s2t.convert(c) != c)] == []
    text = dev_cases[1]["text"]
    half = len(text) // 2
    assert normalize(text[:half] + s2t.convert(text[half:])).script == "mixed"


def _detect_script_by_characters(text: str, simplified: str) -> str:
    """detect_script as it was before it counted with numpy: a Python pass over the characters
    (the reference the test below holds the counting to)."""
    from zhreport.normalize.convert import _simplified_only

    if text == simplified:
        return "hans"
    simp = sum(c in _simplified_only() for c in text)
    trad = sum(a != b for a, b in zip(text, simplified))
    if trad >= max(1, 4 * simp):
        return "hant"
    return "hans" if simp >= 4 * trad else "mixed"


def test_script_detection_counts_as_a_character_loop_does():
    """The counts over code points give the character loop's answer on mixed scripts, characters
    beyond the Basic Multilingual Plane, empty text, and a lone surrogate (which OpenCC cannot
    read: given with its conversion)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from zhreport.normalize.convert import detect_script, to_simplified

    # simplified-only (这东发), traditional (這東發), shared (政京), Extension B, ASCII
    pieces = st.sampled_from(["这", "東", "發", "发", "這", "政", "京", "\U00020000", "\U0002A6A5", "a", "7",
                              "\n", "公开条例", "政府資訊公開", "国務院"])

    # short texts, and long ones whose count goes on past the first characters (numpy)
    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.lists(pieces, max_size=60).map("".join), st.sampled_from([1, 1, 40]), st.lists(pieces, max_size=8))
    def check(text, times, tail):
        text = text * times + "".join(tail)
        simplified = to_simplified(text)
        assert detect_script(text, simplified) == _detect_script_by_characters(text, simplified)

    check()
    # at the thresholds, in the first characters and far after them: hant, mixed, hans, mixed
    for pad in ("", "政府" * 1000):
        for text, script in (("", "hans"), ("這" * 40 + "这" * 10, "hant"), ("這" * 40 + "这" * 11, "mixed"),
                             ("东" * 8 + "東" * 2, "hans"), ("东" * 7 + "東" * 2, "mixed")):
            text = pad + text
            assert detect_script(text) == _detect_script_by_characters(text, to_simplified(text)) == script
    # as many simplified-only characters as the first characters can outweigh, and one more
    for simp in (256, 257):
        for trad in (1023, 1024, 1028, 1100):
            for text in ("東" * trad + "这" * simp, "这" * simp + "東" * trad,
                         "东" * simp + "發" * (trad // 4), "东" * simp + "發" * (simp // 4)):
                assert detect_script(text) == _detect_script_by_characters(text, to_simplified(text))
    assert detect_script("這\ud800東", "这\ud800东") == _detect_script_by_characters("這\ud800東", "这\ud800东") == "hant"


def test_line_fixers_find_what_their_plain_patterns_find(dev_cases):
    """The split-number search tried only before spaced thousands, the number-line pattern
    that refuses an ASCII character after it, the spaced-number search tried only before a digit
    and a space, and the closing-line pattern that opens with the
    line break give the plain patterns' matches: on tables of numbers, units and marks in both
    widths, and on the development texts."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from zhreport.normalize import fixes

    def both(text):
        found = []
        for fast, plain, kw in ((fixes._search_split_number, fixes._SPLIT_NUMBER.search, {"after_spaces": True}),
                                (fixes._number_line_before_unit().search, fixes._NUMBER_LINE.search,
                                 {"marks": fixes._AFTER_NUMBER_LINE}),
                                (fixes._search_spaced_number, fixes._SPACED_NUMBER.search, {})):
            spans = [m.span() for m in fixes._matches_before_unit(fast, text, **kw)]
            assert spans == [m.span() for m in fixes._matches_before_unit(plain, text, **kw)]
            found.append(spans)
        # a line that starts with the ')' closing the line before: as the lookbehind-first pattern finds them
        import regex
        closing = regex.compile(r"(?<=[^\n])\n(?=[)）])")
        assert [m.span() for m in fixes._CLOSING_LINE.finditer(text)] == [m.span() for m in closing.finditer(text)]
        return found

    pieces = st.sampled_from(["\n", "1", "23", "456", " ", "\u3000", "\xa0", ".", ",", "%", "条", "件", "万",
                              "個", "元", "a", "k", "m", ")", "）", "(", "（", "。", "：", "|", "\t", "\n12\n", "1 234 567",
                              "申请", "，", "》", " 7 ", "3.5 "])

    @settings(max_examples=400, deadline=None, derandomize=True)
    @given(st.lists(pieces, max_size=40).map("".join))
    def check(text):
        both(text)

    check()
    assert both("全年受理\n1 234\n件，办结\n56\n件\n7\n8\n") == [[(5, 10)], [(15, 19)], []]
    assert both("收到申请 12 件，办结 1.5 件，共 3 人次") == [[], [], [(5, 8), (13, 17), (21, 23)]]
    for case in dev_cases[:10]:
        both(case["text"])


def test_clean_dev_texts_get_no_repairs(dev_cases):
    import opencc

    s2t = opencc.OpenCC("s2t")
    for case in dev_cases:
        for text in (case["text"], s2t.convert(case["text"])):
            n = normalize(text)
            assert n.repairs == [], (case["id"], n.repairs[:3])
            if case.get("table_type") != "html":  # an HTML page becomes its visible text
                assert len(n.text) == len(text)


def test_windows_line_ends_read_as_line_ends(dev_cases):
    """A report saved with CRLF (or old Mac CR) line ends gives the facts and the form of the same
    report with LF, HTML pages too (lxml folds CRLF, so their text nodes could not be placed),
    and every fact still points into the original: no '\r' is a cell, none is repaired."""
    import zhreport

    def summary(report):
        return ([(f.value, f.unit, f.field, f.indicator) for f in report.facts],
                {k: v.value for k, v in report.form.items()}, report.template, report.year)

    html = [c for c in dev_cases if c.get("table_type") == "html"]
    assert html
    for case in html + dev_cases[:8]:
        lf = zhreport.extract(case["text"])
        for end in ("\r\n", "\r"):
            original = case["text"].replace("\n", end)
            report = zhreport.extract(original)
            assert summary(report) == summary(lf), (case["id"], end)
            assert report.repairs == []
            assert all(original[f.start:f.end] == f.text for f in report.facts)


# -------------------------------------------------------------- offset map properties
_pieces = st.one_of(
    st.sampled_from(["數", "網", "發", "申請", "件", "條", "(", ")", "，", "。", "\n", "\r\n", "\r", " ", "１", "２", "0",
                     "(shù)", "(wǎng)", "(fā)", "&amp;", "&nbsp;", "1 637", "（二）", "(http://a.cn)"]),
    st.text(max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=40).map("".join))
def test_offset_map_is_monotone_and_round_trips(original):
    n = normalize(original)
    prev_s = prev_e = 0
    for i in range(len(n.text)):
        s, e = n.source_span(i, i + 1)
        assert 0 <= s <= e <= len(original)
        assert s >= prev_s and e >= prev_e
        prev_s, prev_e = s, e
    s, e = n.source_span(0, len(n.text))
    assert s == 0 or not n.text
    # line ends are folded to '\n', not repaired (no damage): the replay folds them too
    assert fold_line_ends(to_simplified(apply_repairs(original, n.repairs))) == n.text
    for r in n.repairs:
        assert original[r.start:r.end] == r.before


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_unchanged_characters_map_to_themselves(original):
    n = normalize(original)
    if not n.repairs:
        folded = 0  # '\r\n' read as one '\n' (no repair): later characters map one further on
        for i in range(len(n.text)):
            s, e = n.source_span(i, i + 1)
            assert (s, e) == (i + folded, i + folded + 1) or (original[s:e] == "\r\n" and s == i + folded)
            folded += e - s - 1



@settings(max_examples=200, deadline=None)
@given(st.lists(_pieces, max_size=30).map("".join), st.data())
def test_batch_source_spans_equal_one_by_one(original, data):
    """source_spans (one call for a table's cells) maps as source_span does, spans empty ones
    included; the shortcut of a text no stage changed gives what a map with a stage that edits
    nothing gives through the general path."""
    from zhreport.normalize.offsets import OffsetMap, StageMap

    n = normalize(original)
    ends = st.integers(0, len(n.text))
    spans = [tuple(sorted(p)) for p in data.draw(st.lists(st.tuples(ends, ends), max_size=12))]
    assert n.source_spans(spans) == [n.source_span(s, e) for s, e in spans]
    identity = OffsetMap()
    assert identity.source_spans(spans) == OffsetMap([StageMap([])]).source_spans(spans) == spans


@settings(max_examples=300, deadline=None)
@given(st.text("abcdef", max_size=40), st.data())
def test_a_stage_maps_each_edit_to_its_source_and_the_rest_to_itself(original, data):
    """Every edit's output maps back to the span it replaced, every character no edit made to
    itself, and a span from one to the other from the start of one to the end of the other."""
    from zhreport.normalize.offsets import Edit, StageMap, apply_edits

    cuts = sorted(data.draw(st.lists(st.integers(0, len(original)), max_size=8)))
    edits = [Edit(a, b, data.draw(st.text("XY", max_size=3))) for a, b in zip(cuts[::2], cuts[1::2])]
    text, smap = apply_edits(original, edits), StageMap(edits)
    made, shift = set(), 0  # the output positions the edits wrote
    for e in edits:
        out_s = e.start + shift
        shift += len(e.replacement) - (e.end - e.start)
        made.update(range(out_s, out_s + len(e.replacement)))
        if e.replacement:
            assert smap.span(out_s, out_s + len(e.replacement)) == (e.start, e.end)
    kept = [i for i in range(len(text)) if i not in made]
    for i in kept:
        assert original[smap.start(i)] == text[i] and smap.span(i, i + 1) == (smap.start(i), smap.start(i) + 1)
    for i, j in zip(kept, kept[1:]):
        assert smap.span(i, j + 1) == (smap.start(i), smap.start(j) + 1)


def test_html_entities_keep_offsets_and_a_flood_stays_one_edit():
    import zhreport
    from zhreport.normalize.html import html_edits

    page = "<html><body>\n<p>受理行政复议&lt;注&gt;案件2件。</p><p>另有&nbsp;&nbsp;申请3件</p></body></html>"
    r = zhreport.extract(page)
    assert [page[f.start:f.end] for f in r.facts] == ["2件", "3件"]  # each fact points at itself
    flood = "<html><body><p>" + "&#20013;" * 200000 + "收到申请3件</p><p>x</p><div>y</div></body></html>"
    edits = html_edits(flood)
    assert edits is not None and len(edits) < 20  # a run of entities is one edit, not 200,000


def test_lone_surrogates_stay_and_the_text_around_them_is_converted():
    """A str may hold lone surrogates (a file name decoded with surrogateescape, a broken string);
    OpenCC reads UTF-8, which cannot hold them, and raised on a traditional text around one."""
    text = "2018年，這個機關\ud800共受理行政復議案件2件\udfff\ud83d。"
    n = normalize(text)
    assert n.text == "2018年，这个机关\ud800共受理行政复议案件2件\udfff\ud83d。"
    r = extract(text)
    assert [(f.text, f.field) for f in r.facts] == [("2件", "admin_review.total")]
