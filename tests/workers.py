"""Real ``zhuli worker`` processes against a committed database and the fake WeChat API (tests, bench)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.platform.fake import FakeWeChatApi
from core.db import Database


def database_url_of(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def worker_env(db: Database, fake: FakeWeChatApi, **settings: str) -> dict[str, str]:
    """``ZHULI_*`` for a worker delivering ``db``'s outbox to ``fake``: quick polls, short leases and back-off."""
    env = {
        "ZHULI_DATABASE_URL": database_url_of(db),
        "ZHULI_LOG_LEVEL": "WARNING",
        "ZHULI_WECHAT__APP_ID": fake.app_id,
        "ZHULI_WECHAT__APP_SECRET": fake.app_secret,
        "ZHULI_WECHAT__API_BASE_URL": fake.base_url,
        "ZHULI_WECHAT__CONNECT_TIMEOUT_SECONDS": "1",
        "ZHULI_WECHAT__READ_TIMEOUT_SECONDS": "20",
        "ZHULI_WECHAT__TEMPLATE_STATUS_UPDATE": "tpl-status",
        "ZHULI_WECHAT__TEMPLATE_STAFF_TASK": "tpl-task",
        "ZHULI_WORKER__POLL_INTERVAL_SECONDS": "0.05",
        "ZHULI_WORKER__LEASE_SECONDS": "3",
        "ZHULI_WORKER__BACKOFF_BASE_SECONDS": "0.2",
        "ZHULI_WORKER__BACKOFF_CAP_SECONDS": "1",
        "ZHULI_WORKER__MAX_ATTEMPTS": "50",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(settings)
    return env


@dataclass
class WorkerProcess:
    process: subprocess.Popen[str]
    log_path: Path

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is recorded, the lease stays until it runs out."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")[-4000:]

    def holds(self, locked_by: str | None) -> bool:
        """Whether a row's ``locked_by`` (``host:pid:random``) names this process."""
        return locked_by is not None and locked_by.split(":")[1] == str(self.process.pid)

    def wait_started(self, timeout: float = 120) -> None:
        """Until the worker printed its start line (needs ``PYTHONUNBUFFERED=1`` in its environment)."""
        wait_until(lambda: "已启动" in self.log(), timeout=timeout, what="the worker's start", worker=self)


@contextmanager
def running_workers(log_dir: Path, env: dict[str, str], n: int, *args: str) -> Iterator[list[WorkerProcess]]:
    """``n`` workers started at once (their slow start overlaps), each up when this yields."""
    with ExitStack() as stack:
        workers = [stack.enter_context(running_worker(log_dir, env, *args)) for _ in range(n)]
        for worker in workers:
            worker.wait_started()
        yield workers


@contextmanager
def running_worker(log_dir: Path, env: dict[str, str], *args: str) -> Iterator[WorkerProcess]:
    """Start ``zhuli worker --no-jobs`` (plus ``args``); terminate it afterwards, also on failure."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ZHULI_")}
    full_env.update(env)
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"worker-{time.monotonic_ns()}.log"
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api", "worker", "--no-jobs", *args],
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        worker = WorkerProcess(proc, log_path)
        try:
            yield worker
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)


def wait_until(
    condition: Callable[[], bool], *, timeout: float, what: str, worker: WorkerProcess | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if worker is not None and worker.process.poll() is not None:
            raise AssertionError(f"the worker exited while waiting for {what}:\n{worker.log()}")
        if time.monotonic() > deadline:
            detail = f"\n{worker.log()}" if worker is not None else ""
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{detail}")
        time.sleep(0.05)
