"""Claiming due rows with a lease, safely when several workers poll the same tables.

A claim selects up to ``n`` due ids, then ``UPDATE … WHERE id IN (those) AND <still due>
RETURNING id`` moves them to their in-progress status and writes ``locked_by``/``locked_until``, in
one transaction. On PostgreSQL the select takes ``FOR UPDATE SKIP LOCKED``: two workers claiming at
once get disjoint rows without waiting for each other. (Two statements on purpose: PostgreSQL may
run a ``LIMIT … SKIP LOCKED`` subquery inside ``UPDATE … IN (…)`` more than once and so update
more than ``n`` rows.) On SQLite the unit of work's ``BEGIN IMMEDIATE`` serialises writers, and the outer
``WHERE`` repeats the due condition, so a row another worker claimed a moment ago is not taken
again (a conditional update). A row is due when it is pending and its time has come, or when it is
in progress but its lease ran out (its worker died or hung).

Back-off lives here too: every retry in the worker waits :func:`backoff_delay`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, update
from sqlalchemy.orm import Session

from core.settings import WorkerSettings
from models import Job, JobStatus, Notification, NotificationChannel, NotificationStatus


def backoff_delay(attempts: int, settings: WorkerSettings, *, rng: random.Random | None = None) -> timedelta:
    """Wait before the next try after ``attempts`` failed ones: ``base · 2^(attempts-1)``, capped, with
    "equal jitter" (between half and all of it) so rows that failed together do not retry together."""
    exponent = min(max(attempts - 1, 0), 30)
    ceiling = min(settings.backoff_cap_seconds, settings.backoff_base_seconds * 2**exponent)
    return timedelta(seconds=ceiling / 2 + (rng or random).uniform(0, ceiling / 2))


def _notification_due(now: datetime) -> Any:
    return or_(
        and_(Notification.status == NotificationStatus.PENDING, Notification.next_attempt_at <= now),
        and_(Notification.status == NotificationStatus.SENDING, Notification.locked_until < now),
    )


def _job_due(now: datetime) -> Any:
    return or_(
        and_(Job.status == JobStatus.PENDING, Job.run_after <= now),
        and_(Job.status == JobStatus.RUNNING, Job.locked_until < now),
    )


def _skip_locked(session: Session, statement: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return statement.with_for_update(skip_locked=True)
    return statement


def any_notification_due(session: Session, channels: Sequence[NotificationChannel], now: datetime) -> bool:
    """A cheap read first, so idle workers do not take SQLite's write lock on every poll."""
    found = session.scalar(
        select(Notification.id).where(_notification_due(now), Notification.channel.in_(channels)).limit(1)
    )
    return found is not None


def any_job_due(session: Session, now: datetime) -> bool:
    return session.scalar(select(Job.id).where(_job_due(now)).limit(1)) is not None


def claim_notifications(
    session: Session,
    *,
    worker_id: str,
    channels: Sequence[NotificationChannel],
    now: datetime,
    lease_seconds: float,
    limit: int,
) -> list[int]:
    """Claim up to ``limit`` due notifications of ``channels`` (oldest due first); returns their ids.

    Each claim counts as an attempt, also when the worker dies before it finishes: a row that keeps
    killing its workers ends as failed after the maximum instead of circulating for ever.
    """
    pick = (
        select(Notification.id)
        .where(_notification_due(now), Notification.channel.in_(channels))
        .order_by(Notification.next_attempt_at, Notification.id)
    )
    due = _notification_due(now)
    return _claim(session, Notification, pick, due, NotificationStatus.SENDING, worker_id, now, lease_seconds, limit)


def extend_notification_leases(
    session: Session, ids: Sequence[int], *, worker_id: str, now: datetime, lease_seconds: float
) -> int:
    """Renew the lease of rows this worker still holds (a long batch must not lose them half-way)."""
    if not ids:
        return 0
    statement = (
        update(Notification)
        .where(
            Notification.id.in_(list(ids)),
            Notification.locked_by == worker_id,
            Notification.status == NotificationStatus.SENDING,
        )
        .values(locked_until=now + timedelta(seconds=lease_seconds))
        .returning(Notification.id)
    )
    return len(session.execute(statement, execution_options={"synchronize_session": False}).all())


def claim_jobs(session: Session, *, worker_id: str, now: datetime, lease_seconds: float, limit: int) -> list[int]:
    """Claim up to ``limit`` due jobs (oldest first); each claim counts as an attempt."""
    pick = select(Job.id).where(_job_due(now)).order_by(Job.run_after, Job.id)
    return _claim(session, Job, pick, _job_due(now), JobStatus.RUNNING, worker_id, now, lease_seconds, limit)


def _claim(
    session: Session,
    model: type[Notification] | type[Job],
    pick: Select[Any],
    due: ColumnElement[bool],
    running: NotificationStatus | JobStatus,
    worker_id: str,
    now: datetime,
    lease_seconds: float,
    limit: int,
) -> list[int]:
    """Pick due ids (skipping rows another worker has locked), then lease those still due to us.

    Two statements, not ``UPDATE … IN (SELECT … LIMIT n SKIP LOCKED)``: PostgreSQL may re-run that
    subquery and claim more rows than asked.
    """
    picked = list(session.scalars(_skip_locked(session, pick.limit(limit))))
    if not picked:
        return []
    statement = (
        update(model)
        .where(model.id.in_(picked), due)
        .values(
            status=running,
            locked_by=worker_id,
            locked_until=now + timedelta(seconds=lease_seconds),
            attempts=model.attempts + 1,
        )
        .returning(model.id)
    )
    ids = session.execute(statement, execution_options={"synchronize_session": False}).scalars().all()
    return sorted(ids)
