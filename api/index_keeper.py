"""Keeps the process's matching index in step with the database, off the request path.

At start it loads or rebuilds the index (that can take a while on a new database, so the service
answers meanwhile and ``/healthz`` reports the index as building); afterwards it applies profile
changes every few seconds, so changes made by other processes (imports, other API workers) reach
this one even when nobody searches. A match also syncs before it searches.

It reads through a read-only session and writes the embedding-cache rows it produced afterwards in
one short transaction: on SQLite a write transaction around a build would hold the database's only
write lock for as long as encoding takes, and every request that writes would queue behind it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from core.db import Database
from matching.embedding import collect_into, write_collected
from matching.engine import MatchingEngine

log = logging.getLogger("zhuli.index")


class IndexKeeper:
    def __init__(self, db: Database, engine: MatchingEngine, *, interval_seconds: float = 5.0) -> None:
        self.db = db
        self.engine = engine
        self.interval = interval_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="zhuli-index", daemon=True)
        self.ready = threading.Event()

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def prepare(self) -> dict[str, Any]:
        """Load or rebuild the index; returns the engine's status."""
        with self.db.read_session() as session:
            rows = collect_into(session)
            status = self.engine.ensure_ready(session)
        self._write(rows)
        return status

    def sync(self) -> int:
        """Apply profile changes committed since the last call; returns how many entities changed."""
        with self.db.read_session() as session:
            rows = collect_into(session)
            changed = self.engine.sync(session)
        self._write(rows)
        return changed

    def _write(self, rows: dict[str, Any]) -> None:
        if any(rows.values()):
            with self.db.unit_of_work() as session:
                count = write_collected(session, rows)
            log.debug("embedding cache: %d vectors stored", count)

    def _run(self) -> None:
        try:
            status = self.prepare()
            log.info("matching index %s", status.get("state"), extra={"count": status.get("count")})
        except Exception:
            log.exception("matching index could not be prepared; matches will retry")
        finally:
            self.ready.set()
        while not self._stop.wait(self.interval):
            try:
                self.sync()
            except Exception:
                log.exception("matching index sync failed; will retry")
