"""Experts, their works and society memberships; the embedding cache and the profile change log."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, str_enum, utcnow
from models.enums import ProfileChangeKind, WorkKind

if TYPE_CHECKING:
    from models.organizations import Society
    from models.region import Region


class Expert(TimestampMixin, Base):
    __tablename__ = "experts"
    __table_args__ = (CheckConstraint("capacity >= 0", name="capacity_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    """Natural key used by imports (the source system's id)."""
    name: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(64), default="")
    """Professional title (职称), e.g. 教授级高级工程师."""
    employer: Mapped[str] = mapped_column(String(128), default="")
    department: Mapped[str] = mapped_column(String(128), default="")
    fields: Mapped[str] = mapped_column(Text, default="")
    """Research fields, free text (研究领域)."""
    bio: Mapped[str] = mapped_column(Text, default="")
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    capacity: Mapped[int] = mapped_column(Integer, default=3)
    """How many dockings the expert can serve at once."""
    email: Mapped[str | None] = mapped_column(String(128))
    phone: Mapped[str | None] = mapped_column(String(32))
    is_active: Mapped[bool] = mapped_column(default=True)

    region: Mapped[Region | None] = relationship(lazy="raise")
    works: Mapped[list[ExpertWork]] = relationship(
        back_populates="expert", lazy="raise", cascade="all, delete-orphan", order_by="ExpertWork.id"
    )
    memberships: Mapped[list[SocietyMembership]] = relationship(
        back_populates="expert", lazy="raise", cascade="all, delete-orphan"
    )


class ExpertWork(Base):
    """A paper, patent, project or award in an expert's track record."""

    __tablename__ = "expert_works"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[WorkKind] = mapped_column(str_enum(WorkKind, "work_kind"), default=WorkKind.PAPER)
    title: Mapped[str] = mapped_column(String(512))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    abstract: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None]

    expert: Mapped[Expert] = relationship(back_populates="works", lazy="raise")


class SocietyMembership(Base):
    __tablename__ = "society_memberships"

    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True)
    society_id: Mapped[int] = mapped_column(
        ForeignKey("societies.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[str] = mapped_column(String(32), default="会员")
    """会员 / 理事 / 常务理事 / 专委会主任 …"""

    expert: Mapped[Expert] = relationship(back_populates="memberships", lazy="raise")
    society: Mapped[Society] = relationship(back_populates="memberships", lazy="raise")


class EmbeddingCache(Base):
    """Content-addressed vectors: a text is encoded once per model, whatever entity it belongs to."""

    __tablename__ = "embedding_cache"
    __table_args__ = (UniqueConstraint("model", "text_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(200))
    text_hash: Mapped[str] = mapped_column(String(64))
    dim: Mapped[int]
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProfileChange(Base):
    """Append-only log of profile changes; its max id is the watermark the FAISS index follows."""

    __tablename__ = "profile_changes"
    __table_args__ = (CheckConstraint("kind IN ('expert', 'society')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ProfileChangeKind] = mapped_column(
        # The CHECK above predates the enum; a plain VARCHAR(16) keeps the schema as migrated.
        Enum(
            ProfileChangeKind,
            native_enum=False,
            create_constraint=False,
            length=16,
            values_callable=lambda cls: [m.value for m in cls],
        )
    )
    ref_id: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utcnow)
