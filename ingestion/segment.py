"""Chinese word segmentation with jieba, the project's domain dictionary and stopwords.

One process-wide :class:`jieba.Tokenizer` is initialised lazily with ``ingestion/dicts/userdict.txt``
(technical terms of Fujian's industries and science disciplines). ``search_tokens`` gives the
``lcut_for_search`` tokens BM25 indexes; stopwords, punctuation and single non-CJK characters are
dropped. Text is NFKC-normalised first, so full-width letters and digits (``ＥＶＡ``, ``１２``) give
the same tokens as their ASCII forms, and tokens are lower-cased.

The dictionary files are read line by line: ``#`` lines are comments (jieba's own
``load_userdict`` would add them as words). A term without a frequency gets the one jieba suggests
to keep it whole.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from importlib import resources

import jieba

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_USERDICT_LINE = re.compile(r"^(?P<word>.+?)(?: (?P<freq>\d+))?(?: (?P<tag>[a-z]+))?$")


def _dict_lines(name: str) -> list[str]:
    text = resources.files("ingestion").joinpath(f"dicts/{name}").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def user_terms() -> tuple[str, ...]:
    """The terms of the domain dictionary, in file order."""
    terms: list[str] = []
    for line in _dict_lines("userdict.txt"):
        match = _USERDICT_LINE.match(line)
        if match:
            terms.append(match["word"])
    return tuple(terms)


def _load_userdict(tok: jieba.Tokenizer) -> None:
    for line in _dict_lines("userdict.txt"):
        match = _USERDICT_LINE.match(line)
        if match is None:
            continue
        freq = int(match["freq"]) if match["freq"] else None
        word = match["word"]
        tok.add_word(word, freq, match["tag"])
        if word.lower() != word:  # jieba matches case-sensitively; users type "eva" as often as "EVA"
            tok.add_word(word.lower(), freq, match["tag"])


def tokenizer() -> jieba.Tokenizer:
    """The shared jieba tokenizer with the user dictionary loaded (thread-safe, once)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                _load_userdict(tok)
                _tokenizer = tok
    return _tokenizer


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(w.lower() for w in _dict_lines("stopwords.txt"))


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _keep(token: str, stop: frozenset[str]) -> bool:
    if not token or token in stop or not _KEEP.search(token):
        return False
    return not (len(token) == 1 and token.isascii())


def cut(text: str) -> list[str]:
    """Precise-mode words without stopwords (for keywords and display)."""
    stop = stopwords()
    tokens = (t.strip().lower() for t in tokenizer().lcut(_normalise(text)))
    return [t for t in tokens if _keep(t, stop)]


def search_tokens(text: str) -> list[str]:
    """``lcut_for_search`` tokens without stopwords (for BM25)."""
    stop = stopwords()
    tokens = (t.strip().lower() for t in tokenizer().lcut_for_search(_normalise(text)))
    return [t for t in tokens if _keep(t, stop)]
