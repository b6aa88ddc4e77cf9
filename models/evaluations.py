"""Performance evaluation rounds, rectification and disqualification (seed arts. 15–18).

A round covers a period and has the indicator set the department configures; each evaluated unit
(a pilot society or a demonstration area's local association) gets one result per round, with the
computed indicator values and the reviewers' scores behind it. A published result with problems owes a
rectification report within three months (art. 17); an unqualified pilot loses its qualification by a
formal decision (art. 18). The annual :class:`~models.Evaluation` rows (imported history) stay as they are.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin, str_enum, utcnow
from models.enums import EvaluationGrade

_ONE_ORG = "(society_id IS NULL) <> (local_association_id IS NULL)"


class RoundStatus(enum.StrEnum):
    OPEN = "open"  # indicators configured, values computed, reviewers scoring
    PUBLISHED = "published"  # results final and fed back to the units


class IndicatorSource(enum.StrEnum):
    COMPUTED = "computed"  # from Zhuli's own data (``metric`` names which figure)
    ENTERED = "entered"  # scored by the round's reviewers


class RectificationStatus(enum.StrEnum):
    PENDING = "pending"  # owed by the unit
    SUBMITTED = "submitted"  # waiting for the center
    RETURNED = "returned"  # the center asked for more; owed again
    ACCEPTED = "accepted"


class EvaluationRound(TimestampMixin, Base):
    __tablename__ = "evaluation_rounds"
    __table_args__ = (CheckConstraint("period_start <= period_end", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    period_start: Mapped[date]
    period_end: Mapped[date]
    status: Mapped[RoundStatus] = mapped_column(str_enum(RoundStatus, "round_status"), default=RoundStatus.OPEN)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    computed_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    published_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class EvaluationIndicator(Base):
    __tablename__ = "evaluation_indicators"
    __table_args__ = (
        UniqueConstraint("round_id", "name"),
        CheckConstraint("weight > 0 AND weight <= 100", name="weight_range"),
        CheckConstraint("(source = 'computed') = (metric IS NOT NULL)", name="metric_iff_computed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_rounds.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(40))
    weight: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    source: Mapped[IndicatorSource] = mapped_column(str_enum(IndicatorSource, "indicator_source"))
    metric: Mapped[str | None] = mapped_column(String(32))


class EvaluationReviewer(Base):
    """A user the department entrusted with scoring a round's entered indicators."""

    __tablename__ = "evaluation_reviewers"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_rounds.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class EvaluationResult(TimestampMixin, Base):
    __tablename__ = "evaluation_results"
    __table_args__ = (
        CheckConstraint(_ONE_ORG, name="one_org"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
        UniqueConstraint("round_id", "society_id"),
        UniqueConstraint("round_id", "local_association_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_rounds.id", ondelete="CASCADE"), index=True)
    society_id: Mapped[int | None] = mapped_column(ForeignKey("societies.id"), index=True)
    local_association_id: Mapped[int | None] = mapped_column(ForeignKey("local_associations.id"), index=True)
    computed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """``{indicator id: {"value": figure or None, "score": 0–100, "detail": text}}`` of computed indicators."""
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    grade: Mapped[EvaluationGrade | None] = mapped_column(str_enum(EvaluationGrade, "evaluation_result_grade"))
    comments: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None]


class EvaluationScore(Base):
    """One reviewer's score (0–100) of one entered indicator for one unit."""

    __tablename__ = "evaluation_scores"
    __table_args__ = (
        UniqueConstraint("result_id", "indicator_id", "reviewer_user_id"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("evaluation_results.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("evaluation_indicators.id", ondelete="CASCADE"))
    reviewer_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    comment: Mapped[str] = mapped_column(Text, default="")
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)


class Rectification(TimestampMixin, Base):
    """The rectification a published result with problems owes (art. 17)."""

    __tablename__ = "rectifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("evaluation_results.id", ondelete="CASCADE"), unique=True)
    due_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[RectificationStatus] = mapped_column(
        str_enum(RectificationStatus, "rectification_status"), default=RectificationStatus.PENDING
    )
    report: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None]
    submitted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    reviewed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_note: Mapped[str | None] = mapped_column(Text)


class Disqualification(Base):
    """The formal decision that takes a pilot's qualification away (art. 18)."""

    __tablename__ = "disqualifications"
    __table_args__ = (CheckConstraint(_ONE_ORG, name="one_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    society_id: Mapped[int | None] = mapped_column(ForeignKey("societies.id"), index=True)
    local_association_id: Mapped[int | None] = mapped_column(ForeignKey("local_associations.id"), index=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("evaluation_results.id"), unique=True)
    document_no: Mapped[str] = mapped_column(String(60))
    document_date: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
