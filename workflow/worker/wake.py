"""Waking idle workers as soon as work arrives, on PostgreSQL.

A trigger (migration ``8c2f4e1d7a30``) runs ``pg_notify('zhuli_work', '')`` after every statement
that inserts notifications or jobs; PostgreSQL delivers it when that transaction commits. An idle
worker listens on its own connection and wakes at once instead of at its next poll, which takes the
time from a transition to its push from about half the poll interval down to a few milliseconds.
The poll stays as the safety net (retries coming due, a lost connection) and is all SQLite has.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from core.db import Database

log = logging.getLogger("zhuli.worker")

CHANNEL = "zhuli_work"
SLICE_SECONDS = 0.25
"""Longest wait between checks of the stop flag."""


class WorkListener:
    """``LISTEN zhuli_work`` on a connection of its own (taken from the pool and never given back)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._pooled: Any = None
        self._connection: Any = None

    def _connect(self) -> Any:
        if self._connection is None:
            self._pooled = self.db.engine.raw_connection()
            connection = self._pooled.driver_connection
            connection.autocommit = True
            connection.execute(f"LISTEN {CHANNEL}")
            self._connection = connection
        return self._connection

    def wait(self, seconds: float, stop: threading.Event) -> None:
        """Return when work was announced, ``stop`` was set or ``seconds`` passed."""
        deadline = time.monotonic() + seconds
        try:
            connection = self._connect()
            while not stop.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                # Run the generator to its end before draining: it holds the connection's lock.
                woke = list(connection.notifies(timeout=min(SLICE_SECONDS, left), stop_after=1))
                if woke:
                    self._drain(connection)
                    return
        except Exception as exc:  # noqa: BLE001 - a broken listener falls back to plain polling
            log.warning("worker listener failed (%s); polling until it reconnects", type(exc).__name__)
            self.close()
            stop.wait(max(0.0, deadline - time.monotonic()))

    @staticmethod
    def _drain(connection: Any) -> None:
        """Swallow the other announcements that arrived meanwhile: one round handles them all."""
        list(connection.notifies(timeout=0.01, stop_after=1000))

    def close(self) -> None:
        pooled, self._pooled, self._connection = self._pooled, None, None
        if pooled is not None:
            try:
                pooled.invalidate()
            except Exception:  # noqa: BLE001 - closing a dead connection may fail too
                log.debug("closing the worker listener failed", exc_info=True)


def listener_for(db: Database) -> WorkListener | None:
    return WorkListener(db) if db.dialect == "postgresql" else None
