"""What :class:`~matching.index.ExpertIndex` keeps besides vectors, and the maps derived from it.

Only :mod:`matching.index` uses :class:`Entries`: the forward records (one per expert and society,
plus the tokens of each distinct work document) and the reverse maps, which only
:meth:`Entries.put_expert` and :meth:`Entries.drop_expert` change and :meth:`Entries.problems`
re-derives to check.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import faiss
import numpy as np

from matching.items import ItemIndex, PreparedItem
from matching.lexical import Bm25
from matching.repository import ExpertCard

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
    items: tuple[PreparedItem, ...] = ()
    """Field items with their vectors (:mod:`matching.items`)."""


@dataclass(frozen=True, slots=True)
class PreparedSociety:
    id: int
    vector: np.ndarray
    tokens: np.ndarray
    code: str = ""
    name: str = ""


@dataclass(frozen=True, slots=True)
class WorkEntry:
    id: int
    key: str
    label: WorkLabel


@dataclass(frozen=True, slots=True)
class ExpertEntry:
    """What the index keeps of one expert besides its vectors."""

    id: int
    card: ExpertCard
    tokens: np.ndarray
    """Its own document (fields, bio, department)."""
    works: tuple[WorkEntry, ...]
    own_key: str | None
    """Key of the own document (``None`` when empty); experts with the same text share one document."""

    @classmethod
    def of(cls, expert: PreparedExpert) -> ExpertEntry:
        works = tuple(WorkEntry(w.id, w.key, w.label) for w in expert.works)
        return cls.of_parts(expert.id, expert.card, expert.tokens, works)

    @classmethod
    def of_parts(
        cls, expert_id: int, card: ExpertCard, tokens: np.ndarray, works: tuple[WorkEntry, ...]
    ) -> ExpertEntry:
        own = own_document_key(tokens) if tokens.size else None
        return cls(expert_id, card, tokens, works, own)


@dataclass(frozen=True, slots=True)
class SocietyEntry:
    id: int
    code: str
    name: str
    tokens: np.ndarray


def own_document_key(tokens: np.ndarray) -> str:
    """Key of an expert's own document; experts with the same fields text share one document."""
    return "own:" + hashlib.sha256(np.ascontiguousarray(tokens, dtype=np.int32).tobytes()).hexdigest()[:16]


class Entries:
    """Forward records and the maps derived from them; only :class:`ExpertIndex` holds one."""

    def __init__(self) -> None:
        self.experts: dict[int, ExpertEntry] = {}
        self.societies: dict[int, SocietyEntry] = {}
        self.documents: dict[str, np.ndarray] = {}
        # derived, in put_expert / drop_expert only
        self.works: dict[int, tuple[int, WorkEntry]] = {}
        """Work id -> (expert id, work)."""
        self.key_works: dict[str, set[int]] = {}
        self.key_owners: dict[str, set[int]] = {}
        self.work_tokens: dict[int, int] = {}
        """Expert id -> tokens in its work documents (how far its works can speak for it)."""

    def put_expert(self, entry: ExpertEntry, documents: Mapping[str, np.ndarray]) -> None:
        self.drop_expert(entry.id)
        self.experts[entry.id] = entry
        for w in entry.works:
            self.works[w.id] = (entry.id, w)
            self.key_works.setdefault(w.key, set()).add(w.id)
            self.documents.setdefault(w.key, documents[w.key])
        if entry.works:
            self.work_tokens[entry.id] = sum(int(self.documents[w.key].size) for w in entry.works)
        if entry.own_key is not None:
            self.key_owners.setdefault(entry.own_key, set()).add(entry.id)

    def drop_expert(self, expert_id: int) -> ExpertEntry | None:
        entry = self.experts.pop(expert_id, None)
        if entry is None:
            return None
        self.work_tokens.pop(expert_id, None)
        for w in entry.works:
            del self.works[w.id]
            holders = self.key_works[w.key]
            holders.discard(w.id)
            if not holders:
                del self.key_works[w.key], self.documents[w.key]
        if entry.own_key is not None:
            owners = self.key_owners[entry.own_key]
            owners.discard(expert_id)
            if not owners:
                del self.key_owners[entry.own_key]
        return entry

    def refuse(self, experts: list[PreparedExpert], societies: list[PreparedSociety], dropped: set[int]) -> None:
        """``ValueError`` for a batch that would file two records under one id."""
        for batch in ([e.id for e in experts], [s.id for s in societies]):
            if len(batch) != len(set(batch)):
                raise ValueError("the same id twice in one batch")
        work_ids = [w.id for e in experts for w in e.works]
        if len(work_ids) != len(set(work_ids)):
            raise ValueError("the same work id twice in one batch")
        taken = [w for w in work_ids if w in self.works and self.works[w][0] not in dropped]
        if taken:
            raise ValueError(f"work {taken[0]} already belongs to expert {self.works[taken[0]][0]}")

    def problems(self, **vector_ids: np.ndarray) -> list[str]:
        """Re-derive every map from the forward records and name each one that differs, also from
        the ids in the vector indexes (``experts=``, ``works=``, ``societies=``)."""
        works = [(e.id, w) for e in self.experts.values() for w in e.works]
        key_works: dict[str, set[int]] = defaultdict(set)
        key_owners: dict[str, set[int]] = defaultdict(set)
        for _, w in works:
            key_works[w.key].add(w.id)
        for e in self.experts.values():
            if e.own_key is not None:
                key_owners[e.own_key].add(e.id)
        out = []
        if any(k != e.id for k, e in self.experts.items()) or any(k != s.id for k, s in self.societies.items()):
            out.append("entry filed under another id")
        if len(works) != len({w.id for _, w in works}):
            out.append("a work id belongs to two experts")
        if self.works != {w.id: (e, w) for e, w in works}:
            out.append("work -> expert map differs from the experts' works")
        if self.key_works != key_works:
            out.append("document -> works map differs from the experts' works")
        if self.key_owners != key_owners:
            out.append("own document -> experts map differs from the experts' own documents")
        if set(self.documents) != set(key_works):
            out.append("document tokens kept for other keys than the works'")
        elif self.work_tokens != {
            e.id: sum(int(self.documents[w.key].size) for w in e.works) for e in self.experts.values() if e.works
        }:
            out.append("work token counts differ from the experts' work documents")
        held = {"experts": self.experts.keys(), "works": self.works.keys(), "societies": self.societies.keys()}
        for name, ids in vector_ids.items():
            if len(ids) != len(held[name]) or set(ids.tolist()) != held[name]:
                out.append(f"{name} vectors hold other ids than the {name} records")
        return out


@dataclass(frozen=True, slots=True)
class LexicalSnapshot:
    profiles: Bm25[int]
    works: Bm25[str]
    societies: Bm25[int]


@dataclass(frozen=True)
class IndexContents:
    """Everything :mod:`matching.store` persists. The FAISS objects are the live ones: write them
    while the :meth:`ExpertIndex.reading` block that produced this is still open."""

    experts: tuple[ExpertEntry, ...]
    societies: tuple[SocietyEntry, ...]
    documents: Mapping[str, np.ndarray]
    """Tokens of each distinct work document, by key."""
    expert_vectors: faiss.Index
    work_vectors: faiss.Index
    society_vectors: faiss.Index
    items: ItemIndex
    """Field items of the experts (vectors and holders), the live object like the FAISS ones."""
