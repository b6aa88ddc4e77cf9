"""The worker loop: periodic tasks, the outbox and the job queue, until told to stop.

One :class:`Worker` runs in each ``zhuli worker`` process (in the foreground) and, in the embedded
default, as a thread of ``zhuli serve`` (:meth:`Worker.start`). Any number may run against one
PostgreSQL database; claims never hand the same row to two of them (:mod:`workflow.worker.leases`).
An idle worker only reads (is anything due?) before it sleeps ``poll_interval_seconds`` — on
PostgreSQL it is woken earlier when rows are added (:mod:`workflow.worker.wake`); a busy one loops
without sleeping. A failing step (database down, …) is logged and tried again after the poll
interval: the worker itself never dies of it.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from datetime import datetime
from typing import TYPE_CHECKING

from bot.platform.client import WeChatApi
from core import clock
from core.db import Database
from core.settings import Settings
from models import NotificationChannel
from workflow.jobs import JobContext
from workflow.worker.leases import any_job_due, any_notification_due
from workflow.worker.outbox import WECHAT_CHANNELS, WeChatDeliverer, deliver_console
from workflow.worker.queue import JobRunner, PeriodicScheduler
from workflow.worker.wake import listener_for

if TYPE_CHECKING:
    from matching.engine import MatchingEngine

log = logging.getLogger("zhuli.worker")


def new_worker_id() -> str:
    """``host:pid:random`` — unique per worker, readable in ``locked_by`` and in outcomes."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


def wechat_api_for(settings: Settings, db: Database) -> WeChatApi | None:
    """The outbound client, or None when no Official Account is configured (WeChat rows then wait)."""
    wechat = settings.wechat
    if not wechat.app_id or not wechat.app_secret.get_secret_value():
        return None
    return WeChatApi(wechat, db)


class Worker:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        engine: MatchingEngine | None = None,
        api: WeChatApi | None = None,
        outbox: bool = True,
        jobs: bool = True,
        worker_id: str | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.engine = engine
        self.worker_id = worker_id or new_worker_id()
        self.outbox = outbox
        self.jobs = jobs
        self.api = api
        self.channels: tuple[NotificationChannel, ...] = (NotificationChannel.CONSOLE,)
        self.deliverer: WeChatDeliverer | None = None
        if api is not None:
            self.channels += WECHAT_CHANNELS
            self.deliverer = WeChatDeliverer(db, api, settings, self.worker_id)
        if jobs:
            import bot.attachments  # noqa: F401 - the demand.attachments job
            import program.tasks  # noqa: F401 - the programme's periodic tasks (reports, evaluations)
            import workflow.tasks  # noqa: F401 - fills the HANDLERS and PERIODIC registries
        self.scheduler = PeriodicScheduler()
        self.runner = JobRunner(db, settings, self.worker_id, self._context)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.listener = listener_for(db)
        """On PostgreSQL an idle worker wakes as soon as rows are added (:mod:`workflow.worker.wake`)."""

    def _context(self, now: datetime) -> JobContext:
        return JobContext(engine=self.engine, settings=self.settings, now=now, api=self.api)

    # -- one round -------------------------------------------------------------------------------
    def run_once(self) -> int:
        """Do what is due now; returns how many rows were handled (0: nothing was due)."""
        handled = 0
        if self.jobs:
            self._schedule_periodic()
        if self.outbox:
            handled += self._deliver()
        if self.jobs:
            handled += self._run_jobs()
        return handled

    def _schedule_periodic(self) -> None:
        now = clock.now()
        due = self.scheduler.due(now)
        if due:
            with self.db.unit_of_work() as session:
                self.scheduler.schedule(session, due, now)
            self.scheduler.mark(due)

    def _deliver(self) -> int:
        worker = self.settings.worker
        with self.db.read_session() as session:
            if not any_notification_due(session, self.channels, clock.now()):
                return 0
        with self.db.unit_of_work() as session:
            handled = deliver_console(
                session,
                worker_id=self.worker_id,
                now=clock.now(),
                lease_seconds=worker.lease_seconds,
                limit=worker.batch_size,
            )
        if self.deliverer is not None:
            handled += self.deliverer.deliver(self.deliverer.claim(worker.batch_size))
        return handled

    def _run_jobs(self) -> int:
        with self.db.read_session() as session:
            if not any_job_due(session, clock.now()):
                return 0
        ids = self.runner.claim(self.settings.worker.batch_size)
        for job_id in ids:
            self.runner.run(job_id)
        return len(ids)

    # -- the loop ----------------------------------------------------------------------------------
    def run_forever(self) -> None:
        """Loop until :meth:`stop`; sleeps only when a round found nothing to do."""
        log.info("worker %s started (outbox=%s, jobs=%s)", self.worker_id, self.outbox, self.jobs)
        while not self._stop.is_set():
            try:
                handled = self.run_once()
            except Exception:
                log.exception("worker round failed; trying again")
                handled = 0
            if handled == 0:
                self._idle(self.settings.worker.poll_interval_seconds)
        if self.listener is not None:
            self.listener.close()
        log.info("worker %s stopped", self.worker_id)

    def _idle(self, seconds: float) -> None:
        if self.listener is not None:
            self.listener.wait(seconds, self._stop)
        else:
            self._stop.wait(seconds)

    def start(self) -> None:
        """Run the loop in a daemon thread (the in-process worker of ``zhuli serve``)."""
        self._thread = threading.Thread(target=self.run_forever, name="zhuli-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        """Finish the current row and stop (a row in flight is never abandoned half-recorded)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
