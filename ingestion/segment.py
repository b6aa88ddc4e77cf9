"""Chinese word segmentation with jieba, the project's domain dictionary and stopwords.

One process-wide :class:`jieba.Tokenizer` is initialised lazily with ``ingestion/dicts/userdict.txt``
(technical terms of Fujian's industries and science disciplines). ``search_tokens`` gives the
``lcut_for_search`` tokens BM25 indexes; stopwords, punctuation and single non-CJK characters are
dropped.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from importlib import resources

import jieba

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def _dict_path(name: str) -> str:
    return str(resources.files("ingestion").joinpath(f"dicts/{name}"))


def tokenizer() -> jieba.Tokenizer:
    """The shared jieba tokenizer with the user dictionary loaded (thread-safe, once)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                tok.load_userdict(_dict_path("userdict.txt"))
                _tokenizer = tok
    return _tokenizer


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    text = resources.files("ingestion").joinpath("dicts/stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def _keep(token: str, stop: frozenset[str]) -> bool:
    token = token.strip()
    if not token or token in stop or not _KEEP.search(token):
        return False
    return not (len(token) == 1 and token.isascii())


def cut(text: str) -> list[str]:
    """Precise-mode words without stopwords (for keywords and display)."""
    stop = stopwords()
    return [t.strip().lower() for t in tokenizer().lcut(text) if _keep(t, stop)]


def search_tokens(text: str) -> list[str]:
    """``lcut_for_search`` tokens without stopwords (for BM25)."""
    stop = stopwords()
    return [t.strip().lower() for t in tokenizer().lcut_for_search(text) if _keep(t, stop)]
