"""The matching engine a process holds: encoder + index, kept in step with the database.

Lifecycle:

- :meth:`MatchingEngine.ensure_ready` (at start): load the persisted index; rebuild it from the
  database when it is missing, corrupt, built with another model, ahead of the database (the database
  was replaced) or does not hold exactly the active experts/works/societies after catching up.
- :meth:`MatchingEngine.sync` (from the index keeper and ``zhuli index``, never from a match): apply
  the ProfileChange rows past the watermark — re-read each changed expert/society, re-embed through
  the cache, replace its vectors (write lock) and rebuild the BM25 snapshot (swap). Re-applying a
  change is idempotent.

The engine only reads the database. Vectors the embedding cache lacked are handed back in the
optional :class:`~matching.embedding.NewVectors`, which :mod:`matching.maintenance` writes in a short
transaction of its own.

Change ids that commit out of order (PostgreSQL sequences under concurrent transactions) are not
lost: the engine remembers the ids it applied in a window below the watermark and compares their
number with the database's.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.settings import Settings
from matching import repository as repo
from matching import store, vectors
from matching.background import REFERENCE_TEXTS, background_vector
from matching.documents import content_key, expert_own_text, expert_profile_text, society_text, work_text
from matching.embedding import Encoder, NewVectors, embed_texts, load_encoder
from matching.index import ExpertIndex
from matching.index_entries import PreparedExpert, PreparedSociety, PreparedWork
from matching.items import PreparedItem, split_fields
from matching.lexical import tokenize
from matching.policy import MatchPolicy
from matching.scoring import FusionWeights
from matching.state import IndexState
from models import ProfileChange, ProfileChangeKind

log = logging.getLogger(__name__)

CHANGE_WINDOW = 10_000
"""Change ids below the watermark that are still checked for late commits."""
LEXICAL_SYNC_LIMIT = 5_000
"""Up to this many experts BM25 is rebuilt inside ``sync``; above, in a background thread."""
SAVE_EVERY_CHANGES = 500
SAVE_EVERY_SECONDS = 300.0
SAVE_ALWAYS_BELOW = 20_000
"""Indexes with fewer vectors than this are saved after every sync (it takes milliseconds)."""
BUILD_BATCH = 500


class MatchingEngine:
    """One per process. Thread-safe: searches run concurrently with a sync."""

    def __init__(
        self,
        model_name: str,
        index_dir: Path | None,
        *,
        weights: FusionWeights | None = None,
        policy: MatchPolicy | None = None,
        encoder: Encoder | None = None,
    ) -> None:
        vectors.use_search_threads()
        self.model_name = model_name
        self.index_dir = Path(index_dir) if index_dir is not None else None
        self.weights = weights or FusionWeights.from_settings()
        self.policy = policy or MatchPolicy.from_settings()
        self._encoder = encoder
        self._index: ExpertIndex | None = None
        self._mutex = threading.RLock()
        self._state = IndexState.MISSING
        self._reason = ""
        """Why the index is not ready (shown only while it is not)."""
        self._rebuilt_because = ""
        """Why the last start rebuilt instead of loading the saved index."""
        self._applied: set[int] = set()
        self._unsaved_changes = 0
        self._saved_at = time.monotonic()
        self._lexical_thread: threading.Thread | None = None
        self._background: np.ndarray | None = None
        self._region_names: dict[str, str] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> MatchingEngine:
        return cls(
            settings.embedding_model,
            settings.resolved_index_dir,
            weights=FusionWeights.from_settings(settings.matching),
            policy=MatchPolicy.from_settings(settings.matching),
        )

    # -- accessors ------------------------------------------------------------------------------

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = load_encoder(self.model_name)
        return self._encoder

    @property
    def index(self) -> ExpertIndex | None:
        return self._index

    def status(self) -> dict[str, Any]:
        index = self._index
        out: dict[str, Any] = {
            "state": self._state,
            "model": index.model_id if index else (self._encoder.model_id if self._encoder else self.model_name),
            "dimension": index.dim if index else None,
            "counts": index.counts() if index else {},
            "items": index.item_count() if index else None,
            "kinds": index.kinds() if index else {},
            "watermark": index.watermark if index else None,
            "built_at": index.built_at if index else None,
            "lexical_current": index.lexical_is_current if index else None,
            "path": str(self.index_dir) if self.index_dir else None,
        }
        if self._reason and self._state is not IndexState.READY:
            out["reason"] = self._reason
        if self._rebuilt_because:
            out["rebuilt_because"] = self._rebuilt_because
        return out

    def _attach_background(self, index: ExpertIndex) -> None:
        if self._background is None:
            self._background = background_vector(self.encoder.encode_documents(list(REFERENCE_TEXTS)))
        index.set_background(self._background)

    def region_names(self, session: Session) -> dict[str, str]:
        """Region code -> name (reference data: read once per process)."""
        if self._region_names is None:
            self._region_names = repo.region_names(session)
        return self._region_names

    # -- preparing entries ----------------------------------------------------------------------

    def _prepare_experts(
        self,
        session: Session,
        records: Sequence[repo.ExpertRecord],
        index: ExpertIndex,
        new_vectors: NewVectors | None,
    ) -> list[PreparedExpert]:
        profile_texts = [expert_profile_text(r) for r in records]
        works = [(r.id, w, work_text(w)) for r in records for w in r.works]
        items = {r.id: split_fields(r.fields) for r in records}
        texts = [t for t in profile_texts if t] + [t for _, _, t in works] + [t for ts in items.values() for t in ts]
        vectors = embed_texts(session, self.encoder, list(dict.fromkeys(texts)), "document", new_vectors=new_vectors)
        by_text = dict(zip(dict.fromkeys(texts), vectors, strict=True))
        zero = np.zeros(self.encoder.dim, dtype=np.float32)
        tokens_of: dict[str, np.ndarray] = {}
        prepared_works: dict[int, list[PreparedWork]] = {r.id: [] for r in records}
        for expert_id, work, text in works:
            key = content_key(text)
            tokens = tokens_of.get(key)
            if tokens is None:
                tokens = index.document_tokens(key)
                if tokens is None:
                    tokens = tokenize(text, index.vocab)
                tokens_of[key] = tokens
            label = (work.title, work.year, work.kind)
            prepared_works[expert_id].append(PreparedWork(work.id, key, by_text[text], tokens, label))
        return [
            PreparedExpert(
                id=r.id,
                vector=by_text[text] if text else zero,
                tokens=tokenize(expert_own_text(r), index.vocab),
                works=tuple(prepared_works[r.id]),
                card=r.card,
                items=tuple(PreparedItem(t, by_text[t]) for t in items[r.id]),
            )
            for r, text in zip(records, profile_texts, strict=True)
        ]

    def _prepare_societies(
        self,
        session: Session,
        records: Sequence[repo.SocietyRecord],
        index: ExpertIndex,
        new_vectors: NewVectors | None,
    ) -> list[PreparedSociety]:
        texts = [society_text(r) for r in records]
        vectors = embed_texts(session, self.encoder, texts, "document", new_vectors=new_vectors)
        return [
            PreparedSociety(r.id, v, tokenize(t, index.vocab), r.code, r.name)
            for r, v, t in zip(records, vectors, texts, strict=True)
        ]

    # -- building and syncing -------------------------------------------------------------------

    def _window_ids(self, session: Session, low: int, high: int) -> set[int]:
        return set(session.scalars(select(ProfileChange.id).where(ProfileChange.id > low, ProfileChange.id <= high)))

    def rebuild(self, session: Session, new_vectors: NewVectors | None = None) -> ExpertIndex:
        """Build a new index from the database and swap it in (searches keep using the old one)."""
        with self._mutex:
            previous_state = self._state
            self._state = IndexState.BUILDING
            started = time.perf_counter()
            try:
                watermark = repo.max_change_id(session)
                index = ExpertIndex(model_id=self.encoder.model_id, dim=self.encoder.dim, watermark=watermark)
                self._attach_background(index)
                for batch in repo.iter_active_experts(session, BUILD_BATCH):
                    index.apply(experts=self._prepare_experts(session, batch, index, new_vectors))
                societies = repo.society_records(session, repo.active_society_ids(session))
                index.apply(societies=self._prepare_societies(session, list(societies.values()), index, new_vectors))
                index.optimise()
                index.refresh_lexical()
                self._applied = self._window_ids(session, watermark - CHANGE_WINDOW, watermark)
            except BaseException:
                self._state = previous_state if self._index is not None else IndexState.MISSING
                raise
            self._index = index
            self._state, self._reason = IndexState.READY, ""
            log.info(
                "matching index rebuilt in %.1fs: %s, watermark %d",
                time.perf_counter() - started,
                index.counts(),
                watermark,
            )
            self._save(force=True)
            return index

    def sync(self, session: Session, new_vectors: NewVectors | None = None) -> int:
        """Apply profile changes committed since the last sync; returns how many entities changed."""
        index = self._index
        if index is None:
            self.ensure_ready(session, new_vectors)
            return 0
        low = max(0, index.watermark - CHANGE_WINDOW)
        count, high = session.execute(
            select(func.count(ProfileChange.id), func.coalesce(func.max(ProfileChange.id), 0)).where(
                ProfileChange.id > low
            )
        ).one()
        if high <= index.watermark and count == len({i for i in self._applied if i > low}):
            return 0
        with self._mutex:
            if self._index is not index:  # rebuilt meanwhile
                return 0
            try:
                return self._catch_up(session, index, new_vectors)
            except Exception as exc:  # keep serving the last good index; the next sync retries
                log.exception("matching index sync failed")
                self._state, self._reason = IndexState.STALE, f"同步失败：{exc}"
                return 0

    def _catch_up(self, session: Session, index: ExpertIndex, new_vectors: NewVectors | None) -> int:
        low = max(0, index.watermark - CHANGE_WINDOW)
        rows = session.execute(
            select(ProfileChange.id, ProfileChange.kind, ProfileChange.ref_id).where(ProfileChange.id > low)
        )
        expert_ids: set[int] = set()
        society_ids: set[int] = set()
        new_ids: set[int] = set()
        high = index.watermark
        for change_id, kind, ref_id in rows:
            if change_id in self._applied:
                continue
            new_ids.add(change_id)
            high = max(high, change_id)
            (expert_ids if kind is ProfileChangeKind.EXPERT else society_ids).add(ref_id)
        if not new_ids:
            return 0
        records = repo.expert_records(session, expert_ids)
        keep = [r for r in records.values() if r.is_active]
        prepared = self._prepare_experts(session, keep, index, new_vectors)
        removed = [e for e in expert_ids if e not in records or not records[e].is_active]
        societies = repo.society_records(session, society_ids)
        prepared_societies = self._prepare_societies(
            session, [s for s in societies.values() if s.is_active], index, new_vectors
        )
        removed_societies = [s for s in society_ids if s not in societies or not societies[s].is_active]
        index.apply(
            experts=prepared,
            remove_experts=removed,
            societies=prepared_societies,
            remove_societies=removed_societies,
            watermark=high,
        )
        self._state, self._reason = IndexState.READY, ""
        self._applied |= new_ids
        self._applied = {i for i in self._applied if i > index.watermark - CHANGE_WINDOW}
        self._refresh_lexical(index)
        self._unsaved_changes += len(new_ids)
        self._save()
        log.info("matching index synced to %d (%d experts, %d societies)", high, len(expert_ids), len(society_ids))
        return len(expert_ids) + len(society_ids)

    def _refresh_lexical(self, index: ExpertIndex) -> None:
        if index.counts()["experts"] <= LEXICAL_SYNC_LIMIT:
            index.refresh_lexical()
            return
        if self._lexical_thread is not None and self._lexical_thread.is_alive():
            return  # the running refresh re-checks the generation when it finishes

        def run() -> None:
            while not index.lexical_is_current:
                index.refresh_lexical()

        self._lexical_thread = threading.Thread(target=run, name="zhuli-bm25-refresh", daemon=True)
        self._lexical_thread.start()

    def _consistency_problem(self, session: Session, index: ExpertIndex) -> str | None:
        if index.expert_ids() != set(repo.active_expert_ids(session)):
            return "索引中的专家与数据库不一致"
        if index.counts()["works"] != repo.count_active_works(session):
            return "索引中的成果数与数据库不一致"
        if index.society_ids() != set(repo.active_society_ids(session)):
            return "索引中的学会与数据库不一致"
        return None

    def ensure_ready(self, session: Session, new_vectors: NewVectors | None = None) -> dict[str, Any]:
        """Load or rebuild the index so that it matches the database; returns :meth:`status`."""
        with self._mutex:
            if self._index is not None:
                self._catch_up(session, self._index, new_vectors)
                return self.status()
            reason = ""
            index: ExpertIndex | None = None
            if self.index_dir is not None:
                try:
                    index = store.load(self.index_dir, model_id=self.encoder.model_id, dim=self.encoder.dim)
                except store.IndexUnavailable as exc:
                    reason = exc.reason
                    self._state = exc.state
            if index is not None and index.watermark > repo.max_change_id(session):
                index, reason = None, "索引比数据库新（数据库可能被替换）"
            if index is not None:
                self._attach_background(index)
                self._applied = self._window_ids(session, index.watermark - CHANGE_WINDOW, index.watermark)
                self._catch_up(session, index, new_vectors)
                problem = self._consistency_problem(session, index)
                if problem is None:
                    self._index = index
                    self._state, self._reason = IndexState.READY, ""
                    self._save()
                    return self.status()
                reason = problem
            if reason:
                log.warning("matching index rebuilt: %s", reason)
            self._reason = reason
            self.rebuild(session, new_vectors)
            self._rebuilt_because = reason
            return self.status()

    # -- persistence ----------------------------------------------------------------------------

    def _save(self, *, force: bool = False) -> None:
        index = self._index
        if index is None or self.index_dir is None:
            return
        vectors = sum(index.counts().values())
        due = (
            force
            or vectors < SAVE_ALWAYS_BELOW
            or self._unsaved_changes >= SAVE_EVERY_CHANGES
            or time.monotonic() - self._saved_at >= SAVE_EVERY_SECONDS
        )
        if not due or (self._unsaved_changes == 0 and not force):
            return
        store.save(index, self.index_dir)
        self._unsaved_changes = 0
        self._saved_at = time.monotonic()

    def save(self) -> None:
        """Persist now (e.g. at shutdown)."""
        with self._mutex:
            self._save(force=True)
