"""The worker delivers outbox rows to the fake WeChat API over real HTTP (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from bot.platform.client import WeChatApi
from bot.platform.fake import FakeWeChatApi
from core import clock
from core.db import Database
from core.settings import Settings, WeChatSettings
from models import Notification, NotificationChannel, NotificationStatus
from tests.delivery.outbox_world import NOTICE, enterprise_user, later, notify, staff_user, user_wrote, worker_settings
from workflow.notify import Notice, tell_openid
from workflow.worker import Worker
from workflow.worker.channels import client_msg_id
from workflow.worker.outbox import DELIVERIES

OPENID = "o-ent-delivery"


@pytest.fixture
def settings(wechat_settings: WeChatSettings) -> Settings:
    return worker_settings(wechat_settings)


@pytest.fixture
def worker(bound_db: Database, settings: Settings) -> Worker:
    return Worker(bound_db, settings, api=WeChatApi(settings.wechat, bound_db), jobs=False)


def _reload(session: Session, row: Notification) -> Notification:
    session.expire_all()
    fresh = session.get(Notification, row.id)
    assert fresh is not None
    return fresh


def test_console_rows_are_delivered_by_marking_them_sent(session: Session, worker: Worker) -> None:
    [row] = notify(session, staff_user(session))
    assert row.channel is NotificationChannel.CONSOLE
    before = DELIVERIES.labels("console", "sent")._value.get()
    assert worker.run_once() == 1
    row = _reload(session, row)
    assert (row.status, row.delivered_channel, row.attempts) == (
        NotificationStatus.SENT,
        NotificationChannel.CONSOLE,
        1,
    )
    assert [o["result"] for o in row.outcomes] == ["sent"]
    assert row.locked_by is None
    assert row.sent_at is not None
    assert DELIVERIES.labels("console", "sent")._value.get() == before + 1
    assert worker.run_once() == 0


def test_inside_the_window_the_enterprise_gets_a_customer_service_message(
    session: Session, worker: Worker, fake_wechat: FakeWeChatApi
) -> None:
    user = enterprise_user(session, OPENID)
    user_wrote(session, OPENID, ago=timedelta(hours=47))
    fake_wechat.open_window(OPENID)
    [row] = notify(session, user)
    worker.run_once()
    [push] = fake_wechat.pushes(OPENID)
    assert push.kind == "custom"
    assert push.text.startswith(NOTICE.text)
    row = _reload(session, row)
    assert (row.status, row.delivered_channel) == (NotificationStatus.SENT, NotificationChannel.WECHAT_CUSTOM)
    assert [o["result"] for o in row.outcomes] == ["sent"]  # the "sending" mark was replaced


def test_outside_the_window_the_enterprise_gets_a_template_message(
    session: Session, worker: Worker, fake_wechat: FakeWeChatApi
) -> None:
    user = enterprise_user(session, OPENID)
    user_wrote(session, OPENID, ago=timedelta(hours=49))
    [row] = notify(session, user)
    worker.run_once()
    assert fake_wechat.calls("message/custom/send") == []  # the window rule is ours, not the platform's 45015
    [push] = fake_wechat.pushes(OPENID)
    assert (push.kind, push.template_id) == ("template", "tpl-status")
    assert push.data == {"thing1": "需求已通过初审", "thing2": "鞋底发泡材料回弹性差", "thing3": "已通过初审"}
    assert push.client_msg_id == client_msg_id(row.dedupe_key)
    row = _reload(session, row)
    assert (row.status, row.delivered_channel, row.external_id) == (
        NotificationStatus.SENT,
        NotificationChannel.WECHAT_TEMPLATE,
        str(push.msgid),
    )
    assert [(o["channel"], o["result"]) for o in row.outcomes] == [
        ("wechat_custom", "fallback"),
        ("wechat_template", "sent"),
    ]
    assert "48 小时" in row.outcomes[0]["detail"]


def test_45015_from_the_platform_falls_back_to_a_template_message_and_records_both(
    session: Session, worker: Worker, fake_wechat: FakeWeChatApi
) -> None:
    user = enterprise_user(session, OPENID)
    user_wrote(session, OPENID)  # our records say the window is open; the platform says otherwise
    [row] = notify(session, user)
    worker.run_once()
    assert [c.errcode for c in fake_wechat.calls("message/custom/send")] == [45015]
    assert [p.kind for p in fake_wechat.pushes(OPENID)] == ["template"]
    row = _reload(session, row)
    assert row.delivered_channel is NotificationChannel.WECHAT_TEMPLATE
    assert [(o["channel"], o["result"], o["code"]) for o in row.outcomes] == [
        ("wechat_custom", "fallback", 45015),
        ("wechat_template", "sent", 0),
    ]


def test_the_sixth_push_in_a_window_goes_as_a_template_message(
    session: Session, worker: Worker, fake_wechat: FakeWeChatApi
) -> None:
    user = enterprise_user(session, OPENID)
    user_wrote(session, OPENID)
    fake_wechat.open_window(OPENID)
    for _ in range(6):
        notify(session, user)
    worker.run_once()
    assert [p.kind for p in fake_wechat.pushes(OPENID)] == ["custom"] * 5 + ["template"]
    assert all(c.errcode == 0 for c in fake_wechat.calls("message/custom/send"))  # no 45047 needed


def test_bot_reply_parts_to_the_openid_count_towards_the_window(
    session: Session, worker: Worker, fake_wechat: FakeWeChatApi
) -> None:
    user = enterprise_user(session, OPENID)
    user_wrote(session, OPENID)
    fake_wechat.open_window(OPENID)
    for n in range(5):
        tell_openid(session, OPENID, Notice(kind="bot.reply_part", title="回复", text=f"续{n}"), source=f"in:{n}")
    worker.run_once()
    [row] = notify(session, user)
    worker.run_once()
    assert [p.kind for p in fake_wechat.pushes(OPENID)] == ["custom"] * 5 + ["template"]
    assert _reload(session, row).delivered_channel is NotificationChannel.WECHAT_TEMPLATE


def test_staff_with_wechat_get_a_task_template_and_a_console_row(
    session: Session, worker: Worker, fake_wechat: FakeWeChatApi
) -> None:
    rows = notify(session, staff_user(session, "o-staff-1"))
    assert {r.channel for r in rows} == {NotificationChannel.CONSOLE, NotificationChannel.WECHAT_TEMPLATE}
    worker.run_once()
    [push] = fake_wechat.pushes("o-staff-1")
    assert push.template_id == "tpl-task"
    assert {_reload(session, r).status for r in rows} == {NotificationStatus.SENT}


def test_40001_refreshes_the_token_and_delivers(session: Session, worker: Worker, fake_wechat: FakeWeChatApi) -> None:
    user = enterprise_user(session, OPENID)
    notify(session, user)
    worker.run_once()
    fake_wechat.invalidate_tokens()
    [row] = notify(session, user)
    worker.run_once()
    assert [c.errcode for c in fake_wechat.calls("message/template/send")] == [0, 40001, 0]
    assert len(fake_wechat.calls("token")) == 2
    assert len(fake_wechat.pushes(OPENID)) == 2
    assert _reload(session, row).status is NotificationStatus.SENT


def test_api_down_retries_with_back_off_then_delivers_once(
    session: Session, worker: Worker, fake_wechat: FakeWeChatApi
) -> None:
    [row] = notify(session, enterprise_user(session, OPENID))
    fake_wechat.go_down()
    worker.run_once()
    row = _reload(session, row)
    assert (row.status, row.attempts) == (NotificationStatus.PENDING, 1)
    assert row.next_attempt_at > clock.now()
    assert "cannot connect" in (row.last_error or "")
    assert worker.run_once() == 0  # not due yet: back-off
    fake_wechat.come_up()
    with clock.frozen_at(later(5)):
        worker.run_once()
    row = _reload(session, row)
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 2)
    assert [o["result"] for o in row.outcomes] == ["retry", "fallback", "sent"]
    assert len(fake_wechat.pushes(OPENID)) == 1


def test_a_row_that_keeps_failing_is_marked_failed_after_max_attempts(
    session: Session, worker: Worker, fake_wechat: FakeWeChatApi
) -> None:
    [row] = notify(session, enterprise_user(session, OPENID))
    fake_wechat.fail("message/template/send", -1, times=None)
    for step in range(4):
        with clock.frozen_at(later(10 * step)):
            worker.run_once()
    row = _reload(session, row)
    assert (row.status, row.attempts) == (NotificationStatus.FAILED, 3)
    assert "PlatformBusy -1" in (row.last_error or "")
    assert len(fake_wechat.calls("message/template/send")) == 3


def test_a_refusing_user_fails_at_once_without_retries(
    session: Session, worker: Worker, fake_wechat: FakeWeChatApi
) -> None:
    [row] = notify(session, enterprise_user(session, OPENID))
    fake_wechat.refuse(OPENID)
    worker.run_once()
    row = _reload(session, row)
    assert (row.status, row.attempts) == (NotificationStatus.FAILED, 1)
    assert row.outcomes[-1]["code"] == 43101


def test_a_timed_out_customer_service_message_is_retried_as_a_template_never_as_custom(
    session: Session, bound_db: Database, settings: Settings, fake_wechat: FakeWeChatApi
) -> None:
    user = enterprise_user(session, OPENID)
    user_wrote(session, OPENID)
    fake_wechat.open_window(OPENID)
    [row] = notify(session, user)
    quick = settings.model_copy(update={"wechat": settings.wechat.model_copy(update={"read_timeout_seconds": 0.5})})
    worker = Worker(bound_db, quick, api=WeChatApi(quick.wechat, bound_db), jobs=False)
    fake_wechat.slow("message/custom/send", 1.5)  # the platform shows it, the answer comes too late
    worker.run_once()
    row = _reload(session, row)
    assert (row.status, row.outcomes[-1]["result"]) == (NotificationStatus.PENDING, "in_doubt")
    with clock.frozen_at(later(5)):
        worker.run_once()
    assert [p.kind for p in fake_wechat.pushes(OPENID)] == ["custom", "template"]
    assert len(fake_wechat.calls("message/custom/send")) == 1
    row = _reload(session, row)
    assert (row.status, row.delivered_channel) == (NotificationStatus.SENT, NotificationChannel.WECHAT_TEMPLATE)


def test_without_a_template_id_a_row_outside_the_window_is_skipped_with_the_reason(
    session: Session, bound_db: Database, settings: Settings
) -> None:
    bare = settings.model_copy(update={"wechat": settings.wechat.model_copy(update={"template_status_update": ""})})
    worker = Worker(bound_db, bare, api=WeChatApi(bare.wechat, bound_db), jobs=False)
    [row] = notify(session, enterprise_user(session, OPENID))
    worker.run_once()
    row = _reload(session, row)
    assert row.status is NotificationStatus.SKIPPED
    assert "未配置模板消息" in (row.last_error or "")


def test_a_worker_without_wechat_credentials_leaves_wechat_rows_waiting(
    session: Session, bound_db: Database, settings: Settings
) -> None:
    worker = Worker(bound_db, settings, api=None, jobs=False)
    rows = notify(session, staff_user(session, "o-staff-2"))
    worker.run_once()
    statuses = {r.channel: _reload(session, r).status for r in rows}
    assert statuses == {
        NotificationChannel.CONSOLE: NotificationStatus.SENT,
        NotificationChannel.WECHAT_TEMPLATE: NotificationStatus.PENDING,
    }
