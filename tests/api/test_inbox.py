"""The notification inbox over HTTP: unread counts, marking read, nobody else's rows."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from models import Notification, NotificationChannel
from tests.api.parties import Parties


def test_a_user_reads_their_inbox_and_marks_items_read(client: TestClient, parties: Parties, session: Session) -> None:
    headers = parties.headers("society_a")
    user_id = parties.users["society_a"].id
    session.add(
        Notification(
            dedupe_key="test:inbox:2", recipient_user_id=user_id, channel=NotificationChannel.CONSOLE,
            kind="offer.reminder", payload={"title": "推荐即将过期", "text": "请在明天前答复。"},
        )
    )  # fmt: skip
    session.add(
        Notification(
            dedupe_key="test:inbox:wechat", recipient_user_id=user_id, channel=NotificationChannel.WECHAT_TEMPLATE,
            kind="offer.reminder", payload={"title": "微信提醒", "text": "不在站内信箱"},
        )
    )  # fmt: skip
    session.flush()
    listed = client.get("/api/notifications", headers=headers).json()
    assert listed["total"] == 2
    assert listed["unread"] == 2
    assert {i["title"] for i in listed["items"]} == {"新的对接推荐", "推荐即将过期"}
    assert client.get("/api/notifications/unread-count", headers=headers).json() == {"unread": 2}

    read = client.post(f"/api/notifications/{parties.notice_id}/read", headers=headers)
    assert read.status_code == 200
    assert read.json() == {"marked": 1}
    assert client.get("/api/notifications/unread-count", headers=headers).json() == {"unread": 1}
    unread = client.get("/api/notifications", params={"unread_only": True}, headers=headers).json()
    assert [i["title"] for i in unread["items"]] == ["推荐即将过期"]
    assert client.post("/api/notifications/read-all", headers=headers).json() == {"marked": 1}
    assert client.get("/api/notifications/unread-count", headers=headers).json() == {"unread": 0}


def test_another_users_notification_is_left_alone(client: TestClient, parties: Parties, session: Session) -> None:
    response = client.post(f"/api/notifications/{parties.notice_id}/read", headers=parties.headers("society_b"))
    assert response.json() == {"marked": 0}
    assert client.get("/api/notifications", headers=parties.headers("society_b")).json()["total"] == 0
    session.refresh(parties.notice_a)
    assert parties.notice_a is not None
    assert parties.notice_a.read_at is None
