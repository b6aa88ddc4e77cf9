"""What arrives from WeChat, and the per-user dialogue state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin, str_enum, utcnow
from models.enums import InboundStatus


class InboundMessage(Base):
    """Every message or event the platform delivered, stored before it is handled.

    ``msg_id`` is unique so the platform's retries of a message are recognised across processes;
    events carry no MsgId and are keyed by ``dedupe_key`` (openid + CreateTime + event).
    """

    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    msg_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)
    msg_type: Mapped[str] = mapped_column(String(32))
    event: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[str | None] = mapped_column(Text)
    raw_xml: Mapped[str] = mapped_column(Text)
    status: Mapped[InboundStatus] = mapped_column(
        str_enum(InboundStatus, "inbound_status"), default=InboundStatus.RECEIVED
    )
    error: Mapped[str | None] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)
    """The reply XML (before encryption) given to the first delivery; a retry of the message gets it again."""
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]


class Conversation(TimestampMixin, Base):
    """Slot-filling state of one WeChat user's dialogue with the bot."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(32), default="idle")
    slots: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime | None]
    window_opened_at: Mapped[datetime | None]
    """Start of the 48 h customer-service window opened by the user's last message."""
    pushes_in_window: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class WeChatToken(Base):
    """The Official Account's access token, shared by every process (each fetch invalidates the last)."""

    __tablename__ = "wechat_tokens"

    app_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    access_token: Mapped[str] = mapped_column(String(512))
    expires_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
