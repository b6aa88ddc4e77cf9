"""Outbox throughput with one and two ``zhuli worker`` processes on PostgreSQL, and the time from a
demand transition to its push on the fake WeChat API (p50 / p99).

Each configuration runs on a fresh PostgreSQL schema (dropped afterwards) with the fake WeChat API
in this process on 127.0.0.1. Throughput: ``--staff`` staff users with WeChat get ``--notices``
notices each (a console row and a template message per notice), enqueued in one transaction after
the workers are up; the clock runs from that commit until every row is sent. Latency: one worker
idles at its default poll interval; ``--transitions`` drafts are submitted one after another
(``workflow.submit``, committed), each timed until the fake API records its first push. Prints one
JSON line per configuration and peak RSS of the worker processes.

    .venv/bin/python -m bench.outbox [--staff 200 --notices 10 --transitions 100]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

import workflow
from accounts import Actor
from bot.platform.fake import Call, FakeWeChatApi
from core.db import Database
from core.migrations import upgrade
from models import DemandStatus, Notification, NotificationStatus, Role
from tests.delivery.outbox_world import notify, staff_user
from tests.factories import make_demand, make_enterprise, make_user, seed_reference_data
from tests.workers import WorkerProcess, running_workers, wait_until, worker_env

POSTGRES_URL = os.environ.get("ZHULI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
JINJIANG = "350582"


@contextmanager
def fresh_schema() -> Iterator[Database]:
    schema = f"bench_outbox_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    db = Database.from_url(url.render_as_string(hide_password=False))
    try:
        upgrade(db.engine)
        with db.unit_of_work() as session:
            seed_reference_data(session)
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def peak_rss_mb(worker: WorkerProcess) -> float:
    for line in Path(f"/proc/{worker.process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def throughput(n_workers: int, staff: int, notices: int, log_dir: Path) -> dict[str, object]:
    with fresh_schema() as db, FakeWeChatApi() as fake, ExitStack() as stack:
        env = worker_env(db, fake, ZHULI_WORKER__LEASE_SECONDS="60")
        workers = stack.enter_context(running_workers(log_dir, env, n_workers))
        with db.unit_of_work() as session:
            users = [staff_user(session, f"o-bench-{n}") for n in range(staff)]
            for _ in range(notices):
                for user in users:
                    notify(session, user)
        started = time.perf_counter()

        def remaining() -> int:
            with db.read_session() as session:
                return int(
                    session.scalar(
                        select(func.count(Notification.id)).where(Notification.status != NotificationStatus.SENT)
                    )
                    or 0
                )

        wait_until(lambda: remaining() == 0, timeout=1800, what="all rows sent", worker=workers[0])
        elapsed = time.perf_counter() - started
        rows = 2 * staff * notices
        pushes = len(fake.pushes())
        assert pushes == staff * notices, f"{pushes} pushes for {staff * notices} template rows"
        return {
            "bench": "outbox_throughput",
            "backend": "postgresql",
            "workers": n_workers,
            "rows": rows,
            "wechat_pushes": pushes,
            "seconds": round(elapsed, 2),
            "notifications_per_s": round(rows / elapsed, 1),
            "wechat_pushes_per_s": round(pushes / elapsed, 1),
            "worker_peak_rss_mb": [round(peak_rss_mb(w), 1) for w in workers],
        }


def latency(transitions: int, log_dir: Path) -> dict[str, object]:
    pushed: list[float] = []

    def heard(call: Call) -> None:
        if call.push is not None:
            pushed.append(time.perf_counter())

    with fresh_schema() as db, FakeWeChatApi(listener=heard) as fake, ExitStack() as stack:
        env = worker_env(db, fake, ZHULI_WORKER__LEASE_SECONDS="60")
        env.pop("ZHULI_WORKER__POLL_INTERVAL_SECONDS")  # the default poll interval, as deployed
        [worker] = stack.enter_context(running_workers(log_dir, env, 1))
        with db.unit_of_work() as session:
            enterprise = make_enterprise(session, region_code=JINJIANG)
            owner = make_user(session, Role.ENTERPRISE, enterprise_id=enterprise.id, wechat_openid="o-bench-ent")
            make_user(session, Role.LOCAL_ASSOCIATION, region_code=JINJIANG, wechat_openid="o-bench-la")
            drafts = [make_demand(session, enterprise, status=DemandStatus.DRAFT).id for _ in range(transitions)]
            actor = Actor.of_user(owner)
        seconds: list[float] = []
        for demand_id in drafts:
            before = len(pushed)
            with db.unit_of_work() as session:
                workflow.submit(session, actor, demand_id)
            committed = time.perf_counter()
            wait_until(lambda b=before: len(pushed) > b, timeout=30, what="the push", worker=worker)  # type: ignore[misc]
            seconds.append(pushed[before] - committed)
            wait_until(lambda: not due(db), timeout=30, what="the outbox to drain", worker=worker)
        ms = sorted(s * 1000 for s in seconds)
        return {
            "bench": "transition_to_push",
            "backend": "postgresql",
            "poll_interval_seconds": 1.0,
            "woken_by": "LISTEN zhuli_work",
            "transitions": transitions,
            "p50_ms": round(statistics.median(ms), 1),
            "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 1),
            "max_ms": round(ms[-1], 1),
            "worker_peak_rss_mb": round(peak_rss_mb(worker), 1),
        }


def due(db: Database) -> bool:
    with db.read_session() as session:
        waiting = session.scalar(
            select(func.count(Notification.id)).where(Notification.status != NotificationStatus.SENT)
        )
        return bool(waiting)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, default=200)
    parser.add_argument("--notices", type=int, default=10)
    parser.add_argument("--transitions", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhuli-bench-outbox-") as tmp:
        log_dir = Path(tmp)
        for n in (1, 2):
            print(json.dumps(throughput(n, args.staff, args.notices, log_dir)), flush=True)
        print(json.dumps(latency(args.transitions, log_dir)), flush=True)


if __name__ == "__main__":
    main()
