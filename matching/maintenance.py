"""Loading, rebuilding and syncing the index without holding a write transaction open.

A build reads the whole directory and encodes whatever the embedding cache lacks; that can take
minutes. Done inside one write transaction it would, on SQLite, hold the database's only write lock
for all that time and make every writer (requests, imports, the bot) queue behind it. These
functions read through :meth:`Database.read_session` (WAL readers never wait and are never waited
for) and write the new cache rows afterwards in one short transaction. The service's index keeper
and the ``zhuli index`` commands use them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

from core.db import Database
from matching import repository, store
from matching.embedding import NewVectors
from matching.state import IndexState

if TYPE_CHECKING:
    from matching.engine import MatchingEngine

T = TypeVar("T")


def _reading(db: Database, work: Callable[[Session, NewVectors], T]) -> T:
    new_vectors = NewVectors()
    with db.read_session() as session:
        result = work(session, new_vectors)
    if len(new_vectors):
        with db.unit_of_work() as session:
            new_vectors.write(session)
    return result


def prepare_index(db: Database, engine: MatchingEngine) -> dict[str, Any]:
    """Load the saved index or rebuild it, then apply pending changes; returns the engine's status."""
    return _reading(db, engine.ensure_ready)


def rebuild_index(db: Database, engine: MatchingEngine) -> dict[str, Any]:
    """Build a new index from the database and swap it in; returns the engine's status."""
    _reading(db, engine.rebuild)
    return engine.status()


def sync_index(db: Database, engine: MatchingEngine) -> int:
    """Apply profile changes committed since the last sync; returns how many entities changed."""
    return _reading(db, engine.sync)


def saved_index_status(db: Database, index_dir: Path) -> dict[str, Any]:
    """The saved index's state next to the database, for commands that run no engine (``zhuli status``,
    ``zhuli index status``); the same vocabulary as :meth:`MatchingEngine.status`."""
    manifest = store.read_manifest(index_dir)
    with db.read_session() as session:
        db_watermark = repository.max_change_id(session)
    if manifest is None:
        state = IndexState.MISSING
    elif manifest.get("watermark") != db_watermark:
        state = IndexState.STALE
    else:
        state = IndexState.READY
    return {
        "state": state,
        "path": str(index_dir),
        "manifest": manifest,
        "watermark": manifest.get("watermark") if manifest else None,
        "database_watermark": db_watermark,
    }
