"""Every query of the webhook on :class:`~models.InboundMessage`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.protocol.messages import ParsedMessage
from models import InboundMessage, InboundStatus


def insert_inbound(session: Session, message: ParsedMessage, now: datetime) -> int | None:
    """Store ``message``; its id, or None when a delivery with the same key is stored already.

    ``INSERT … ON CONFLICT DO NOTHING RETURNING id`` on the unique keys: on PostgreSQL a concurrent
    insert of the same key waits until the other transaction ends (then finds its row); on SQLite
    writers queue anyway. (A single-row statement with bound parameters, compiled once per process —
    this runs on every message.)
    """
    row = {
        "msg_id": message.msg_id,
        "dedupe_key": message.dedupe_key,
        "openid": message.openid,
        "msg_type": message.msg_type,
        "event": message.event,
        "content": message.content,
        "raw_xml": message.raw_xml,
        "status": InboundStatus.RECEIVED,
        "received_at": now,
    }
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(InboundMessage).on_conflict_do_nothing().returning(InboundMessage.id)
    return session.execute(statement, row).scalar_one_or_none()


def recent_count(session: Session, openid: str, *, since: datetime, excluding: int) -> int:
    """How many messages ``openid`` sent since ``since`` (rate limit), not counting ``excluding``."""
    count = session.scalar(
        select(func.count(InboundMessage.id)).where(
            InboundMessage.openid == openid, InboundMessage.received_at >= since, InboundMessage.id != excluding
        )
    )
    return int(count or 0)


def finish(
    session: Session,
    inbound_id: int,
    *,
    reply: str,
    status: InboundStatus,
    error: str | None,
    now: datetime,
) -> None:
    session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == inbound_id)
        .values(reply=reply, status=status, error=error, processed_at=now)
    )


def stored_reply(session: Session, dedupe_key: str) -> tuple[bool, str | None]:
    """(is the delivery stored, its reply XML if it has one yet)."""
    row = session.execute(select(InboundMessage.reply).where(InboundMessage.dedupe_key == dedupe_key)).first()
    return (row is not None, row[0] if row is not None else None)
