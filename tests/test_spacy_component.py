"""The spaCy component: the facts of extract as spans, the Report on the Doc, multiprocessing, DocBin."""
import json
import subprocess
import sys
from importlib import metadata

import pytest

spacy = pytest.importorskip("spacy", reason="the spaCy component needs the extra: pip install 'zhreport[spacy]'")
from spacy.tokens import DocBin  # noqa: E402

import zhreport  # noqa: E402
from zhreport import spacy_component  # noqa: E402  (registers the factory even when zhreport is not installed)

from .conftest import ROOT  # noqa: E402

SMALL = ["全年共收到政府信息公开申请13件，其中当面申请1件。",
         "2018年，县政府法制办受理行政复议案件2件，被依法纠错1件。",
         "本年度未发生行政诉讼案件。"]


# pkuseg's published models are downloaded at run time: the test trains a small one on these
# (our own segmented sentences); it segments badly, which is what the alignment test wants
PKUSEG_TRAINING = ["全年 共 收到 政府 信息 公开 申请 13 件", "其中 当面 申请 1 件", "受理 行政 复议 案件 2 件",
                   "主动 公开 政府 信息 1637 条", "本 机关 未 发生 行政 诉讼 案件"]


def _pkuseg_model(folder):
    spacy_pkuseg = pytest.importorskip("spacy_pkuseg", reason="the pkuseg segmenter needs spacy-pkuseg")
    model = folder / "pkuseg-model"
    if not model.exists():
        train = folder / "pkuseg-train.txt"
        train.write_text("\n".join(PKUSEG_TRAINING * 4) + "\n", encoding="utf-8")
        spacy_pkuseg.train(str(train), str(train), str(model), train_iter=2)
    return model


def _nlp(segmenter="char", pkuseg_folder=None, **config):
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": segmenter}}})
    if segmenter == "pkuseg":
        nlp.tokenizer.initialize(pkuseg_model=str(_pkuseg_model(pkuseg_folder)))
    nlp.add_pipe("zhreport", config=config)
    return nlp


def _facts(report):
    return [(f.start, f.end, f.field or spacy_component.FACT_LABEL) for f in report.facts]


def _spans(doc):
    return [(s._.zhreport_start, s._.zhreport_end, s.label_) for s in doc.spans["zhreport"]]


@pytest.fixture(scope="module")
def seed_doc_of(seed_text, tmp_path_factory):
    docs = {}

    def get(segmenter):
        if segmenter not in docs:
            docs[segmenter] = _nlp(segmenter, tmp_path_factory.mktemp("pkuseg"))(seed_text)
        return docs[segmenter]
    return get


@pytest.mark.parametrize("segmenter", ["char", "jieba", "pkuseg"])
def test_component_gives_the_facts_of_extract_at_the_same_offsets(segmenter, seed_doc_of, seed_report):
    seed_doc = seed_doc_of(segmenter)
    assert _spans(seed_doc) == _facts(seed_report)
    assert seed_doc._.zhreport.to_dict() == seed_report.to_dict()
    for span, f in zip(seed_doc.spans["zhreport"], seed_report.facts):
        assert span.start_char <= f.start < f.end <= span.end_char  # whole tokens around the exact fact


@pytest.mark.parametrize("segmenter", ["jieba", "pkuseg"])
def test_spans_cover_facts_that_cut_through_tokens(segmenter, seed_doc_of, seed_text, seed_report):
    doc = seed_doc_of(segmenter)
    cut = [(s, f) for s, f in zip(doc.spans["zhreport"], seed_report.facts)
           if (s.start_char, s.end_char) != (f.start, f.end)]
    assert cut, "both segmenters join some fact with the characters around it"
    for span, f in cut:
        assert span.start_char <= f.start and f.end <= span.end_char
        assert (span._.zhreport_start, span._.zhreport_end) == (f.start, f.end)
        assert seed_text[span._.zhreport_start:span._.zhreport_end] == f.text


