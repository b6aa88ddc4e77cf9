"""Demands and the docking workflow: offers to societies, the docking and its expert team."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, str_enum, utcnow
from models.enums import DemandCategory, DemandSource, DemandStatus, DockingStatus, OfferStatus

if TYPE_CHECKING:
    from models.experts import Expert
    from models.organizations import Enterprise, Society
    from models.region import Region


class Demand(TimestampMixin, Base):
    __tablename__ = "demands"
    __table_args__ = (
        CheckConstraint("budget_min IS NULL OR budget_max IS NULL OR budget_min <= budget_max", name="budget_range"),
        CheckConstraint("status = 'draft' OR category IS NOT NULL", name="category_after_draft"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    expected_outcome: Mapped[str | None] = mapped_column(Text)
    """What the enterprise hopes to achieve (期望效果)."""
    category: Mapped[DemandCategory | None] = mapped_column(str_enum(DemandCategory, "demand_category"))
    industry: Mapped[str] = mapped_column(String(64), default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    budget_min: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    budget_max: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    budget_negotiable: Mapped[bool] = mapped_column(default=False)
    """面议: the enterprise names no amount."""
    deadline: Mapped[date | None]
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[DemandStatus] = mapped_column(
        str_enum(DemandStatus, "demand_status"), default=DemandStatus.DRAFT, index=True
    )
    source: Mapped[DemandSource] = mapped_column(str_enum(DemandSource, "demand_source"))
    is_government: Mapped[bool] = mapped_column(default=False)
    """Raised by a local government (seed art. 7): strategic or industry-wide."""
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    contact_email: Mapped[str | None] = mapped_column(String(128))
    """Contact details pulled out of the free text; shown to a society only after docking."""
    private_details: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    """Everything else the PII extractor found (more phones, WeChat/QQ ids, ID numbers), kept private."""
    status_reason: Mapped[str | None] = mapped_column(Text)
    submitted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None]
    status_changed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    enterprise: Mapped[Enterprise] = relationship(lazy="raise")
    region: Mapped[Region] = relationship(lazy="raise")
    offers: Mapped[list[Offer]] = relationship(back_populates="demand", lazy="raise", order_by="Offer.rank")


class Offer(TimestampMixin, Base):
    """A match suggestion sent to a society for a demand."""

    __tablename__ = "offers"
    __table_args__ = (
        UniqueConstraint("demand_id", "society_id"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    society_id: Mapped[int] = mapped_column(ForeignKey("societies.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    score_parts: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    proposed_expert_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[OfferStatus] = mapped_column(
        str_enum(OfferStatus, "offer_status"), default=OfferStatus.PENDING, index=True
    )
    deadline_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]
    response_note: Mapped[str | None] = mapped_column(Text)

    demand: Mapped[Demand] = relationship(back_populates="offers", lazy="raise")
    society: Mapped[Society] = relationship(lazy="raise")


class Docking(TimestampMixin, Base):
    """The cooperation between a demand's enterprise and a society's expert team."""

    __tablename__ = "dockings"
    __table_args__ = (
        CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name="rating_range"),
        CheckConstraint("agreement_amount IS NULL OR agreement_amount >= 0", name="amount_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), unique=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), unique=True)
    society_id: Mapped[int] = mapped_column(ForeignKey("societies.id"), index=True)
    status: Mapped[DockingStatus] = mapped_column(
        str_enum(DockingStatus, "docking_status"), default=DockingStatus.PROPOSED
    )
    confirmed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]
    agreement_signed_on: Mapped[date | None]
    agreement_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    outcome: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None]
    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]

    demand: Mapped[Demand] = relationship(lazy="raise")
    society: Mapped[Society] = relationship(lazy="raise")
    team: Mapped[list[DockingExpert]] = relationship(
        back_populates="docking", lazy="raise", cascade="all, delete-orphan"
    )


class DockingExpert(Base):
    __tablename__ = "docking_experts"
    __table_args__ = (CheckConstraint("role IN ('leader', 'member')", name="role_known"),)

    docking_id: Mapped[int] = mapped_column(ForeignKey("dockings.id", ondelete="CASCADE"), primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16), default="member")

    docking: Mapped[Docking] = relationship(back_populates="team", lazy="raise")
    expert: Mapped[Expert] = relationship(lazy="raise")


class DemandMatch(Base):
    """The match suggestions computed for one submission of a demand (the screening view and offers use them).

    Kept beside the demand, not on it: the match job must not race with transitions on the demand's
    versioned row. The newest row of a demand is its current snapshot.
    """

    __tablename__ = "demand_matches"
    __table_args__ = (UniqueConstraint("demand_id", "submission_event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    submission_event_id: Mapped[int] = mapped_column(Integer)
    """The AuditEvent of the submission (or supplement) that asked for this match."""
    model: Mapped[str] = mapped_column(String(200))
    index_watermark: Mapped[int] = mapped_column(Integer)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    """A :class:`matching.schemas.MatchResult`, dumped as JSON."""
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
