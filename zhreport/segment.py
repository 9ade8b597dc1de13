"""Word segmentation with jieba and the domain lexicon of ``models/lexicons/domain.txt``.

A private ``jieba.Tokenizer`` is built on first use; jieba's global tokenizer is
never touched, so importing zhreport changes nothing for other jieba users.
"""
from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import Optional

from .resources import model_path

_lock = threading.Lock()
_tokenizer = None


def get_tokenizer():
    """The shared private tokenizer (created once per process, thread-safe)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                logging.getLogger("jieba").setLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.tmp_dir = _cache_dir()
                tk.initialize()
                tk.load_userdict(_user_dict_lines())
                _tokenizer = tk
    return _tokenizer


def _cache_dir() -> str:
    """A folder of this user's for jieba's dictionary cache: never the shared temporary folder, where
    another user could leave a file for jieba to load. Without a private cache folder, a fresh
    temporary one (the tables are built anew in each process)."""
    import os
    import stat
    import tempfile

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(base, "zhreport")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        st = os.stat(path)
        if st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return path
    except (OSError, AttributeError):  # read-only home, or no getuid (Windows)
        pass
    return tempfile.mkdtemp(prefix="zhreport-jieba-")


def _user_dict_lines():
    import io

    path = model_path("lexicons", "domain.txt")
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    return io.StringIO("\n".join(lines))


def segment(text: str, start: int = 0, end: Optional[int] = None) -> list[tuple[str, int, int]]:
    """Words of text[start:end] with their (start, end) offsets in `text`."""
    end = len(text) if end is None else end
    out = []
    pos = start
    for word in _words(text[start:end]):
        out.append((word, pos, pos + len(word)))
        pos += len(word)
    return out


@lru_cache(maxsize=8192)
def _words(clause: str) -> tuple[str, ...]:
    # a clause is often segmented more than once (what stands before a number and after it)
    return tuple(get_tokenizer().cut(clause, HMM=True))