def test_config_reaches_extract():
    text = "2020年，本机关共收到政府信息公开申请13件，其中当面申请1件。"
    doc = _nlp(year=2020, template="gov2019")(text)
    assert doc._.zhreport.year == 2020 and doc._.zhreport.template == "gov2019"
    assert _facts(doc._.zhreport) == _facts(zhreport.extract(text, year=2020, template="gov2019"))
    damaged = "确??h政府信息公开申请13件。"  # a GBK-misalignment run
    modes = {m: [(r.kind, r.applied) for r in _nlp(mojibake=m)(damaged)._.zhreport.repairs if r.kind == "mojibake"]
             for m in ("off", "report")}
    assert modes["off"] == [] and modes["report"] and not any(applied for _k, applied in modes["report"])


@pytest.mark.parametrize("config, code", [({"template": "gov1999"}, "[E002]"), ({"mojibake": "fix"}, "[E003]"),
                                          ({"year": 1800}, "[E004]")])
def test_bad_config_is_an_error_with_a_code(config, code):
    with pytest.raises(ValueError, match=code.replace("[", r"\[").replace("]", r"\]")):
        _nlp(**config)


def test_a_doc_the_component_did_not_see_has_no_report():
    nlp = _nlp()
    assert nlp.make_doc("共收到申请13件。")._.zhreport is None


def test_pipe_with_two_processes_gives_what_one_gives(seed_text):
    nlp = _nlp()
    texts = [seed_text[:1500], SMALL[0], seed_text[3000:4500], SMALL[1], SMALL[2]]
    one = list(nlp.pipe(texts))
    two = list(nlp.pipe(texts, n_process=2, batch_size=1))
    assert [d.text for d in two] == texts
    assert [_spans(d) for d in two] == [_spans(d) for d in one]
    assert [d._.zhreport.to_dict() for d in two] == [d._.zhreport.to_dict() for d in one]
    assert sum(len(d.spans["zhreport"]) for d in two) > 10


def test_docbin_round_trip_keeps_spans_labels_and_report(seed_doc_of):
    docs = [seed_doc_of("jieba"), _nlp()(SMALL[0])]
    data = DocBin(store_user_data=True, docs=docs).to_bytes()
    fresh = spacy.blank("zh")  # another pipeline, nothing shared with the first
    back = list(DocBin().from_bytes(data).get_docs(fresh.vocab))
    for d, b in zip(docs, back):
        assert [(s.start_char, s.end_char, s.label_) for s in b.spans["zhreport"]] == \
               [(s.start_char, s.end_char, s.label_) for s in d.spans["zhreport"]]
        assert _spans(b) == _spans(d)
        assert b._.zhreport.to_dict() == d._.zhreport.to_dict()
    assert {s.label_ for s in back[0].spans["zhreport"]} >= {"FACT", "admin_review.total"}


def test_entry_point_and_extensions_set_only_by_the_component():
    """In a fresh interpreter: importing sets no extension, add_pipe("zhreport") does."""
    installed = any(ep.name == "zhreport" and ep.value == "zhreport.spacy_component:make_zhreport"
                    for ep in _entry_points("spacy_factories"))
    script = f"""
import json, spacy
from spacy.tokens import Doc, Span
import zhreport
{'' if installed else 'import zhreport.spacy_component'}
before = Doc.has_extension("zhreport") or Span.has_extension("zhreport_start")
nlp = spacy.blank("zh", config={{"nlp": {{"tokenizer": {{"segmenter": "jieba"}}}}}})
nlp.add_pipe("zhreport")
doc = nlp({SMALL[1]!r})
print(json.dumps([before, Doc.has_extension("zhreport"), [s.label_ for s in doc.spans["zhreport"]]]))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    before, after, labels = json.loads(done.stdout.splitlines()[-1])
    assert before is False and after is True
    assert labels == ["admin_review.total", "admin_review.corrected"]
    declared = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points.spacy_factories]\nzhreport = "zhreport.spacy_component:make_zhreport"' in declared
    if not installed:
        pytest.skip("zhreport is not installed here: the entry point itself was not exercised")


def _entry_points(group):
    eps = metadata.entry_points()
    return eps.select(group=group) if hasattr(eps, "select") else eps.get(group, [])


def test_core_runs_without_spacy_and_the_component_says_what_to_install():
    script = """
import sys
sys.modules["spacy"] = None  # as if spaCy were not installed
import zhreport
print(len(zhreport.extract("2018年，受理行政复议案件2件。").facts))
import zhreport.spacy_component
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.stdout.strip() == "1"
    assert "ImportError: [E001]" in done.stderr and "pip install 'zhreport[spacy]'" in done.stderr
