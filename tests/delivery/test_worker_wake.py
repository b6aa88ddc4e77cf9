"""An idle worker on PostgreSQL wakes when rows are committed instead of at its next poll."""

from __future__ import annotations

import time

from sqlalchemy import select

from core.db import Database
from core.settings import Settings, WorkerSettings
from models import Notification, NotificationStatus
from tests.delivery.outbox_world import notify, staff_user
from workflow.worker import Worker

POLL_SECONDS = 30.0


def _sent(db: Database, ids: list[int]) -> bool:
    with db.read_session() as session:
        statuses = set(session.scalars(select(Notification.status).where(Notification.id.in_(ids))))
    return statuses == {NotificationStatus.SENT}


def test_an_idle_worker_is_woken_by_a_commit_on_postgresql_and_polls_on_sqlite(fresh_database: Database) -> None:
    settings = Settings(demo_data=False, worker=WorkerSettings(poll_interval_seconds=POLL_SECONDS))
    worker = Worker(fresh_database, settings, jobs=False)
    if fresh_database.dialect == "sqlite":
        assert worker.listener is None  # SQLite has no LISTEN: its workers poll
        return
    worker.start()
    try:
        time.sleep(1.0)  # the worker found nothing and is waiting out its 30 s poll
        with fresh_database.unit_of_work() as session:
            ids = [row.id for row in notify(session, staff_user(session))]
        committed = time.monotonic()
        while not _sent(fresh_database, ids) and time.monotonic() - committed < 10:
            time.sleep(0.02)
        assert _sent(fresh_database, ids)
        assert time.monotonic() - committed < 10 < POLL_SECONDS
    finally:
        worker.stop()
    assert worker._thread is None
