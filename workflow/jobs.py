"""The job queue's two registries and its one way in.

Handlers (``@job(kind)``) run one enqueued :class:`~models.Job`; periodic tasks
(``@periodic(name, every_seconds)``) run on a schedule and return how many things they changed. Both
live in :mod:`workflow.tasks`; the runner in ``workflow/worker/`` imports it to fill the registries,
runs each in its own unit of work and retries a raising handler with back-off
(:class:`~core.errors.ServiceUnavailable` is an expected retry). Handlers and tasks must be
idempotent and safe on several workers at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from core import clock
from core.db import insert_ignoring_duplicates
from core.settings import Settings
from models import Job, JobStatus

if TYPE_CHECKING:
    from bot.platform.client import WeChatApi
    from matching.engine import MatchingEngine


@dataclass(frozen=True)
class JobContext:
    engine: MatchingEngine | None
    settings: Settings
    now: datetime
    api: WeChatApi | None = None
    """The Official Account's API, for jobs that fetch from it (None when none is configured)."""


JobHandler = Callable[[Session, JobContext, dict[str, Any]], None]
PeriodicTask = Callable[[Session, JobContext], int]

HANDLERS: dict[str, JobHandler] = {}
PERIODIC: dict[str, tuple[float, PeriodicTask]] = {}


def job(kind: str) -> Callable[[JobHandler], JobHandler]:
    """Register the handler of jobs of ``kind``."""

    def register(handler: JobHandler) -> JobHandler:
        if kind in HANDLERS and HANDLERS[kind] is not handler:
            raise ValueError(f"a handler for job kind {kind!r} is registered already")
        HANDLERS[kind] = handler
        return handler

    return register


def periodic(name: str, every_seconds: float) -> Callable[[PeriodicTask], PeriodicTask]:
    """Register a task the worker runs every ``every_seconds``."""

    def register(task: PeriodicTask) -> PeriodicTask:
        if name in PERIODIC and PERIODIC[name][1] is not task:
            raise ValueError(f"a periodic task named {name!r} is registered already")
        PERIODIC[name] = (every_seconds, task)
        return task

    return register


def enqueue_job(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    dedupe_key: str | None = None,
    run_after: datetime | None = None,
) -> None:
    """Add a job in the caller's transaction; a repeated ``dedupe_key`` keeps the first job."""
    now = clock.now()
    row = {
        "kind": kind,
        "payload": payload,
        "dedupe_key": dedupe_key,
        "status": JobStatus.PENDING,
        "attempts": 0,
        "max_attempts": 5,
        "run_after": run_after or now,
        "created_at": now,
    }
    insert_ignoring_duplicates(session, Job.__table__, [row])  # type: ignore[arg-type]
