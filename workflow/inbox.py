"""A user's notification inbox: the ``console`` outbox rows addressed to them (console and REST API).

The rows are written by :mod:`workflow.notify` with the change that causes them; the inbox shows them
at once (the console channel's delivery only records that they reached it). Reading marks them read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from accounts import Actor
from core import clock
from core.errors import PermissionDenied
from models import Notification, NotificationChannel


class InboxItem(BaseModel):
    id: int
    kind: str
    title: str
    text: str
    link: str | None
    demand_id: int | None
    created_at: datetime
    read_at: datetime | None


class InboxPage(BaseModel):
    items: list[InboxItem]
    total: int
    unread: int
    page: int
    size: int


def _mine(actor: Actor) -> Any:
    if actor.user_id is None:
        raise PermissionDenied("系统身份没有消息收件箱")
    return (Notification.recipient_user_id == actor.user_id) & (Notification.channel == NotificationChannel.CONSOLE)


def unread_count(session: Session, actor: Actor) -> int:
    mine = _mine(actor)
    return int(session.scalar(select(func.count(Notification.id)).where(mine, Notification.read_at.is_(None))) or 0)


def inbox(session: Session, actor: Actor, *, page: int = 1, size: int = 20, unread_only: bool = False) -> InboxPage:
    """The actor's messages, newest first, one page of them."""
    mine = _mine(actor)
    condition = mine & Notification.read_at.is_(None) if unread_only else mine
    total = int(session.scalar(select(func.count(Notification.id)).where(condition)) or 0)
    rows = session.scalars(
        select(Notification)
        .where(condition)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((max(page, 1) - 1) * size)
        .limit(size)
    )
    items = [
        InboxItem(
            id=n.id,
            kind=n.kind,
            title=str(n.payload.get("title") or n.kind),
            text=str(n.payload.get("text") or ""),
            link=n.payload.get("link") or None,
            demand_id=n.demand_id,
            created_at=n.created_at,
            read_at=n.read_at,
        )
        for n in rows
    ]
    return InboxPage(items=items, total=total, unread=unread_count(session, actor), page=page, size=size)


def mark_read(
    session: Session, actor: Actor, notification_ids: list[int] | None = None, *, now: datetime | None = None
) -> int:
    """Mark the actor's messages read (``None``: all of them); ids of other users' messages change nothing."""
    condition = _mine(actor) & Notification.read_at.is_(None)
    if notification_ids is not None:
        condition = condition & Notification.id.in_(notification_ids)
    result = session.execute(
        update(Notification)
        .where(condition)
        .values(read_at=now or clock.now())
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)
