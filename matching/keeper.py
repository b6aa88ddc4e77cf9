"""Keeps the process's matching index in step with the database, off the request path.

At start it loads or rebuilds the index (that can take a while on a new database, so the service
answers meanwhile and ``/healthz`` reports the index as building); afterwards it applies profile
changes every few seconds, so changes made by other processes (imports, other API workers) reach
this one. Matches never sync (they are pure reads): the keeper is the one place that applies
changes in a serving process. At shutdown it saves the index, so the next start loads it instead of
catching up on everything since the last periodic save.

It never holds a write transaction during a build (see :mod:`matching.maintenance`).
"""

from __future__ import annotations

import logging
import threading

from core.db import Database
from matching.engine import MatchingEngine
from matching.maintenance import prepare_index, sync_index

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
        if not self._thread.is_alive():
            self.engine.save()

    def _run(self) -> None:
        try:
            status = prepare_index(self.db, self.engine)
            log.info("matching index %s", status.get("state"), extra={"counts": status.get("counts")})
        except Exception:
            log.exception("matching index could not be prepared; matches will retry")
        finally:
            self.ready.set()
        while not self._stop.wait(self.interval):
            try:
                sync_index(self.db, self.engine)
            except Exception:
                log.exception("matching index sync failed; will retry")
