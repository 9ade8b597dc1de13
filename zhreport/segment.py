"""Word segmentation with jieba and the domain lexicon of ``models/lexicons/domain.txt``.

A private ``jieba.Tokenizer`` is built on first use; jieba's global tokenizer is
never touched, so importing zhreport changes nothing for other jieba users.
"""
from __future__ import annotations

import logging
import threading
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
                tk.initialize()
                tk.load_userdict(_user_dict_lines())
                _tokenizer = tk
    return _tokenizer


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
    for word in get_tokenizer().cut(text[start:end], HMM=True):
        out.append((word, pos, pos + len(word)))
        pos += len(word)
    return out
