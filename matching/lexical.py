"""BM25 (bm25s) over jieba ``lcut_for_search`` tokens.

Documents are stored as token-id arrays over one growing :class:`Vocabulary`, so rebuilding a
BM25 index after a profile change re-tokenises only the changed texts: bm25s builds its score
matrix straight from the ids. A :class:`Bm25` is immutable once built; the engine swaps in a new
one, so searches never see a half-built index.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Hashable, Sequence
from typing import Generic, TypeVar

import bm25s
import numpy as np

from ingestion.segment import search_tokens

K = TypeVar("K", bound=Hashable)

BM25_K1 = 1.5
BM25_B = 0.75


class Vocabulary:
    """Token ↔ id map shared by every index of an engine; ids are never reused."""

    def __init__(self, tokens: Sequence[str] = ()) -> None:
        self._ids: dict[str, int] = {}
        self._tokens: list[str] = []
        self._lock = threading.Lock()
        for t in tokens:
            self.add(t)

    def __len__(self) -> int:
        return len(self._tokens)

    @property
    def tokens(self) -> list[str]:
        return self._tokens

    def add(self, token: str) -> int:
        found = self._ids.get(token)
        if found is not None:
            return found
        with self._lock:
            found = self._ids.get(token)
            if found is None:
                found = len(self._tokens)
                self._tokens.append(token)
                self._ids[token] = found
            return found

    def encode(self, tokens: Sequence[str]) -> np.ndarray:
        return np.fromiter((self.add(t) for t in tokens), dtype=np.int32, count=len(tokens))

    def lookup(self, tokens: Sequence[str]) -> list[int]:
        """Ids of the known tokens (unknown ones cannot match any document)."""
        ids = self._ids
        return [ids[t] for t in tokens if t in ids]

    def token(self, token_id: int) -> str:
        return self._tokens[token_id]


def top_indices(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest positive scores, best first (ties by position)."""
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    # BM25 leaves most documents at exactly 0; selecting among the positive ones first keeps the
    # partition fast (introselect degrades badly on long runs of equal values).
    idx = np.flatnonzero(scores > 0)
    if idx.size > k:
        idx = idx[np.argpartition(scores[idx], idx.size - k)[idx.size - k :]]
    return idx[np.lexsort((idx, -scores[idx]))]


def tokenize(text: str, vocab: Vocabulary) -> np.ndarray:
    return vocab.encode(search_tokens(text))


class Bm25(Generic[K]):
    """An immutable BM25 index over documents given as token-id arrays, addressed by key."""

    def __init__(
        self,
        keys: Sequence[K],
        docs: Sequence[np.ndarray],
        vocab: Vocabulary,
        *,
        k1: float = BM25_K1,
        b: float = BM25_B,
    ) -> None:
        if len(keys) != len(docs):
            raise ValueError("one key per document")
        self.keys: list[K] = list(keys)
        self.position: dict[K, int] = {k: i for i, k in enumerate(self.keys)}
        self.vocab_size = len(vocab)
        # bm25s' (document × token) CSC matrix of non-zero scores; a column's length is the token's
        # document frequency. Its default variant (Lucene) gives absent tokens no score, so a
        # document's score is the sum of its entries in the query's columns.
        self._indptr = np.zeros(self.vocab_size + 1, dtype=np.int64)
        self._indices = np.zeros(0, dtype=np.int32)
        self._data = np.zeros(0, dtype=np.float32)
        if self.keys:
            retriever = bm25s.BM25(k1=k1, b=b)
            retriever.index(
                ([doc.tolist() for doc in docs], {i: i for i in range(self.vocab_size)}),
                create_empty_token=False,
                show_progress=False,
            )
            self._indptr = np.asarray(retriever.scores["indptr"], dtype=np.int64)
            self._indices = retriever.scores["indices"]
            self._data = retriever.scores["data"]

    def __len__(self) -> int:
        return len(self.keys)

    def _query_ids(self, query_ids: Sequence[int]) -> list[int]:
        return [int(t) for t in query_ids if 0 <= t < self.vocab_size]

    def scores(self, query_ids: Sequence[int]) -> np.ndarray:
        """BM25 score of every document (aligned with ``keys``) for the query token ids."""
        scores = np.zeros(len(self.keys), dtype=np.float32)
        # bm25s' get_scores adds a token's column once per occurrence in the query; a long demand
        # repeats its words (and the frequent ones have the longest columns), so each distinct
        # token's column is added once, times its count: the same sum up to float32 rounding, in
        # about half the time for a three-paragraph demand.
        indptr, indices, data = self._indptr, self._indices, self._data
        for token, count in Counter(self._query_ids(query_ids)).items():
            start, end = indptr[token], indptr[token + 1]
            np.add.at(scores, indices[start:end], data[start:end] if count == 1 else data[start:end] * count)
        return scores

    def top(self, query_ids: Sequence[int], k: int) -> tuple[list[K], np.ndarray]:
        """The ``k`` best documents with a positive score, best first."""
        s = self.scores(query_ids)
        idx = top_indices(s, k)
        return [self.keys[i] for i in idx], s[idx]

    def idf(self, token_id: int) -> float:
        """Inverse document frequency of a token in this index (for ranking matched keywords)."""
        n = len(self.keys)
        df = int(self._indptr[token_id + 1] - self._indptr[token_id]) if 0 <= token_id < self.vocab_size else 0
        return math.log(1 + (n - df + 0.5) / (df + 0.5))
