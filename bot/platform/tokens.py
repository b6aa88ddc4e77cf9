"""The Official Account's access token, shared by every process through the ``wechat_tokens`` row.

Each fetch of a new token invalidates the previous one (after a short grace), so processes that
fetch on their own keep breaking each other. Here a token is fetched only when the stored one is
missing, about to expire, or was just rejected by the platform — and then behind the row's lock
(``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the unit of work's ``BEGIN IMMEDIATE`` write
lock). After taking the lock the stored value is compared with the one the caller saw rejected:
if another process has already replaced it, that token is used and nothing is fetched, so two
processes seeing 40001 at the same moment refresh once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from core import clock
from core.db import Database
from models import WeChatToken

log = logging.getLogger("zhuli.wechat")


@dataclass(frozen=True)
class FetchedToken:
    access_token: str
    expires_in: int


TokenFetcher = Callable[[], FetchedToken]


class SharedTokenStore:
    """Hands out the current token, refreshing it in the database when it must."""

    def __init__(self, db: Database, app_id: str, fetch: TokenFetcher, *, margin_seconds: int) -> None:
        self.db = db
        self.app_id = app_id
        self._fetch = fetch
        self._margin = timedelta(seconds=margin_seconds)
        self._cached: tuple[str, datetime] | None = None
        self._lock = threading.Lock()

    def current(self) -> str:
        """A token that is not about to expire (from memory, else the database, else fetched)."""
        now = clock.now()
        cached = self._cached
        if cached is not None and cached[1] - self._margin > now:
            return cached[0]
        with self.db.read_session() as session:
            row = session.get(WeChatToken, self.app_id)
            stored = (row.access_token, row.expires_at) if row is not None else None
        if stored is not None and stored[1] - self._margin > now:
            self._cached = stored
            return stored[0]
        return self.refresh(stale=stored[0] if stored is not None else None)

    def refresh(self, *, stale: str | None) -> str:
        """Replace ``stale`` (the token the platform rejected, or None) unless someone already did."""
        with self._lock:  # threads of this process queue here instead of on the database lock
            try:
                return self._refresh_locked(stale)
            except IntegrityError:
                # Another process inserted the first row meanwhile; its token is fresh now.
                return self._refresh_locked(stale)

    def _refresh_locked(self, stale: str | None) -> str:
        with self.db.unit_of_work() as session:
            row = session.get(WeChatToken, self.app_id, with_for_update=True)
            now = clock.now()
            if row is not None and row.access_token != stale and row.expires_at - self._margin > now:
                self._cached = (row.access_token, row.expires_at)
                return row.access_token
            if row is None:
                # Claim the key before fetching: a concurrent first insert waits on it, then fails.
                row = WeChatToken(app_id=self.app_id, access_token="", expires_at=now)
                session.add(row)
                session.flush()
            fetched = self._fetch()
            row.access_token = fetched.access_token
            row.expires_at = clock.now() + timedelta(seconds=fetched.expires_in)
            expires_at = row.expires_at
        log.info("wechat access token refreshed", extra={"app_id": self.app_id})
        self._cached = (fetched.access_token, expires_at)
        return fetched.access_token
