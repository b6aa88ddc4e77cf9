"""The programme's own management (seed chapters 4–5): monthly reports, evaluations, pilot selection.

Each record belongs to exactly one organisation: a society or a local association.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin, str_enum
from models.enums import EvaluationGrade, PilotStatus, ReportStatus

_ONE_ORG = "(society_id IS NULL) <> (local_association_id IS NULL)"


class ProgressReport(TimestampMixin, Base):
    """Monthly report of last month's progress (seed art. 14), owed by every participating unit.

    Zhuli pre-fills the figures (``stats``, computed at ``computed_at`` from the unit's scope); the
    unit may correct one only with a reason (``corrections``: ``{figure: {"value", "reason", "by",
    "at"}}``), so the computed value is never lost. Moves: see :mod:`program.reports`. A row written
    without a status (historic reports imported or loaded as demo data) is an accepted one.
    """

    __tablename__ = "progress_reports"
    __table_args__ = (
        CheckConstraint(_ONE_ORG, name="one_org"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
        UniqueConstraint("society_id", "year", "month"),
        UniqueConstraint("local_association_id", "year", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    society_id: Mapped[int | None] = mapped_column(ForeignKey("societies.id"))
    local_association_id: Mapped[int | None] = mapped_column(ForeignKey("local_associations.id"))
    year: Mapped[int]
    month: Mapped[int]
    """The reported month (the previous calendar month at submission)."""
    summary: Mapped[str] = mapped_column(Text)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The figures Zhuli computed for the unit's scope and month (see :data:`program.figures.FIGURES`)."""
    corrections: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    status: Mapped[ReportStatus] = mapped_column(
        str_enum(ReportStatus, "report_status"), server_default=ReportStatus.ACCEPTED.value, index=True
    )
    computed_at: Mapped[datetime | None]
    submitted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    """The latest submission (None while a draft never submitted)."""
    first_submitted_at: Mapped[datetime | None]
    """The first submission: what punctuality is judged by."""
    reviewed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    review_reason: Mapped[str | None] = mapped_column(Text)
    """Why the center returned it (kept after a resubmission until the next review)."""
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}


class Evaluation(TimestampMixin, Base):
    """Annual performance evaluation (seed arts. 15–18)."""

    __tablename__ = "evaluations"
    __table_args__ = (
        CheckConstraint(_ONE_ORG, name="one_org"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        UniqueConstraint("society_id", "year"),
        UniqueConstraint("local_association_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    society_id: Mapped[int | None] = mapped_column(ForeignKey("societies.id"))
    local_association_id: Mapped[int | None] = mapped_column(ForeignKey("local_associations.id"))
    year: Mapped[int]
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    grade: Mapped[EvaluationGrade] = mapped_column(str_enum(EvaluationGrade, "evaluation_grade"))
    comments: Mapped[str] = mapped_column(Text, default="")
    evaluated_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rectification_due: Mapped[date | None]
    """Three months after the result when problems were found (art. 17)."""
    rectified_at: Mapped[datetime | None]


class PilotApplication(TimestampMixin, Base):
    """An application to become a pilot society or demonstration area (seed arts. 12–13)."""

    __tablename__ = "pilot_applications"
    __table_args__ = (
        CheckConstraint(_ONE_ORG, name="one_org"),
        UniqueConstraint("society_id", "year"),
        UniqueConstraint("local_association_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    society_id: Mapped[int | None] = mapped_column(ForeignKey("societies.id"))
    local_association_id: Mapped[int | None] = mapped_column(ForeignKey("local_associations.id"))
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    application_letter: Mapped[str] = mapped_column(Text, default="")
    industry_demands: Mapped[str] = mapped_column(Text, default="")
    work_plan: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[PilotStatus] = mapped_column(str_enum(PilotStatus, "pilot_status"), default=PilotStatus.SUBMITTED)
    review_note: Mapped[str | None] = mapped_column(Text)
    """The provincial center's format-review opinion (the reasons, when it returned the application)."""
    decided_at: Mapped[datetime | None]
    # Structured fields of the online application (program/pilots.py; the materials are PilotFile rows).
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    key_industries: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Key industries the county (or the society's field) asks support for."""
    government_opinion: Mapped[str] = mapped_column(Text, default="")
    """County: the opinion of the county party committee / government on the application (art. 12)."""
    city_review: Mapped[str] = mapped_column(Text, default="")
    """County: the city association's review and recommendation (art. 12)."""
    submitted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None]
    """When it was (last) submitted; a returned application that is corrected is submitted again."""
    reviewed_at: Mapped[datetime | None]
    recommendation_note: Mapped[str | None] = mapped_column(Text)
    """The department's (学会学术部) recommendation after its discussion (art. 13)."""
    recommended_at: Mapped[datetime | None]
    meeting_date: Mapped[date | None]
    """The chairman's office meeting (主席办公会议) that decided, and its number."""
    meeting_number: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None]
    """When the result went on the public list (the application's year is published at once)."""
