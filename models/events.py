"""The audit trail and the notification outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, str_enum, utcnow
from models.enums import NotificationChannel, NotificationStatus, Role


class AuditEvent(Base):
    """One state change or noteworthy action, written in the transaction that made it."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int]
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    """The demand the event belongs to (its own, its offers' and its docking's events): the timeline."""
    action: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[Role] = mapped_column(str_enum(Role, "actor_role"))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Notification(Base):
    """Transactional outbox: enqueued with the change that causes it, delivered by a worker."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_due", "status", "next_attempt_at"),
        Index("ix_notifications_pushes", "recipient_openid", "delivered_channel", "sent_at"),
    )
    """``ix_notifications_pushes``: the customer-service messages sent to one WeChat user in a window."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    recipient_openid: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[NotificationChannel] = mapped_column(str_enum(NotificationChannel, "notification_channel"))
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demands.id", ondelete="SET NULL"), index=True)
    status: Mapped[NotificationStatus] = mapped_column(
        str_enum(NotificationStatus, "notification_status"), default=NotificationStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_by: Mapped[str | None] = mapped_column(String(64))
    locked_until: Mapped[datetime | None]
    """Lease of the worker delivering it; a row whose lease ran out is claimed again."""
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_channel: Mapped[NotificationChannel | None] = mapped_column(
        str_enum(NotificationChannel, "delivered_channel")
    )
    """The channel that finally carried it (e.g. a template message after the customer-service window closed)."""
    external_id: Mapped[str | None] = mapped_column(String(64))
    """The platform's id of the sent message (WeChat ``msgid``), when it gives one."""
    outcomes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """Every delivery attempt: ``{"at", "channel", "result", "code", "detail"}``."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]
