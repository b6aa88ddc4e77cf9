"""Reads for one search: :class:`IndexReader`, the view ``ExpertIndex.reading()`` hands out.

The view holds the index's parts (:class:`IndexParts`) as they stood when the read lock was taken,
and stops working when the ``reading()`` block ends. Only :mod:`matching.index` builds the parts.
"""

from __future__ import annotations

from collections.abc import KeysView, Mapping
from dataclasses import dataclass

import faiss
import numpy as np

from matching import vectors
from matching.index_entries import Entries, IndexContents, LexicalSnapshot, WorkEntry, WorkLabel
from matching.items import ItemIndex

_NO_TOKENS = np.zeros(0, np.int32)


@dataclass(frozen=True, slots=True)
class IndexParts:
    """The state of one :class:`~matching.index.ExpertIndex` that readers see (read lock held)."""

    dim: int
    entries: Entries
    expert_vectors: faiss.Index
    work_vectors: faiss.Index
    society_vectors: faiss.Index
    items: ItemIndex
    lexical: LexicalSnapshot
    background: np.ndarray | None

    def counts(self) -> dict[str, int]:
        return {
            "experts": int(self.expert_vectors.ntotal),
            "works": int(self.work_vectors.ntotal),
            "societies": int(self.society_vectors.ntotal),
        }


class IndexReader:
    """Reads for one search, valid only inside ``with index.reading() as view`` (read lock held)."""

    __slots__ = ("_parts",)

    def __init__(self, parts: IndexParts) -> None:
        self._parts: IndexParts | None = parts

    def _live(self) -> IndexParts:
        if self._parts is None:
            raise RuntimeError("IndexReader used after its reading() block ended")
        return self._parts

    def close(self) -> None:
        """End the view: every later read raises (``reading()`` calls this when its block ends)."""
        self._parts = None

    @property
    def lexical(self) -> LexicalSnapshot:
        return self._live().lexical

    @property
    def background(self) -> np.ndarray | None:
        return self._live().background

    def counts(self) -> dict[str, int]:
        return self._live().counts()

    def expert_ids(self) -> KeysView[int]:
        """The indexed experts' ids (a live view: use it under the same read lock)."""
        return self._live().entries.experts.keys()

    def search_experts(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Cosines and ids of the ``k`` nearest expert profile vectors (``-1`` pads)."""
        return self._live().expert_vectors.search(query, k)

    def search_societies(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        return self._live().society_vectors.search(query, k)

    def search_items(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Cosines and ids of the ``k`` nearest field items per query row (``-1`` pads)."""
        return self._live().items.search(queries, k)

    def item_holders(self) -> Mapping[int, set[int]]:
        """Field item id -> the experts holding it (a live view: use it under the same read lock)."""
        return self._live().items.holders

    def search_works(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Cosines and ids of the ``k`` nearest work vectors per query row (not deduplicated by text)."""
        index = self._live()
        k = min(k, int(index.work_vectors.ntotal))
        if k <= 0:
            n = int(queries.shape[0])
            return np.zeros((n, 0), dtype=np.float32), np.zeros((n, 0), dtype=np.int64)
        return index.work_vectors.search(np.ascontiguousarray(queries, dtype=np.float32), k)

    def work_authors(self) -> Mapping[int, tuple[int, WorkEntry]]:
        """Work id -> (its expert's id, the work); a live view like :meth:`item_holders`."""
        return self._live().entries.works

    def nearest_documents(
        self, query: np.ndarray, depth: int, searched: tuple[np.ndarray, np.ndarray] | None = None
    ) -> list[tuple[str, float]]:
        """The ``depth`` best distinct work documents by cosine, best first.

        ``searched``: this query's :meth:`search_works` row, when the caller already has it (one
        FAISS call for the demand and its passages); it is widened here only if too short.
        """
        index = self._live()
        total = int(index.work_vectors.ntotal)
        if total == 0 or depth <= 0:
            return []
        works = index.entries.works
        k = min(total, depth * 2)  # co-authored works repeat one text under several ids: widen if needed
        while True:
            if searched is not None and searched[1].shape[-1] >= k:
                scores, ids = searched[0].reshape(1, -1), searched[1].reshape(1, -1)
                k = scores.shape[1]
            else:
                scores, ids = index.work_vectors.search(query, k)
            seen: dict[str, float] = {}
            for score, work_id in zip(scores[0], ids[0], strict=True):
                if work_id < 0:
                    break
                held = works.get(int(work_id))
                if held is not None and held[1].key not in seen:
                    seen[held[1].key] = float(score)
                    if len(seen) == depth:
                        break
            if len(seen) == depth or k >= total:
                return list(seen.items())
            k = min(total, k * 4)

    def experts_of_key(self, key: str) -> list[tuple[int, int | None]]:
        """``(expert id, work id)`` pairs holding a document; work id ``None`` for an own document."""
        entries = self._live().entries
        owners = entries.key_owners.get(key)
        if owners:
            return [(e, None) for e in owners]
        return [(entries.works[w][0], w) for w in entries.key_works.get(key, ())]

    def works_of(self, expert_id: int) -> tuple[WorkEntry, ...]:
        entry = self._live().entries.experts.get(expert_id)
        return entry.works if entry is not None else ()

    def label(self, work_id: int) -> WorkLabel | None:
        held = self._live().entries.works.get(work_id)
        return held[1].label if held is not None else None

    def work_text_size(self, expert_id: int) -> int:
        """Tokens in the expert's work documents (its own document not counted)."""
        return self._live().entries.work_tokens.get(expert_id, 0)

    def work_vectors(self, work_ids: list[int]) -> np.ndarray:
        index = self._live()
        if not work_ids:
            return np.zeros((0, index.dim), dtype=np.float32)
        return np.asarray(index.work_vectors.reconstruct_batch(vectors.id_array(work_ids)), dtype=np.float32)

    def profile_document(self, expert_id: int) -> np.ndarray:
        """Token ids of an expert's whole profile: own text plus every work document."""
        entries = self._live().entries
        entry = entries.experts.get(expert_id)
        if entry is None:
            return _NO_TOKENS
        if not entry.works:
            return entry.tokens
        return np.concatenate([entry.tokens, *(entries.documents[w.key] for w in entry.works)])

    def contents(self) -> IndexContents:
        index = self._live()
        entries = index.entries
        return IndexContents(
            experts=tuple(entries.experts[e] for e in sorted(entries.experts)),
            societies=tuple(entries.societies[s] for s in sorted(entries.societies)),
            documents=dict(entries.documents),
            expert_vectors=index.expert_vectors,
            work_vectors=index.work_vectors,
            society_vectors=index.society_vectors,
            items=index.items,
        )
