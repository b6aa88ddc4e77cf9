"""What the outbox and the job queue hold right now, for ``/metrics``.

Read from the database at scrape time rather than counted in each process: with several API and
worker processes only the tables know the true depth, the oldest waiting row and how every
delivery ended, and any process can report them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import clock
from models import Job, JobStatus, Notification, NotificationStatus

WAITING = (NotificationStatus.PENDING, NotificationStatus.SENDING)
FINISHED = (NotificationStatus.SENT, NotificationStatus.FAILED, NotificationStatus.SKIPPED)


@dataclass(frozen=True, slots=True)
class QueueSnapshot:
    waiting: dict[str, int]
    """Rows not finished yet, by channel (notifications) or kind (jobs)."""
    oldest_due_age_seconds: float
    """How long the oldest row that is due (its next attempt time has come) has been waiting; 0 if none."""
    finished: dict[tuple[str, str], int]
    """Finished rows by (status, channel or kind); a notification counts under the channel that carried it."""


def _age(oldest: datetime | None, now: datetime) -> float:
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


def outbox_snapshot(session: Session, *, now: datetime | None = None) -> QueueSnapshot:
    now = now or clock.now()
    waiting = session.execute(
        select(Notification.channel, func.count())
        .where(Notification.status.in_(WAITING))
        .group_by(Notification.channel)
    ).all()
    oldest = session.scalar(
        select(func.min(Notification.next_attempt_at)).where(
            Notification.status.in_(WAITING), Notification.next_attempt_at <= now
        )
    )
    carried = func.coalesce(Notification.delivered_channel, Notification.channel)
    finished = session.execute(
        select(Notification.status, carried, func.count())
        .where(Notification.status.in_(FINISHED))
        .group_by(Notification.status, carried)
    ).all()
    return QueueSnapshot(
        waiting={str(channel): int(n) for channel, n in waiting},
        oldest_due_age_seconds=_age(oldest, now),
        finished={(str(status), str(channel)): int(n) for status, channel, n in finished},
    )


def job_snapshot(session: Session, *, now: datetime | None = None) -> QueueSnapshot:
    now = now or clock.now()
    active = (JobStatus.PENDING, JobStatus.RUNNING)
    waiting = session.execute(select(Job.kind, func.count()).where(Job.status.in_(active)).group_by(Job.kind)).all()
    oldest = session.scalar(select(func.min(Job.run_after)).where(Job.status.in_(active), Job.run_after <= now))
    finished = session.execute(
        select(Job.status, Job.kind, func.count())
        .where(Job.status.in_((JobStatus.DONE, JobStatus.FAILED)))
        .group_by(Job.status, Job.kind)
    ).all()
    return QueueSnapshot(
        waiting={str(kind): int(n) for kind, n in waiting},
        oldest_due_age_seconds=_age(oldest, now),
        finished={(str(status), str(kind)): int(n) for status, kind, n in finished},
    )
