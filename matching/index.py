"""The in-memory matching index: FAISS for vectors, bm25s for words, keyed by database ids.

Layout (all inner product over L2-normalised vectors, i.e. cosine):

- ``experts``   — ``IndexIDMap2(IndexFlatIP)`` (IVF when large), one profile vector per *active*
  expert, id = ``experts.id``
- ``works``     — ``IndexIDMap2(IndexFlatIP)`` (IVF when large), one vector per work of an active expert,
  id = ``expert_works.id``; identical texts (a paper several experts co-authored) share one content
  key, so a document votes once for each of its authors
- ``societies`` — ``IndexIDMap2(IndexFlatIP)``, one vector per active society, id = ``societies.id``
- BM25 over expert profile documents (fields, bio, department and every work), over the distinct
  work documents plus each expert's own document (fields, bio, department — with thin profiles it is
  most of the evidence), and over society documents, built from token ids kept per document.

Small collections use exact flat indexes; from 20k vectors a rebuild switches the experts and
works indexes to ``IndexIVFFlat`` (see :mod:`matching.vectors`). Past a few million experts the
vectors belong in an external vector service.

Concurrency: searches hold the read side of :attr:`ExpertIndex.lock`; :meth:`ExpertIndex.apply`
holds the write side while it removes and adds vectors. BM25 indexes are immutable and replaced by
:meth:`ExpertIndex.refresh_lexical` in one assignment, so a search never sees a half-built one.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import faiss
import numpy as np

from matching import vectors
from matching.lexical import Bm25, Vocabulary
from matching.repository import ExpertCard
from matching.rwlock import ReadWriteLock

WorkLabel = tuple[str, int | None, str]
"""Title, year and kind of a work: what a reason shows."""


@dataclass(frozen=True, slots=True)
class PreparedWork:
    id: int
    key: str
    """Content key of the work text (same text, same key)."""
    vector: np.ndarray
    tokens: np.ndarray
    label: WorkLabel = ("", None, "")


@dataclass(frozen=True, slots=True)
class PreparedExpert:
    id: int
    vector: np.ndarray
    """Profile vector (fields, bio and work titles)."""
    tokens: np.ndarray
    """Tokens of fields, bio and department (works are added from their own documents)."""
    works: tuple[PreparedWork, ...]
    card: ExpertCard = ExpertCard("", "", "", None, 0, ())


@dataclass(frozen=True, slots=True)
class PreparedSociety:
    id: int
    vector: np.ndarray
    tokens: np.ndarray
    code: str = ""
    name: str = ""


@dataclass(frozen=True, slots=True)
class LexicalSnapshot:
    profiles: Bm25[int]
    works: Bm25[str]
    societies: Bm25[int]


def _remove(index: faiss.Index, ids: Iterable[int]) -> None:
    wanted = _ids(ids)
    # IDSelectorArray: the one selector both IndexIDMap2 and an IVF hash-table direct map accept
    index.remove_ids(faiss.IDSelectorArray(wanted))


def _ids(values: Iterable[int]) -> np.ndarray:
    return np.fromiter(values, dtype=np.int64)


def own_document_key(tokens: np.ndarray) -> str:
    """Key of an expert's own document; experts with the same fields text share one document."""
    return "own:" + hashlib.sha256(np.ascontiguousarray(tokens, dtype=np.int32).tobytes()).hexdigest()[:16]


def _empty_lexical(vocab: Vocabulary) -> LexicalSnapshot:
    return LexicalSnapshot(Bm25([], [], vocab), Bm25([], [], vocab), Bm25([], [], vocab))


