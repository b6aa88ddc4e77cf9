"""The chats domain on its own: what the webhook and the deliverer ask of stored messages and conversations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from chats.conversations import conversation_of, find_conversation
from chats.messages import finish, is_rate_limited, last_user_action_at, store, stored_reply
from models import InboundMessage, InboundStatus

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Delivery:
    msg_id: int | None
    dedupe_key: str
    openid: str
    msg_type: str
    event: str | None
    content: str | None
    raw_xml: str


def _text(openid: str, msg_id: int, content: str = "你好") -> Delivery:
    return Delivery(msg_id, f"msg:{msg_id}", openid, "text", None, content, f"<xml>{msg_id}</xml>")


def _event(openid: str, event: str, created: int) -> Delivery:
    return Delivery(None, f"evt:{openid}:{created}:{event}", openid, "event", event, None, "<xml/>")


def test_a_delivery_is_stored_once_and_its_retry_gets_the_first_reply(session: Session) -> None:
    first = store(session, _text("o-1", 901), NOW)
    assert first is not None
    assert stored_reply(session, "msg:901") == (True, None)
    finish(session, first, reply="<xml>答复</xml>", status=InboundStatus.PROCESSED, error=None, now=NOW)
    assert store(session, _text("o-1", 901, "重发的同一条"), NOW + timedelta(seconds=5)) is None
    assert stored_reply(session, "msg:901") == (True, "<xml>答复</xml>")
    row = session.get(InboundMessage, first)
    assert row is not None
    assert (row.content, row.status, row.processed_at is not None) == ("你好", InboundStatus.PROCESSED, True)
    assert stored_reply(session, "msg:902") == (False, None)


def test_the_rate_limit_counts_the_users_other_messages_in_the_window(session: Session) -> None:
    store(session, _text("o-2", 911), NOW - timedelta(seconds=61))  # outside a 60 s window
    store(session, _text("o-2", 912), NOW - timedelta(seconds=30))
    store(session, _text("o-other", 913), NOW - timedelta(seconds=10))  # someone else
    current = store(session, _text("o-2", 914), NOW)
    assert current is not None
    assert not is_rate_limited(session, "o-2", current, now=NOW, window_seconds=60, limit=2)
    assert is_rate_limited(session, "o-2", current, now=NOW, window_seconds=60, limit=1)
    assert is_rate_limited(session, "o-2", current, now=NOW, window_seconds=120, limit=2)


def test_only_the_users_own_actions_open_the_window(session: Session) -> None:
    assert last_user_action_at(session, "o-3") is None
    store(session, _event("o-3", "subscribe", 1), NOW - timedelta(hours=3))
    store(session, _event("o-3", "unsubscribe", 2), NOW - timedelta(hours=2))
    store(session, _event("o-3", "templatesendjobfinish", 3), NOW - timedelta(hours=1))
    opened = last_user_action_at(session, "o-3")
    assert opened is not None
    assert opened.replace(tzinfo=UTC) == NOW - timedelta(hours=3)
    store(session, _text("o-3", 921), NOW)
    latest = last_user_action_at(session, "o-3")
    assert latest is not None
    assert latest.replace(tzinfo=UTC) == NOW


def test_a_conversation_is_created_on_first_contact_and_found_after(session: Session) -> None:
    assert find_conversation(session, "o-4") is None
    row = conversation_of(session, "o-4")
    assert (row.state, row.slots) == ("idle", {})
    row.state = "filling"
    session.flush()
    again = conversation_of(session, "o-4")
    assert again.id == row.id
    assert again.state == "filling"
