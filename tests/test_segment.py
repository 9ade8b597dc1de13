"""The segmenter gives jieba's words: the same as a ``jieba.Tokenizer`` with the domain lexicon
(``cut`` with and without the HMM, and the best route's log P), from its own cached dictionary.
The only place besides the segmenter's build step that imports jieba."""
import io
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhreport import segment as S
from zhreport.normalize.damage import to_traditional_chars

from .conftest import ROOT


def _jieba_tokenizer(lines):
    import logging

    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.FREQ, tk.total = tk.gen_pfdict(tk.get_dict_file())  # initialize() without a cache file
    tk.initialized = True
    tk.load_userdict(io.StringIO("\n".join(lines)))
    return tk


@pytest.fixture(scope="module")
def jieba_tk():
    return _jieba_tokenizer(S._lexicon_lines())


@pytest.fixture(scope="module")
def dev_texts():
    dev = [json.loads(line)["text"] for path in sorted((ROOT / "corpora" / "dev").glob("*.jsonl"))
           for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(dev) > 20
    return dev + [to_traditional_chars(t) for t in dev]


def test_dev_texts_are_cut_as_jieba_cuts_them(jieba_tk, dev_texts):
    seg = S.get_segmenter()
    for i, text in enumerate(dev_texts):
        assert seg.cut(text) == list(jieba_tk.cut(text, HMM=True))
        if i % 4 == 0:  # a sample: the generated texts below try the other mode thoroughly
            assert seg.cut(text, hmm=False) == list(jieba_tk.cut(text, HMM=False))


def test_the_best_route_scores_as_jiebas(jieba_tk, dev_texts):
    seg = S.get_segmenter()
    runs = {m.group() for text in dev_texts[:10] for m in S._HMM_HAN.finditer(text)}
    suffixes: dict = {}  # shared by the runs, as the repair's word scores share it
    for run in list(runs)[:300]:
        route: dict = {}
        jieba_tk.calc(run, jieba_tk.get_DAG(run), route)
        assert seg.best_logp(run) == route[0][0]
        assert seg.best_logp(run, suffixes) == route[0][0]
    assert len(suffixes) > 300


# characters of every kind jieba's patterns tell apart: common Han characters (dictionary words),
# rare ones (runs for the HMM), Han characters the HMM's tables lack or outside its range, latin,
# digits, the symbols that join a block (+#&._%-), punctuation, whitespace (\r\n is one token),
# full-width forms
_ALPHABET = ("的是在了不和有大这中人上为们年政府信息公开申请件数受理行政复议诉讼办结"
             "犇彧珺邶鬯龘耄嫣璟翀魍魉鍪螭罍夔饕餮" "\u9fd4\u9fd5\u9fd6\u9fea\u3400\U00020000"
             "abcXYZ0123456789" "+#&._%-" "，。、；：（）()[]“”!?/" " \t\r\n\u3000\u00a0" "ＡＢｃ１２３％．")
_WORDS = ("政府信息公开", "行政复议", "依申请公开", "2019年", "3.5%", "C++", "e-mail", "共计", "办理")
_TEXTS = st.lists(st.one_of(st.text(alphabet=_ALPHABET, max_size=8), st.sampled_from(_WORDS)),
                  max_size=12).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXTS)
def test_any_text_is_cut_as_jieba_cuts_it(jieba_tk, text):
    seg = S.get_segmenter()
    assert seg.cut(text) == list(jieba_tk.cut(text, HMM=True))
    assert seg.cut(text, hmm=False) == list(jieba_tk.cut(text, HMM=False))


def _assert_route_is_jiebas(seg, tk, s):
    """Every position's best log P and first word's end, as jieba's get_DAG + calc give them."""
    route: dict = {}
    tk.calc(s, tk.get_DAG(s), route)
    best, ends = seg._route(s)
    assert best[:len(s)] == [route[k][0] for k in range(len(s))], s
    assert ends[:len(s)] == [route[k][1] + 1 for k in range(len(s))], s


# the trie walk's edges: a word ending the text, characters that only begin words (信息公 of
# 信息公开, 中华人民共 of 中华人民共和国), a character that is no word but begins some, words of
# Latin letters and symbols (C++, AT&T, 4S店), a word a character longer than what follows
_ROUTE_EDGES = ["", "的", "龘", "\u9fd6", "信息公", "中华人民共", "中华人民共和国", "政府信息公开",
                "C++语言", "AT&T公司", "4S店", "4s", "CD机CD", "a", "abc123", "2019年3.5%"]


def test_the_route_is_jiebas_at_every_position(jieba_tk, dev_texts):
    seg = S.get_segmenter()
    blocks = {m.group() for text in dev_texts[::3] for m in S._BLOCK.finditer(text)}
    for s in _ROUTE_EDGES + sorted(blocks):
        _assert_route_is_jiebas(seg, jieba_tk, s)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXTS)
def test_the_route_of_any_text_is_jiebas(jieba_tk, text):
    _assert_route_is_jiebas(S.get_segmenter(), jieba_tk, text)


def test_the_hmm_decodes_as_jiebas_finalseg(dev_texts):
    """Every Han run of a sample of the dev texts (not only those the route leaves to the HMM),
    runs of rare characters, and one character."""
    from jieba import finalseg

    seg = S.get_segmenter()
    runs = sorted({m.group() for text in dev_texts[::4] for m in S._HMM_HAN.finditer(text)})
    for run in runs + ["犇彧珺邶鬯龘耄", "\u9fd4\u9fd5\u4e00", "的"]:
        assert seg._viterbi_words(run) == list(getattr(finalseg, "__cut")(run)), run