@dataclass
class ExpertIndex:
    model_id: str
    dim: int
    vocab: Vocabulary = field(default_factory=Vocabulary)
    watermark: int = 0
    built_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def __post_init__(self) -> None:
        self.lock = ReadWriteLock()
        self.experts = vectors.new_flat(self.dim)
        self.works = vectors.new_flat(self.dim)
        self.societies = vectors.new_flat(self.dim)
        self.expert_works: dict[int, tuple[int, ...]] = {}
        self.work_expert: dict[int, int] = {}
        self.work_key: dict[int, str] = {}
        self.key_works: dict[str, set[int]] = defaultdict(set)
        self.profile_tokens: dict[int, np.ndarray] = {}
        self.key_tokens: dict[str, np.ndarray] = {}
        self.own_key: dict[int, str] = {}
        """Expert -> key of its own document (fields, bio, department), which votes like a work."""
        self.key_owners: dict[str, set[int]] = defaultdict(set)
        self.society_tokens: dict[int, np.ndarray] = {}
        self.work_labels: dict[int, WorkLabel] = {}
        self.cards: dict[int, ExpertCard] = {}
        """Name, employer, region, capacity, societies of each indexed expert (for constraints)."""
        self.society_names: dict[int, tuple[str, str]] = {}
        """Society id -> (code, name)."""
        self.lexical = _empty_lexical(self.vocab)
        self._generation = 0
        """Bumped by every :meth:`apply`; the lexical snapshot records the generation it saw."""
        self._lexical_generation = 0
        self._lexical_lock = threading.Lock()
        self.background: np.ndarray | None = None
        """Mean vector of the reference texts (see :mod:`matching.background`), set by the engine."""

    # -- counts -------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return {
            "experts": int(self.experts.ntotal),
            "works": int(self.works.ntotal),
            "societies": int(self.societies.ntotal),
        }

    @property
    def lexical_is_current(self) -> bool:
        return self._lexical_generation == self._generation

    def expert_ids(self) -> set[int]:
        return set(self.expert_works)

    def society_ids(self) -> set[int]:
        return set(self.society_tokens)

    # -- mutation -----------------------------------------------------------------------------

    def _check(self, vector: np.ndarray) -> np.ndarray:
        v = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        if v.shape[1] != self.dim:
            raise ValueError(f"vector of dimension {v.shape[1]} given to a {self.dim}-dimension index")
        return v

    def _remove_expert(self, expert_id: int) -> None:
        work_ids = self.expert_works.pop(expert_id, None)
        if work_ids is None:
            return
        _remove(self.experts, [expert_id])
        if work_ids:
            _remove(self.works, work_ids)
        for work_id in work_ids:
            self.work_expert.pop(work_id, None)
            self.work_labels.pop(work_id, None)
            key = self.work_key.pop(work_id, None)
            if key is None:
                continue
            holders = self.key_works.get(key)
            if holders is not None:
                holders.discard(work_id)
                if not holders:
                    del self.key_works[key]
                    self.key_tokens.pop(key, None)
        self.profile_tokens.pop(expert_id, None)
        self.cards.pop(expert_id, None)
        own = self.own_key.pop(expert_id, None)
        if own is not None:
            owners = self.key_owners.get(own)
            if owners is not None:
                owners.discard(expert_id)
                if not owners:
                    del self.key_owners[own]

    def _add_expert(self, expert: PreparedExpert) -> None:
        self.experts.add_with_ids(self._check(expert.vector), _ids([expert.id]))
        if expert.works:
            vectors = np.vstack([self._check(w.vector) for w in expert.works])
            self.works.add_with_ids(vectors, _ids(w.id for w in expert.works))
        for w in expert.works:
            self.work_expert[w.id] = expert.id
            self.work_labels[w.id] = w.label
            self.work_key[w.id] = w.key
            self.key_works[w.key].add(w.id)
            self.key_tokens.setdefault(w.key, w.tokens)
        self.expert_works[expert.id] = tuple(w.id for w in expert.works)
        self.cards[expert.id] = expert.card
        self.register_own_document(expert.id, expert.tokens)

    def register_own_document(self, expert_id: int, tokens: np.ndarray) -> None:
        self.profile_tokens[expert_id] = tokens
        if tokens.size:
            key = own_document_key(tokens)
            self.own_key[expert_id] = key
            self.key_owners[key].add(expert_id)

    def _remove_society(self, society_id: int) -> None:
        self.society_names.pop(society_id, None)
        if self.society_tokens.pop(society_id, None) is not None:
            _remove(self.societies, [society_id])

    def _add_society(self, society: PreparedSociety) -> None:
        self.societies.add_with_ids(self._check(society.vector), _ids([society.id]))
        self.society_tokens[society.id] = society.tokens
        self.society_names[society.id] = (society.code, society.name)

    def apply(
        self,
        *,
        experts: Iterable[PreparedExpert] = (),
        remove_experts: Iterable[int] = (),
        societies: Iterable[PreparedSociety] = (),
        remove_societies: Iterable[int] = (),
        watermark: int | None = None,
    ) -> None:
        """Replace, add and remove entries in one write-locked step (vectors now, words on refresh)."""
        experts, societies = list(experts), list(societies)
        with self.lock.write():
            for expert_id in {*remove_experts, *(e.id for e in experts)}:
                self._remove_expert(expert_id)
            for expert in experts:
                self._add_expert(expert)
            for society_id in {*remove_societies, *(s.id for s in societies)}:
                self._remove_society(society_id)
            for society in societies:
                self._add_society(society)
            if watermark is not None:
                self.watermark = max(self.watermark, watermark)
            self._generation += 1

    def optimise(self, min_vectors: int = vectors.IVF_MIN_VECTORS) -> None:
        """Switch large vector indexes to IVF (see :mod:`matching.vectors`); call after a full build."""
        experts = vectors.to_ivf(self.experts, min_vectors=min_vectors)
        works = vectors.to_ivf(self.works, min_vectors=min_vectors)
        with self.lock.write():
            self.experts, self.works = experts, works

    def kinds(self) -> dict[str, str]:
        return {"experts": vectors.kind(self.experts), "works": vectors.kind(self.works)}

    def profile_document(self, expert_id: int) -> np.ndarray:
        """Token ids of an expert's whole profile: own text plus every work document."""
        parts = [self.profile_tokens.get(expert_id, np.zeros(0, np.int32))]
        parts.extend(self.key_tokens[self.work_key[w]] for w in self.expert_works.get(expert_id, ()))
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def refresh_lexical(self) -> None:
        """Rebuild the BM25 indexes from the token store and swap them in."""
        with self._lexical_lock:
            with self.lock.read():
                generation = self._generation
                expert_ids = sorted(self.expert_works)
                profiles = [self.profile_document(e) for e in expert_ids]
                keys = sorted(self.key_tokens)
                work_docs = [self.key_tokens[k] for k in keys]
                own = sorted(self.key_owners)
                keys += own
                work_docs += [self.profile_tokens[next(iter(self.key_owners[k]))] for k in own]
                society_ids = sorted(self.society_tokens)
                society_docs = [self.society_tokens[s] for s in society_ids]
            snapshot = LexicalSnapshot(
                profiles=Bm25(expert_ids, profiles, self.vocab),
                works=Bm25(keys, work_docs, self.vocab),
                societies=Bm25(society_ids, society_docs, self.vocab),
            )
            with self.lock.write():
                self.lexical = snapshot
                self._lexical_generation = generation

    # -- reading for callers outside the index: each takes the read lock itself -------------------

    def cards_of(self, expert_ids: Iterable[int]) -> dict[int, ExpertCard | None]:
        """Each expert's card, ``None`` for one no longer indexed (removed by a sync meanwhile)."""
        with self.lock.read():
            return {e: self.cards.get(e) for e in expert_ids}

    def society_entries(self) -> dict[int, tuple[str, str]]:
        """Every indexed society: id -> (code, name)."""
        with self.lock.read():
            return dict(self.society_names)

    def labels_of(self, work_ids: Iterable[int]) -> dict[int, WorkLabel | None]:
        with self.lock.read():
            return {w: self.work_labels.get(w) for w in work_ids}

    def search_experts(self, queries: np.ndarray, k: int) -> np.ndarray:
        """Ids of the ``k`` nearest expert profile vectors per query row (``-1`` pads)."""
        with self.lock.read():
            _, ids = self.experts.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return np.asarray(ids)

    # -- reading inside the matcher (callers hold ``lock.read()``) ------------------------------

    def experts_of_key(self, key: str) -> list[tuple[int, int | None]]:
        """``(expert id, work id)`` pairs holding a document; work id ``None`` for an own document."""
        owners = self.key_owners.get(key)
        if owners:
            return [(e, None) for e in owners]
        return [(self.work_expert[w], w) for w in self.key_works.get(key, ()) if w in self.work_expert]

    def work_vectors(self, work_ids: list[int]) -> np.ndarray:
        if not work_ids:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self.works.reconstruct_batch(_ids(work_ids)), dtype=np.float32)
