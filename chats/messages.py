"""Inbound messages: stored once before any effect, answered once, counted for limits."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models import InboundMessage, InboundStatus

USER_ACTION_EVENTS = ("subscribe", "scan", "click", "view", "scancode_push", "scancode_waitmsg")
"""Events that are the user's own action and so open the customer-service window (others, such as
``unsubscribe`` or the platform's ``templatesendjobfinish`` reports, do not)."""


class Delivery(Protocol):
    """What is stored of one message or event as the platform delivered it (the adapter's parsed message)."""

    @property
    def msg_id(self) -> int | None: ...
    @property
    def dedupe_key(self) -> str:
        """``msg:<MsgId>`` for messages, openid + CreateTime + event for events (the platform's retry key)."""

    @property
    def openid(self) -> str: ...
    @property
    def msg_type(self) -> str: ...
    @property
    def event(self) -> str | None: ...
    @property
    def content(self) -> str | None: ...
    @property
    def raw_xml(self) -> str: ...


def store(session: Session, delivery: Delivery, now: datetime) -> int | None:
    """Store ``delivery``; its id, or None when a delivery with the same key is stored already.

    ``INSERT … ON CONFLICT DO NOTHING RETURNING id`` on the unique keys: on PostgreSQL a concurrent
    insert of the same key waits until the other transaction ends (then finds its row); on SQLite
    writers queue anyway. (A single-row statement with bound parameters, compiled once per process —
    this runs on every message.)
    """
    row = {
        "msg_id": delivery.msg_id,
        "dedupe_key": delivery.dedupe_key,
        "openid": delivery.openid,
        "msg_type": delivery.msg_type,
        "event": delivery.event,
        "content": delivery.content,
        "raw_xml": delivery.raw_xml,
        "status": InboundStatus.RECEIVED,
        "received_at": now,
    }
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(InboundMessage).on_conflict_do_nothing().returning(InboundMessage.id)
    return session.execute(statement, row).scalar_one_or_none()


def is_rate_limited(
    session: Session, openid: str, inbound_id: int, *, now: datetime, window_seconds: int, limit: int
) -> bool:
    """Whether ``openid`` already sent ``limit`` other messages in the last ``window_seconds``."""
    count = session.scalar(
        select(func.count(InboundMessage.id)).where(
            InboundMessage.openid == openid,
            InboundMessage.received_at >= now - timedelta(seconds=window_seconds),
            InboundMessage.id != inbound_id,
        )
    )
    return int(count or 0) >= limit


def finish(
    session: Session,
    inbound_id: int,
    *,
    reply: str,
    status: InboundStatus,
    error: str | None,
    now: datetime,
) -> None:
    """Record how the message was handled and the reply XML a retry of it gets."""
    session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == inbound_id)
        .values(reply=reply, status=status, error=error, processed_at=now)
    )


def stored_reply(session: Session, dedupe_key: str) -> tuple[bool, str | None]:
    """(is the delivery stored, its reply XML if it has one yet)."""
    row = session.execute(select(InboundMessage.reply).where(InboundMessage.dedupe_key == dedupe_key)).first()
    return (row is not None, row[0] if row is not None else None)


def last_user_action_at(session: Session, openid: str) -> datetime | None:
    """When ``openid`` last wrote or acted (a message, a menu click, following): the window's opening."""
    return session.scalar(
        select(func.max(InboundMessage.received_at)).where(
            InboundMessage.openid == openid,
            or_(InboundMessage.msg_type != "event", func.lower(InboundMessage.event).in_(USER_ACTION_EVENTS)),
        )
    )
