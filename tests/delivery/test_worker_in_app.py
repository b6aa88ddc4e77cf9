"""The embedded default: ``zhuli serve``'s app runs a worker thread in its lifespan (off by setting)."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import select

from core.db import Database
from core.settings import Settings, WorkerSettings
from models import Notification, NotificationStatus
from tests.delivery.outbox_world import notify, staff_user


def _statuses(db: Database, ids: list[int]) -> set[NotificationStatus]:
    with db.read_session() as session:
        return set(session.scalars(select(Notification.status).where(Notification.id.in_(ids))))


def _enqueue(db: Database) -> list[int]:
    with db.unit_of_work() as session:
        return [row.id for row in notify(session, staff_user(session))]


SENT_CONSOLE = 'zhuli_deliveries_total{channel="console",result="sent"}'


def _delivered(client: TestClient) -> float:
    """The per-process deliveries counter as ``/metrics`` shows it (0 before the first delivery)."""
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(SENT_CONSOLE + " "):
            return float(line.split()[-1])
    return 0.0


def test_the_app_lifespan_runs_a_worker_that_delivers_console_rows_and_counts_them(fresh_database: Database) -> None:
    from api.app import create_app

    settings = Settings(demo_data=False, worker=WorkerSettings(poll_interval_seconds=0.05))
    with TestClient(create_app(settings, database=fresh_database, keep_index=False, run_worker=True)) as client:
        before = _delivered(client)
        ids = _enqueue(fresh_database)
        deadline = time.monotonic() + 10
        while _statuses(fresh_database, ids) != {NotificationStatus.SENT} and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _statuses(fresh_database, ids) == {NotificationStatus.SENT}
        assert _delivered(client) == before + len(ids)
        assert 'zhuli_outbox_finished{channel="console",status="sent"}' in client.get("/metrics").text


def test_in_process_false_starts_no_worker(fresh_database: Database) -> None:
    from api.app import create_app

    settings = Settings(demo_data=False, worker=WorkerSettings(in_process=False, poll_interval_seconds=0.05))
    ids = _enqueue(fresh_database)
    with TestClient(create_app(settings, database=fresh_database, keep_index=True)) as client:
        assert client.get("/healthz").status_code in (200, 503)
        time.sleep(0.5)
    assert _statuses(fresh_database, ids) == {NotificationStatus.PENDING}
