"""Running the job queue and the periodic tasks.

A claimed job runs in its own unit of work together with marking it done, so its effect and its
``done`` commit together; a raising handler rolls back and the job is retried with back-off until
its ``max_attempts``. A job whose worker died is claimed again when its lease runs out (handlers
are idempotent, see :mod:`workflow.jobs`).

Periodic tasks ride on the same queue: for each task and each period (``floor(epoch / every)``) a
worker enqueues one job with the dedupe key ``periodic:<name>:<period>``. The unique key makes it
at most one run per period however many workers schedule it, the lease makes it survive a crashed
worker. A period in which no worker was running is not caught up: the tasks look at the current
state, so the next run does what the missed one would have done.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from core import clock
from core.db import Database
from core.errors import ServiceUnavailable
from core.settings import Settings
from models import Job, JobStatus
from workflow.jobs import HANDLERS, PERIODIC, JobContext, JobHandler, enqueue_job
from workflow.worker.leases import backoff_delay, claim_jobs

log = logging.getLogger("zhuli.worker")

PERIODIC_PREFIX = "periodic:"
WAIT_ATTEMPTS = 3
"""A job waiting for a service (:class:`~core.errors.ServiceUnavailable`, e.g. the index is being built)
does not use up an attempt; it is tried again after the back-off of this many attempts."""


class UnknownJobKind(LookupError):
    """No handler is registered for a job's kind: retrying cannot help."""


KEEP_PERIODIC_RUNS = timedelta(days=1)
"""Finished periodic runs are deleted after this long (one row per task and period adds up)."""


def handler_for(kind: str) -> JobHandler | None:
    """The registered handler of ``kind``; ``periodic:<name>`` runs the periodic task ``name``."""
    if kind.startswith(PERIODIC_PREFIX):
        entry = PERIODIC.get(kind[len(PERIODIC_PREFIX) :])
        if entry is None:
            return None
        task = entry[1]

        def run_periodic(session: Session, ctx: JobContext, _payload: dict[str, Any]) -> None:
            changed = task(session, ctx)
            log.info("periodic task %s changed %d", kind, changed)

        return run_periodic
    return HANDLERS.get(kind)


class PeriodicScheduler:
    """Enqueues each periodic task once per period; remembers what it scheduled to stay off the lock."""

    def __init__(self) -> None:
        self._scheduled: dict[str, int] = {}

    def due(self, now: datetime) -> dict[str, int]:
        due: dict[str, int] = {}
        for name, (every, _task) in PERIODIC.items():
            period = int(now.timestamp() // every)
            if self._scheduled.get(name) != period:
                due[name] = period
        return due

    def schedule(self, session: Session, due: dict[str, int], now: datetime) -> None:
        for name, period in due.items():
            kind = PERIODIC_PREFIX + name
            enqueue_job(session, kind, {"task": name, "period": period}, dedupe_key=f"{kind}:{period}", run_after=now)
            session.execute(
                delete(Job).where(
                    Job.kind == kind, Job.status == JobStatus.DONE, Job.finished_at < now - KEEP_PERIODIC_RUNS
                )
            )

    def mark(self, due: dict[str, int]) -> None:
        self._scheduled.update(due)


class JobRunner:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        worker_id: str,
        context: Callable[[datetime], JobContext],
    ) -> None:
        self.db = db
        self.settings = settings
        self.worker_id = worker_id
        self.context = context

    def claim(self, limit: int) -> list[int]:
        with self.db.unit_of_work() as session:
            return claim_jobs(
                session,
                worker_id=self.worker_id,
                now=clock.now(),
                lease_seconds=self.settings.worker.lease_seconds,
                limit=limit,
            )

    def run(self, job_id: int) -> bool:
        """Run one claimed job; True when it finished (done), False when it will be retried or failed."""
        try:
            with self.db.unit_of_work() as session:
                job = session.get(Job, job_id)
                if job is None or job.status is not JobStatus.RUNNING or job.locked_by != self.worker_id:
                    return False
                handler = handler_for(job.kind)
                if handler is None:
                    raise UnknownJobKind(f"no handler registered for job kind {job.kind!r}")
                now = clock.now()
                handler(session, self.context(now), dict(job.payload or {}))
                job.status = JobStatus.DONE
                job.finished_at = clock.now()
                job.locked_by = None
                job.locked_until = None
                job.last_error = None
            return True
        except Exception as exc:  # noqa: BLE001 - any handler failure is recorded on the job and retried
            self._failed(job_id, exc)
            return False

    def _failed(self, job_id: int, exc: Exception) -> None:
        expected = isinstance(exc, ServiceUnavailable)
        if expected:
            log.info("job %s waits: %s", job_id, exc)
        else:
            log.exception("job %s failed", job_id)
        with self.db.unit_of_work() as session:
            job = session.get(Job, job_id)
            if job is None or job.locked_by != self.worker_id:
                return
            now = clock.now()
            job.locked_by = None
            job.locked_until = None
            job.last_error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]
            if expected:
                job.attempts = max(job.attempts - 1, 0)
                job.status = JobStatus.PENDING
                job.run_after = now + backoff_delay(WAIT_ATTEMPTS, self.settings.worker)
            elif isinstance(exc, UnknownJobKind) or job.attempts >= job.max_attempts:
                job.status = JobStatus.FAILED
                job.finished_at = now
            else:
                job.status = JobStatus.PENDING
                job.run_after = now + backoff_delay(job.attempts, self.settings.worker)
