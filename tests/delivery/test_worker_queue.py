"""Leases, the job queue and periodic tasks as the worker runs them (SQLite and PostgreSQL)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.db import Database
from core.errors import ServiceUnavailable
from core.settings import Settings, WorkerSettings
from models import Job, JobStatus, NotificationChannel, NotificationStatus
from tests.delivery.outbox_world import later, notify, staff_user
from workflow.jobs import PERIODIC, JobContext, enqueue_job, job, periodic
from workflow.worker import Worker
from workflow.worker.leases import backoff_delay, claim_notifications

SETTINGS = Settings(
    demo_data=False,
    worker=WorkerSettings(backoff_base_seconds=1.0, backoff_cap_seconds=8.0, lease_seconds=30.0),
)
RAN: list[Any] = []


@job("test.worker.ok")
def _ok(session: Session, ctx: JobContext, payload: dict[str, Any]) -> None:
    RAN.append(payload["n"])


@job("test.worker.boom")
def _boom(session: Session, ctx: JobContext, payload: dict[str, Any]) -> None:
    RAN.append("boom")
    enqueue_job(session, "test.worker.ok", {"n": "never"})  # rolled back with the failure
    raise RuntimeError("handler exploded")


@job("test.worker.wait")
def _wait(session: Session, ctx: JobContext, payload: dict[str, Any]) -> None:
    raise ServiceUnavailable("匹配索引正在构建")


def _jobs(session: Session, kind: str) -> list[Job]:
    session.expire_all()
    return list(session.scalars(select(Job).where(Job.kind == kind).order_by(Job.id)))


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    rng = random.Random(7)
    settings = WorkerSettings(backoff_base_seconds=2.0, backoff_cap_seconds=10.0)
    for attempts, ceiling in [(1, 2.0), (2, 4.0), (3, 8.0), (4, 10.0), (40, 10.0)]:
        delays = [backoff_delay(attempts, settings, rng=rng).total_seconds() for _ in range(50)]
        assert ceiling / 2 <= min(delays)
        assert max(delays) <= ceiling
        assert max(delays) - min(delays) > ceiling / 10  # jittered, not constant


def test_a_live_lease_is_not_claimed_again_and_an_expired_one_is(session: Session) -> None:
    rows = notify(session, staff_user(session)) + notify(session, staff_user(session))
    now = clock.now()
    console = (NotificationChannel.CONSOLE,)
    first = claim_notifications(session, worker_id="a", channels=console, now=now, lease_seconds=10, limit=1)
    second = claim_notifications(session, worker_id="b", channels=console, now=now, lease_seconds=10, limit=5)
    assert len(first) == 1
    assert len(second) == 1
    assert set(first) | set(second) == {r.id for r in rows}
    assert claim_notifications(session, worker_id="c", channels=console, now=now, lease_seconds=10, limit=5) == []
    again = claim_notifications(
        session, worker_id="c", channels=console, now=now + timedelta(seconds=11), lease_seconds=10, limit=5
    )
    assert sorted(again) == sorted(r.id for r in rows)
    session.expire_all()
    for row in rows:
        session.refresh(row)
        assert (row.status, row.locked_by, row.attempts) == (NotificationStatus.SENDING, "c", 2)


def test_a_job_runs_once_and_is_marked_done(session: Session, bound_db: Database) -> None:
    RAN.clear()
    enqueue_job(session, "test.worker.ok", {"n": 1})
    worker = Worker(bound_db, SETTINGS, outbox=False)
    worker.run_once()
    worker.run_once()
    assert RAN == [1]
    [done] = _jobs(session, "test.worker.ok")
    assert (done.status, done.attempts, done.locked_by) == (JobStatus.DONE, 1, None)
    assert done.finished_at is not None


def test_a_failing_job_rolls_back_its_effect_retries_with_back_off_then_fails(
    session: Session, bound_db: Database
) -> None:
    RAN.clear()
    enqueue_job(session, "test.worker.boom", {})
    worker = Worker(bound_db, SETTINGS, outbox=False)
    worker.run_once()
    [boom] = _jobs(session, "test.worker.boom")
    assert (boom.status, boom.attempts) == (JobStatus.PENDING, 1)
    assert boom.run_after > clock.now()
    assert "handler exploded" in (boom.last_error or "")
    assert _jobs(session, "test.worker.ok") == []
    for step in range(1, 10):
        with clock.frozen_at(later(20 * step)):
            worker.run_once()
    [boom] = _jobs(session, "test.worker.boom")
    assert (boom.status, boom.attempts) == (JobStatus.FAILED, boom.max_attempts)
    assert RAN == ["boom"] * boom.max_attempts


def test_a_job_waiting_for_a_service_keeps_its_attempts(session: Session, bound_db: Database) -> None:
    enqueue_job(session, "test.worker.wait", {})
    worker = Worker(bound_db, SETTINGS, outbox=False)
    for step in range(8):
        with clock.frozen_at(later(60 * step)):
            worker.run_once()
    [waiting] = _jobs(session, "test.worker.wait")
    assert (waiting.status, waiting.attempts) == (JobStatus.PENDING, 0)


def test_an_unknown_job_kind_fails_at_once(session: Session, bound_db: Database) -> None:
    enqueue_job(session, "test.worker.nobody", {})
    Worker(bound_db, SETTINGS, outbox=False).run_once()
    [unknown] = _jobs(session, "test.worker.nobody")
    assert (unknown.status, unknown.attempts) == (JobStatus.FAILED, 1)
    assert "no handler" in (unknown.last_error or "")


def test_a_periodic_task_runs_once_per_period_however_many_workers(session: Session, bound_db: Database) -> None:
    runs: list[str] = []

    @periodic("test.worker.tick", 3600)
    def tick(session: Session, ctx: JobContext) -> int:
        runs.append(ctx.now.isoformat())
        return 0

    try:
        workers = [Worker(bound_db, SETTINGS, outbox=False) for _ in range(3)]
        for worker in workers:
            worker.run_once()
        assert len(runs) == 1
        with clock.frozen_at(later(3600)):
            for worker in workers:
                worker.run_once()
        assert len(runs) == 2
        assert [j.status for j in _jobs(session, "periodic:test.worker.tick")] == [JobStatus.DONE] * 2
    finally:
        PERIODIC.pop("test.worker.tick", None)


def test_the_workflow_periodic_tasks_are_scheduled_and_run_by_a_worker(session: Session, bound_db: Database) -> None:
    Worker(bound_db, SETTINGS, outbox=False).run_once()
    session.expire_all()
    periodic_jobs = {j.kind: j.status for j in session.scalars(select(Job).where(Job.kind.like("periodic:%")))}
    assert {
        "periodic:workflow.expire_offers",
        "periodic:workflow.remind_offers",
        "periodic:workflow.auto_close",
    } <= set(periodic_jobs)
    assert set(periodic_jobs.values()) == {JobStatus.DONE}
