"""Stored first results of requests that carried an ``Idempotency-Key``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class IdempotencyKey(Base):
    """One client key: the request it first came with (fingerprint) and the response it got.

    Written in the same transaction as the request's own effects, so either both are stored or
    neither is. ``principal`` is who sent it (``user:<id>`` or ``anonymous``): keys of different
    users never meet. The unique constraint is what resolves two concurrent repeats.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("principal", "key", "method", "path", name="uq_idempotency_keys_request"),
        Index("ix_idempotency_keys_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    principal: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(512))
    """The request path (a digest of it when longer: ``core.idempotency.stored_path``)."""
    fingerprint: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the request content (canonical JSON, or the parsed form, or the raw body)."""
    status_code: Mapped[int | None] = mapped_column(Integer)
    """None while the request that reserved the key is running (only inside its own transaction)."""
    content_type: Mapped[str | None] = mapped_column(String(128))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
