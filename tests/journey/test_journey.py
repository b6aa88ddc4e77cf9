"""End to end: a demand from a WeChat submission to its rating, over real HTTP, every push once.

Run twice: on the embedded default (one ``zhuli serve`` on a fresh data folder — SQLite, FAISS files,
the in-process worker, demo data) and as production runs it (two ``zhuli serve`` and two
``zhuli worker`` processes on one PostgreSQL database). The WeChat API is the fake platform on
127.0.0.1; nothing of ours is replaced.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from bot.platform.fake import FakeWeChatApi
from core import clock
from models import NotificationStatus
from tests.databases import separate_postgres_url
from tests.journey.world import REGION, TITLE, Journey, wait_until, wechat_env
from tests.servers import serving, wait_until_index_ready
from tests.workers import running_worker

LA = f"la-{REGION}"
PHONE = "13905956677"
STEPS = [
    ("demand.create", "draft"),
    ("demand.submit", "submitted"),
    ("demand.approve", "approved"),
    ("demand.offer", "offered"),
    ("demand.accept", "accepted"),
    ("demand.confirm_docking", "docked"),
    ("demand.record_agreement", "contracted"),
    ("demand.report_outcome", "completed"),
    ("demand.rate", "closed"),
]
"""The demand's audit trail, in order: one event for each move."""
TOLD = ["submitted", "approved", "accepted", "docked", "contracted", "completed", "closed"]
"""The enterprise hears of every status change after its submission, in order. Approval and the first
offers are one move for the enterprise: the approval notice says its demand goes to societies now."""


@pytest.fixture
def fake() -> Iterator[FakeWeChatApi]:
    with FakeWeChatApi() as api:
        yield api


def drive(j: Journey) -> int:
    j.submit_by_chat()
    demand_id: int = wait_until(j.demand_id, timeout=30, what="the submitted demand")

    queue = j.call("GET", "/api/demands", LA, params={"status": "submitted", "q": "EVA"})
    assert demand_id in [d["id"] for d in queue["items"]]
    detail = wait_until(
        lambda: (d := j.call("GET", f"/api/demands/{demand_id}", LA))["suggestions"] and d,
        timeout=300,
        what="the match suggestions computed by the worker",
    )
    assert detail["contact"]["phone"] == PHONE  # the association sees who asked

    j.call("POST", f"/api/demands/{demand_id}/approve", LA, json={"reason": "需求明确，同意推荐"})
    offered = wait_until(
        lambda: (d := j.call("GET", f"/api/demands/{demand_id}", LA))["status"] == "offered" and d,
        timeout=120,
        what="the offers made by the worker after approval",
    )
    offer = min(offered["offers"], key=lambda o: o["rank"])
    assert offer["score_parts"]
    assert offer["proposed_expert_ids"]
    society = j.society_login(offer["society_id"])

    inbox = j.call("GET", "/api/offers", society)
    assert offer["id"] in [o["id"] for o in inbox["items"]]
    seen = j.call("GET", f"/api/offers/{offer['id']}", society)
    assert PHONE not in json.dumps(seen, ensure_ascii=False)  # contacts hidden until the docking is confirmed
    candidates = j.call("GET", f"/api/offers/{offer['id']}/candidates", society)
    assert candidates
    team = offer["proposed_expert_ids"][:2]  # the society trims the proposed team to two experts
    j.call("POST", f"/api/offers/{offer['id']}/accept", society, json={"expert_ids": team, "note": "由两位专家承接"})

    j.call("POST", f"/api/demands/{demand_id}/docking/confirm", LA, json={"reason": "双方已沟通"})
    docked = j.call("GET", f"/api/demands/{demand_id}", society)
    assert docked["contact"]["phone"] == PHONE  # confirmed: now the society may call the enterprise
    agreement = {"signed_on": clock.today().isoformat(), "amount": "200000"}  # a Beijing day
    j.call("POST", f"/api/demands/{demand_id}/agreement", LA, json=agreement)
    j.call("POST", f"/api/demands/{demand_id}/outcome", society, json={"outcome": "新配方零下20度弯折5万次无裂纹"})
    j.rate_by_chat(demand_id)
    return demand_id


def check_outcome(j: Journey, demand_id: int) -> None:
    final = j.call("GET", f"/api/demands/{demand_id}", LA)
    assert final["status"] == "closed"
    trail = j.trail(demand_id)
    assert trail == STEPS, trail

    def settled() -> bool:
        rows = j.enterprise_notifications(demand_id)
        return bool(rows) and all(
            n.status not in (NotificationStatus.PENDING, NotificationStatus.SENDING) for n in rows
        )

    wait_until(settled, timeout=120, what="every notification of the enterprise settled")
    rows = j.enterprise_notifications(demand_id)
    assert all(n.status is NotificationStatus.SENT for n in rows), [(n.kind, n.status, n.last_error) for n in rows]
    assert [n.kind.removeprefix("demand.") for n in rows] == TOLD, [n.kind for n in rows]
    # Once each: exactly one push on the platform per notification, none repeated.
    pushes = [p for p in j.fake.pushes(j.openid) if TITLE in p.text]
    assert len(pushes) == len(rows), [p.text for p in pushes]
    assert all(n.attempts >= 1 and n.sent_at is not None for n in rows)
    assert max(Counter(p.text for p in pushes).values()) == 1


def test_embedded_default_from_wechat_submission_to_rating(tmp_path: Path, fake: FakeWeChatApi) -> None:
    with serving(tmp_path / "var", env=wechat_env(fake)) as served:
        wait_until_index_ready(served.base_url, timeout=900)
        j = Journey([served.base_url], served.database_url, fake)
        demand_id = drive(j)
        check_outcome(j, demand_id)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with separate_postgres_url(f"zt_journey_{uuid.uuid4().hex[:8]}") as url:
        yield url


def test_two_serves_and_two_workers_on_postgresql(tmp_path: Path, fake: FakeWeChatApi, postgres_url: str) -> None:
    env = {**wechat_env(fake), "ZHULI_DATABASE_URL": postgres_url, "ZHULI_WORKER__IN_PROCESS": "false"}
    with ExitStack() as stack:
        # The first process loads the demo data; the second finds it there.
        servers = [stack.enter_context(serving(tmp_path / f"var{i}", env=env)) for i in range(2)]
        workers = [stack.enter_context(running_worker(tmp_path / "workers", env, "--jobs")) for _ in range(2)]
        for worker in workers:
            worker.wait_started(timeout=300)
        for served in servers:
            wait_until_index_ready(served.base_url, timeout=900)
        j = Journey([s.base_url for s in servers], postgres_url, fake)
        demand_id = drive(j)
        check_outcome(j, demand_id)
        assert all(w.process.poll() is None for w in workers)
