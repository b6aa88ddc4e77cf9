from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin, str_enum, utcnow
from models.enums import Role


class User(TimestampMixin, Base):
    """A person who acts in Zhuli; ``role`` plus one scope column says what they may touch."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role <> 'local_association' OR region_code IS NOT NULL", name="la_has_region"),
        CheckConstraint("role <> 'society' OR society_id IS NOT NULL", name="society_has_society"),
        CheckConstraint("role <> 'enterprise' OR enterprise_id IS NOT NULL", name="enterprise_has_enterprise"),
        CheckConstraint("role <> 'expert' OR expert_id IS NOT NULL", name="expert_has_expert"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    society_id: Mapped[int | None] = mapped_column(ForeignKey("societies.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id"))
    wechat_openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    is_active: Mapped[bool] = mapped_column(default=True)


class LoginFailure(Base):
    """One failed password login; recent rows lock a username or a client for a while (all processes)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client_key: Mapped[str | None] = mapped_column(String(64), index=True)
    """Where the attempt came from (e.g. the client's IP address), when the caller knows it."""
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
