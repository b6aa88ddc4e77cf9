"""Fault tests: real ``zhuli worker`` processes, a committed database, the fake WeChat API on 127.0.0.1.

Kill tests start two workers and add the row once both are up; whichever claims it is killed
(SIGKILL), the other one takes the row over when the lease runs out.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import select

from bot.platform.fake import FakeWeChatApi
from core.db import Database
from models import Notification, NotificationChannel, NotificationStatus
from tests.delivery.outbox_world import enterprise_user, notify, staff_user, user_wrote
from tests.workers import WorkerProcess, running_worker, running_workers, wait_until, worker_env
from workflow.worker.channels import client_msg_id

OPENID = "o-ent-faults"


def _rows(db: Database, ids: list[int] | None = None) -> list[Notification]:
    with db.read_session() as session:
        query = select(Notification).order_by(Notification.id)
        if ids is not None:
            query = query.where(Notification.id.in_(ids))
        rows = list(session.scalars(query))
        session.expunge_all()  # keep the loaded values (the read session rolls back, which would expire them)
        return rows


def _row(db: Database, row_id: int) -> Notification:
    [row] = _rows(db, [row_id])
    return row


def _all_sent(db: Database, ids: list[int]) -> bool:
    return all(r.status is NotificationStatus.SENT for r in _rows(db, ids))


def _enterprise_row(db: Database, *, window: bool) -> int:
    with db.unit_of_work() as session:
        user = enterprise_user(session, OPENID)
        if window:
            user_wrote(session, OPENID)
        [row] = notify(session, user)
        return row.id


def _kill_the_holder(db: Database, row_id: int, workers: list[WorkerProcess]) -> WorkerProcess:
    """SIGKILL the worker holding the row; returns the survivor."""
    locked_by = _row(db, row_id).locked_by
    [holder] = [w for w in workers if w.holds(locked_by)]
    holder.kill()
    [survivor] = [w for w in workers if w is not holder]
    return survivor


def test_a_worker_killed_after_claiming_before_sending_is_replaced_and_the_row_delivered_once(
    fresh_database: Database, fake_wechat: FakeWeChatApi, tmp_path: Path
) -> None:
    fake_wechat.open_window(OPENID)
    fake_wechat.slow("token", 30)  # the claimer hangs fetching its token: claimed, nothing sent
    with running_workers(tmp_path, worker_env(fresh_database, fake_wechat), 2) as workers:
        row_id = _enterprise_row(fresh_database, window=True)
        wait_until(
            lambda: (
                len(fake_wechat.calls("token")) == 1
                and _row(fresh_database, row_id).status is NotificationStatus.SENDING
            ),
            timeout=60,
            what="the claim",
        )
        survivor = _kill_the_holder(fresh_database, row_id, workers)
        assert fake_wechat.pushes(OPENID) == []
        wait_until(lambda: _all_sent(fresh_database, [row_id]), timeout=60, what="the delivery", worker=survivor)
    assert [p.kind for p in fake_wechat.pushes(OPENID)] == ["custom"]
    row = _row(fresh_database, row_id)
    assert (row.attempts, row.delivered_channel) == (2, NotificationChannel.WECHAT_CUSTOM)
    assert [o["result"] for o in row.outcomes] == ["sent"]
    assert survivor.holds(row.outcomes[0]["worker"])


def test_a_worker_killed_after_a_customer_service_send_leads_to_one_template_retry_not_a_second_push(
    fresh_database: Database, fake_wechat: FakeWeChatApi, tmp_path: Path
) -> None:
    """The documented after-send window: the user may see the notice twice, once of each kind, never
    the same customer-service message twice."""
    fake_wechat.open_window(OPENID)
    fake_wechat.slow("message/custom/send", 30)  # shown to the user; the answer never reaches the worker
    with running_workers(tmp_path, worker_env(fresh_database, fake_wechat), 2) as workers:
        row_id = _enterprise_row(fresh_database, window=True)
        wait_until(lambda: len(fake_wechat.pushes(OPENID)) == 1, timeout=60, what="the push")
        survivor = _kill_the_holder(fresh_database, row_id, workers)
        wait_until(lambda: _all_sent(fresh_database, [row_id]), timeout=60, what="the retry", worker=survivor)
    assert [p.kind for p in fake_wechat.pushes(OPENID)] == ["custom", "template"]
    assert len(fake_wechat.calls("message/custom/send")) == 1
    row = _row(fresh_database, row_id)
    assert row.delivered_channel is NotificationChannel.WECHAT_TEMPLATE
    assert [o["result"] for o in row.outcomes] == ["sending", "fallback", "sent"]
    assert "结果不明" in row.outcomes[1]["detail"]


def test_a_worker_killed_after_a_template_send_is_harmless_the_platform_drops_the_repeat(
    fresh_database: Database, fake_wechat: FakeWeChatApi, tmp_path: Path
) -> None:
    fake_wechat.slow("message/template/send", 30)
    with running_workers(tmp_path, worker_env(fresh_database, fake_wechat), 2) as workers:
        with fresh_database.unit_of_work() as session:
            rows = notify(session, staff_user(session, "o-staff-faults"))
            ids = [r.id for r in rows]
        [template] = [r for r in rows if r.channel is NotificationChannel.WECHAT_TEMPLATE]
        wait_until(lambda: len(fake_wechat.pushes()) == 1, timeout=60, what="the push")
        survivor = _kill_the_holder(fresh_database, template.id, workers)
        wait_until(lambda: _all_sent(fresh_database, ids), timeout=60, what="the retry", worker=survivor)
    assert len(fake_wechat.pushes("o-staff-faults")) == 1
    calls = fake_wechat.calls("message/template/send")
    assert len(calls) == 2
    assert {c.body["client_msg_id"] for c in calls} == {client_msg_id(template.dedupe_key)}


def test_api_down_for_a_while_then_back_delivers_every_notification_once(
    fresh_database: Database, fake_wechat: FakeWeChatApi, tmp_path: Path
) -> None:
    with fresh_database.unit_of_work() as session:
        rows = [row for n in range(20) for row in notify(session, staff_user(session, f"o-down-{n}"))]
        ids = [r.id for r in rows]
        keys = {client_msg_id(r.dedupe_key) for r in rows if r.channel is NotificationChannel.WECHAT_TEMPLATE}
    fake_wechat.go_down()
    with running_worker(tmp_path, worker_env(fresh_database, fake_wechat)) as worker:
        wait_until(
            lambda: all(
                r.attempts >= 2 for r in _rows(fresh_database, ids) if r.channel is not NotificationChannel.CONSOLE
            ),
            timeout=120,
            what="failed attempts while the API is down",
            worker=worker,
        )
        waiting = [r for r in _rows(fresh_database, ids) if r.channel is not NotificationChannel.CONSOLE]
        assert {r.status for r in waiting} <= {NotificationStatus.PENDING, NotificationStatus.SENDING}
        assert all("cannot connect" in (r.last_error or "") for r in waiting)
        fake_wechat.come_up()
        wait_until(lambda: _all_sent(fresh_database, ids), timeout=60, what="delivery after recovery", worker=worker)
    calls = [c for c in fake_wechat.calls("message/template/send") if c.errcode == 0]
    assert Counter(c.body["client_msg_id"] for c in calls) == dict.fromkeys(keys, 1)
    assert len(fake_wechat.pushes()) == 20


def test_40001_refreshes_the_token_and_45015_falls_back_to_a_template_in_a_worker_process(
    fresh_database: Database, fake_wechat: FakeWeChatApi, tmp_path: Path
) -> None:
    row_id = _enterprise_row(fresh_database, window=True)  # our records: window open; the platform: closed
    with fresh_database.unit_of_work() as session:
        staff_ids = [r.id for r in notify(session, staff_user(session, "o-staff-40001"))]
    fake_wechat.fail(None, 40001)  # the first API call after the token is refused once
    with running_worker(tmp_path, worker_env(fresh_database, fake_wechat)) as worker:
        wait_until(lambda: _all_sent(fresh_database, [row_id, *staff_ids]), timeout=120, what="delivery", worker=worker)
    assert len(fake_wechat.calls("token")) == 2
    assert [p.kind for p in fake_wechat.pushes(OPENID)] == ["template"]
    assert len(fake_wechat.pushes("o-staff-40001")) == 1
    row = _row(fresh_database, row_id)
    assert [(o["result"], o["code"]) for o in row.outcomes] == [("fallback", 45015), ("sent", 0)]


def test_two_workers_never_deliver_the_same_row_twice(
    fresh_database: Database, fake_wechat: FakeWeChatApi, tmp_path: Path
) -> None:
    with running_workers(tmp_path, worker_env(fresh_database, fake_wechat), 2) as workers:
        with fresh_database.unit_of_work() as session:
            users = [staff_user(session, f"o-pair-{n}") for n in range(100)]
            rows = [row for _ in range(5) for user in users for row in notify(session, user)]
            ids = [r.id for r in rows]
            keys = {client_msg_id(r.dedupe_key) for r in rows if r.channel is NotificationChannel.WECHAT_TEMPLATE}
        assert len(keys) == 500
        wait_until(lambda: _all_sent(fresh_database, ids), timeout=300, what="1000 deliveries", worker=workers[0])
    calls = fake_wechat.calls("message/template/send")
    assert Counter(c.body["client_msg_id"] for c in calls) == dict.fromkeys(keys, 1)
    delivered = _rows(fresh_database, ids)
    assert all(len(r.outcomes) == 1 and r.attempts == 1 for r in delivered)
    takers = {str(r.outcomes[0]["worker"]).split(":")[1] for r in delivered}
    assert takers == {str(w.process.pid) for w in workers}  # both took part
