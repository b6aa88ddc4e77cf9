"""The in-memory matching index: FAISS for vectors, bm25s for words, keyed by database ids.

Layout (all inner product over L2-normalised vectors, i.e. cosine):

- expert vectors  — ``IndexIDMap2(IndexFlatIP)`` (IVF when large), one profile vector per *active*
  expert, id = ``experts.id``
- work vectors    — same kind, one vector per work of an active expert, id = ``expert_works.id``;
  identical texts (a paper several experts co-authored) share one content key, so a document votes
  once for each of its authors
- society vectors — ``IndexIDMap2(IndexFlatIP)``, one vector per active society, id = ``societies.id``
- BM25 over expert profile documents (fields, bio, department and every work), over the distinct
  work documents plus each expert's own document (fields, bio, department — with thin profiles it is
  most of the evidence), and over society documents, built from token ids kept per document.

Small collections use exact flat indexes; from 20k vectors a rebuild switches the experts and
works indexes to half-precision inverted files (see :mod:`matching.vectors`).

State: one record per expert and society (:mod:`matching.index_entries`, where the reverse maps
are derived); nothing outside this module and the view it hands out (:mod:`matching.index_reader`)
reads it. :meth:`ExpertIndex.apply` is the only writer (it validates first, so a bad batch changes
nothing); readers call a method that takes the read lock itself, or read several things at once
inside ``with index.reading() as view``.

BM25 indexes are immutable and replaced by :meth:`ExpertIndex.refresh_lexical` in one assignment.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import numpy as np

from matching import vectors
from matching.index_entries import (
    Entries,
    ExpertEntry,
    IndexContents,
    LexicalSnapshot,
    PreparedExpert,
    PreparedSociety,
    SocietyEntry,
    WorkLabel,
)
from matching.index_reader import IndexParts, IndexReader
from matching.items import ItemIndex
from matching.lexical import Bm25, Vocabulary
from matching.repository import ExpertCard
from matching.rwlock import ReadWriteLock


class ExpertIndex:
    """Vectors, words and cards of the active experts and societies; owns its lock and its state."""

    def __init__(
        self,
        *,
        model_id: str,
        dim: int,
        vocab: Vocabulary | None = None,
        watermark: int = 0,
        built_at: str | None = None,
    ) -> None:
        self._model_id, self._dim = model_id, dim
        self._vocab = vocab if vocab is not None else Vocabulary()
        self._watermark = watermark
        self._built_at = built_at or datetime.now(UTC).isoformat(timespec="seconds")
        self._lock = ReadWriteLock()
        self._entries = Entries()
        self._expert_vectors = vectors.new_flat(dim)
        self._work_vectors = vectors.new_flat(dim)
        self._society_vectors = vectors.new_flat(dim)
        self._items = ItemIndex(dim)
        """Field items (:mod:`matching.items`), kept in step with the experts by :meth:`apply`."""
        self._lexical = LexicalSnapshot(Bm25([], [], self._vocab), Bm25([], [], self._vocab), Bm25([], [], self._vocab))
        self._generation = 0
        """Bumped by every :meth:`apply`; the lexical snapshot records the generation it saw."""
        self._lexical_generation = 0
        self._lexical_lock = threading.Lock()
        self._background: np.ndarray | None = None

    # -- facts that never change after construction, and counts -------------------------------

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def vocab(self) -> Vocabulary:
        return self._vocab

    @property
    def built_at(self) -> str:
        return self._built_at

    @property
    def watermark(self) -> int:
        return self._watermark

    @property
    def lexical_is_current(self) -> bool:
        return self._lexical_generation == self._generation

    def set_background(self, vector: np.ndarray | None) -> None:
        """Mean vector of the reference texts (see :mod:`matching.background`), set by the engine."""
        with self._lock.write():
            self._background = vector

    def counts(self) -> dict[str, int]:
        with self._lock.read():
            return self._counts()

    def _counts(self) -> dict[str, int]:
        return self._parts().counts()

    def _parts(self) -> IndexParts:
        """The state readers see; call with the lock held."""
        return IndexParts(
            dim=self._dim,
            entries=self._entries,
            expert_vectors=self._expert_vectors,
            work_vectors=self._work_vectors,
            society_vectors=self._society_vectors,
            items=self._items,
            lexical=self._lexical,
            background=self._background,
        )

    def kinds(self) -> dict[str, str]:
        with self._lock.read():
            return {
                "experts": vectors.kind(self._expert_vectors),
                "works": vectors.kind(self._work_vectors),
                "items": vectors.kind(self._items.vectors),
            }

    def item_count(self) -> int:
        """Distinct field items with a vector."""
        with self._lock.read():
            return len(self._items)

    def expert_ids(self) -> set[int]:
        with self._lock.read():
            return set(self._entries.experts)

    def society_ids(self) -> set[int]:
        with self._lock.read():
            return set(self._entries.societies)

    # -- mutation -----------------------------------------------------------------------------

    def _rows(self, arrays: list[np.ndarray]) -> np.ndarray:
        v = np.ascontiguousarray(np.vstack(arrays), dtype=np.float32)
        if v.shape[1] != self._dim:
            raise ValueError(f"vector of dimension {v.shape[1]} given to a {self._dim}-dimension index")
        return v

    def apply(
        self,
        *,
        experts: Iterable[PreparedExpert] = (),
        remove_experts: Iterable[int] = (),
        societies: Iterable[PreparedSociety] = (),
        remove_societies: Iterable[int] = (),
        watermark: int | None = None,
    ) -> None:
        """Replace, add and remove entries in one write-locked step (vectors now, words on refresh).

        Raises ``ValueError`` (and changes nothing) for a batch that would break an invariant.
        """
        experts, societies = list(experts), list(societies)
        for e in experts:  # dimensions first, outside the lock: searches wait only for the change
            self._rows([e.vector, *(w.vector for w in e.works), *(i.vector for i in e.items)])
        for s in societies:
            self._rows([s.vector])
        with self._lock.write():
            dropped = {*remove_experts, *(e.id for e in experts)}
            self._entries.refuse(experts, societies, dropped)
            for expert_id in dropped:
                self._drop_expert(expert_id)
            for expert in experts:
                self._put_expert(expert)
            for society_id in {*remove_societies, *(s.id for s in societies)}:
                if self._entries.societies.pop(society_id, None) is not None:
                    vectors.remove_ids(self._society_vectors, [society_id])
            for society in societies:
                self._society_vectors.add_with_ids(self._rows([society.vector]), vectors.id_array([society.id]))
                self._entries.societies[society.id] = SocietyEntry(
                    society.id, society.code, society.name, society.tokens
                )
            if watermark is not None:
                self._watermark = max(self._watermark, watermark)
            self._generation += 1

    def _drop_expert(self, expert_id: int) -> None:
        self._items.remove(expert_id)
        entry = self._entries.drop_expert(expert_id)
        if entry is None:
            return
        vectors.remove_ids(self._expert_vectors, [expert_id])
        if entry.works:
            vectors.remove_ids(self._work_vectors, (w.id for w in entry.works))

    def _put_expert(self, expert: PreparedExpert) -> None:
        self._expert_vectors.add_with_ids(self._rows([expert.vector]), vectors.id_array([expert.id]))
        if expert.works:
            self._work_vectors.add_with_ids(
                self._rows([w.vector for w in expert.works]), vectors.id_array(w.id for w in expert.works)
            )
        self._entries.put_expert(ExpertEntry.of(expert), {w.key: w.tokens for w in expert.works})
        self._items.add(expert.id, expert.items)

    def optimise(self, min_vectors: int = vectors.IVF_MIN_VECTORS) -> None:
        """Switch large vector indexes to IVF (see :mod:`matching.vectors`); call after a full build."""
        with self._lock.write():
            self._expert_vectors = vectors.to_ivf(self._expert_vectors, min_vectors=min_vectors)
            self._work_vectors = vectors.to_ivf(self._work_vectors, min_vectors=min_vectors)
            self._items.optimise(min_vectors)

    def refresh_lexical(self) -> None:
        """Rebuild the BM25 indexes from the token store and swap them in."""
        with self._lexical_lock:
            with self.reading() as view:
                generation = self._generation
                entries = self._entries
                expert_ids = sorted(entries.experts)
                profiles = [view.profile_document(e) for e in expert_ids]
                keys = sorted(entries.documents)
                work_docs = [entries.documents[k] for k in keys]
                own = sorted(entries.key_owners)
                keys += own
                work_docs += [entries.experts[next(iter(entries.key_owners[k]))].tokens for k in own]
                society_ids = sorted(entries.societies)
                society_docs = [entries.societies[s].tokens for s in society_ids]
            snapshot = LexicalSnapshot(
                profiles=Bm25(expert_ids, profiles, self._vocab),
                works=Bm25(keys, work_docs, self._vocab),
                societies=Bm25(society_ids, society_docs, self._vocab),
            )
            with self._lock.write():
                self._lexical = snapshot
                self._lexical_generation = generation

    # -- reading: each method takes the read lock itself; reading() for several reads at once ---

    @contextmanager
    def reading(self) -> Iterator[IndexReader]:
        """A consistent view for several reads (no update is applied while the block runs)."""
        with self._lock.read():
            view = IndexReader(self._parts())
            try:
                yield view
            finally:
                view.close()

    def problems(self) -> list[str]:
        """Every broken invariant, empty when the maps agree with each other and with FAISS."""
        with self._lock.read():
            out = self._entries.problems(
                experts=vectors.ids_of(self._expert_vectors),
                works=vectors.ids_of(self._work_vectors),
                societies=vectors.ids_of(self._society_vectors),
            )
            out += self._items.problems(set(self._entries.experts))
            return out

    def cards_of(self, expert_ids: Iterable[int]) -> dict[int, ExpertCard | None]:
        """Each expert's card, ``None`` for one no longer indexed (removed by a sync meanwhile)."""
        with self._lock.read():
            experts = self._entries.experts
            return {e: (entry.card if (entry := experts.get(e)) else None) for e in expert_ids}

    def society_entries(self) -> dict[int, tuple[str, str]]:
        """Every indexed society: id -> (code, name)."""
        with self._lock.read():
            return {s.id: (s.code, s.name) for s in self._entries.societies.values()}

    def item_texts(self, item_ids: Iterable[int]) -> dict[int, str | None]:
        """Text of each field item, ``None`` for one no longer indexed."""
        with self._lock.read():
            return {i: self._items.item_text.get(i) for i in item_ids}

    def labels_of(self, work_ids: Iterable[int]) -> dict[int, WorkLabel | None]:
        with self.reading() as view:
            return {w: view.label(w) for w in work_ids}

    def document_tokens(self, key: str) -> np.ndarray | None:
        """Tokens of an indexed work document (saves re-tokenising a text the index already has)."""
        with self._lock.read():
            return self._entries.documents.get(key)

    def search_experts(self, queries: np.ndarray, k: int) -> np.ndarray:
        """Ids of the ``k`` nearest expert profile vectors per query row (``-1`` pads)."""
        with self._lock.read():
            _, ids = self._expert_vectors.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return np.asarray(ids)

    @classmethod
    def restore(
        cls, contents: IndexContents, *, model_id: str, dim: int, vocab: Vocabulary, watermark: int, built_at: str
    ) -> ExpertIndex:
        """An index from persisted contents; ``ValueError`` when they contradict themselves."""
        index = cls(model_id=model_id, dim=dim, vocab=vocab, watermark=watermark, built_at=built_at)
        for built in (contents.expert_vectors, contents.work_vectors, contents.society_vectors):
            if not vectors.is_supported(built) or built.d != dim:
                raise ValueError("索引类型或维度与清单不符")
        index._expert_vectors = contents.expert_vectors
        index._work_vectors = contents.work_vectors
        index._society_vectors = contents.society_vectors
        if contents.items.dim != dim:
            raise ValueError("field-item index dimension does not match")
        index._items = contents.items
        try:
            for entry in contents.experts:
                index._entries.put_expert(entry, contents.documents)
        except KeyError as exc:
            raise ValueError(f"work document {exc} missing") from exc
        index._entries.societies = {s.id: s for s in contents.societies}
        problems = index.problems()
        if problems or len(index._entries.experts) != len(contents.experts):
            raise ValueError("；".join(problems) or "an expert listed twice")
        index.refresh_lexical()
        return index