def test_a_word_is_found_as_jieba_has_it(jieba_tk):
    """_is_word (the HMM's runs that are words) against jieba's frequencies: words, and beginnings
    of words that are none."""
    seg = S.get_segmenter()
    words = [w for w, f in list(jieba_tk.FREQ.items())[::97] if len(w) >= 2]
    for w in words + [w[:-1] for w in words] + [w + "的" for w in words] + ["龘龘", "\u9fd6的"]:
        if len(w) >= 2:
            assert seg._is_word(w) == bool(jieba_tk.FREQ.get(w)), w


def test_segment_gives_offsets_into_the_text():
    text = "前言。全年共收到政府信息公开申请13件。"
    words = S.segment(text, 3)
    assert "".join(w for w, _, _ in words) == text[3:]
    assert all(text[s:e] == w for w, s, e in words) and words[0][1] == 3


def test_a_process_with_the_cache_never_imports_jieba():
    import subprocess
    import sys

    S.get_segmenter()  # the cache is there
    code = ("import sys; from zhreport.segment import segment; print(len(segment('全年收到申请3件')), "
            "sorted(m for m in sys.modules if m.split('.')[0] in ('jieba', 'pkg_resources')))")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert p.stdout.split(None, 1) == ["5", "[]\n"], p.stderr[-500:]


def _private_cache(tmp_path, monkeypatch, filled=False):
    """An empty cache folder of the test's, or one holding the files of the current lexicon (copied
    from the session's: a build takes a second)."""
    import shutil

    S.get_segmenter()
    home = S._cache_dir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache = tmp_path / "zhreport"
    if filled:
        cache.mkdir(mode=0o700)
        key = S._cache_key(S._lexicon_lines())
        for suffix in (".nodes", ".data"):
            shutil.copy(os.path.join(home, f"words-{key}{suffix}"), cache)
    return cache


def test_a_changed_lexicon_rebuilds_the_cache(tmp_path, monkeypatch, jieba_tk, dev_texts):
    """A new word is cut whole, and a word given frequency 0 is split even where the HMM finds it
    (jieba's Force_Split_Words), exactly as jieba does with the same lexicon."""
    from jieba import finalseg

    cache = _private_cache(tmp_path, monkeypatch, filled=True)
    before = sorted(f.name for f in cache.iterdir())
    assert len(before) == 2 and oct(cache.stat().st_mode & 0o777) == "0o700"
    # a word the HMM makes on the dev texts, no dictionary word: to be split by frequency 0
    text, hmm_word = next((t, w) for t in dev_texts for w in jieba_tk.cut(t) if len(w) == 2
                          and S._HMM_HAN.fullmatch(w) and w not in jieba_tk.FREQ)
    text += "召开巡视整改通报会。"
    lines = S._lexicon_lines() + ["巡视整改通报会 7", f"{hmm_word} 0"]
    monkeypatch.setattr(S, "_lexicon_lines", lambda: lines)
    monkeypatch.setattr(S, "KEEP_KEYS", 1)
    monkeypatch.setattr(finalseg, "Force_Split_Words", set())  # jieba's global, restored after the test
    seg = S._load()
    after = sorted(f.name for f in cache.iterdir())
    assert len(after) == 2 and not set(after) & set(before)  # rebuilt, the older lexicon's files pruned
    reference = _jieba_tokenizer(lines)
    assert "巡视整改通报会" in seg.cut(text) and hmm_word not in seg.cut(text)
    assert seg.cut(text) == list(reference.cut(text))
    assert S._load().cut(text) == seg.cut(text)  # and read back from the cache


@pytest.mark.parametrize("kind", ["not a folder", "writable by others"])
def test_without_a_private_cache_folder_it_builds_in_memory(tmp_path, monkeypatch, kind):
    cache = _private_cache(tmp_path, monkeypatch)
    if kind == "not a folder":
        cache.write_text("")
    else:
        cache.mkdir()
        cache.chmod(0o777)  # another user could plant files there: not used
    seg = S._load()
    assert seg.cut("全年收到政府信息公开申请3件") == ["全年", "收到", "政府信息公开", "申请", "3", "件"]
    assert cache.is_file() or not list(cache.iterdir())


@pytest.mark.parametrize("suffix", [".data", ".nodes"])
def test_a_damaged_cache_file_is_rebuilt(tmp_path, monkeypatch, suffix):
    cache = _private_cache(tmp_path, monkeypatch, filled=True)
    damaged = next(cache.glob("*" + suffix))
    damaged.write_bytes(damaged.read_bytes()[:100])
    assert S._load().cut("全年收到政府信息公开申请") == ["全年", "收到", "政府信息公开", "申请"]
    assert len(damaged.read_bytes()) > 100 and not [f for f in os.listdir(cache) if f.startswith(".tmp")]


@pytest.mark.parametrize("damage", ["zeros of the same size", "data without a key"])
def test_a_cache_file_of_the_right_size_with_wrong_content_is_rebuilt(tmp_path, monkeypatch, damage):
    """A nodes file of zeros (a crash between write and rename) passes the size check: the lexicon's
    words tell it; a data file that marshal reads but lacks a key must not raise from extract."""
    import marshal

    cache = _private_cache(tmp_path, monkeypatch, filled=True)
    if damage == "zeros of the same size":
        nodes = next(cache.glob("*.nodes"))
        nodes.write_bytes(bytes(len(nodes.read_bytes())))
    else:
        data = next(cache.glob("*.data"))
        content = marshal.loads(data.read_bytes())
        del content["unknown"]
        data.write_bytes(marshal.dumps(content))
    assert S._load().cut("全年收到政府信息公开申请") == ["全年", "收到", "政府信息公开", "申请"]
    assert S._load().cut("全年收到政府信息公开申请") == ["全年", "收到", "政府信息公开", "申请"]  # rebuilt for good
