"""The pilot selection's own records (seed arts. 12–13): uploaded materials and the experts' field surveys."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, str_enum, utcnow


class PilotMaterial(enum.StrEnum):
    """The materials art. 12 asks for: a county's three, a society's three."""

    RECOMMENDATION_LETTER = "recommendation_letter"  # 申报推荐函（县）
    INDUSTRY_DEMANDS = "industry_demands"  # 产业需求（县）
    APPLICATION_LETTER = "application_letter"  # 申报函（学会）
    ENTERPRISE_DEMANDS = "enterprise_demands"  # 企业需求（学会）
    WORK_PLAN = "work_plan"  # 工作方案（两者）


class PilotFile(Base):
    """One uploaded material file. Every upload is kept (a replaced file stays, the newest one counts)."""

    __tablename__ = "pilot_files"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("pilot_applications.id", ondelete="CASCADE"), index=True)
    material: Mapped[PilotMaterial] = mapped_column(str_enum(PilotMaterial, "pilot_material"))
    filename: Mapped[str] = mapped_column(String(200))
    """The name the applicant's file had (shown, never used as a path)."""
    file_type: Mapped[str] = mapped_column(String(8))
    """What the content is (pdf, docx, xlsx, jpg, png), from its magic bytes."""
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_as: Mapped[str] = mapped_column(String(200))
    """Path under the data folder (``pilot-files/<application id>/<random>.<type>``)."""
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class PilotSurvey(Base):
    """An expert's field survey of a demonstration-area application: the feedback form of art. 13."""

    __tablename__ = "pilot_surveys"
    __table_args__ = (
        UniqueConstraint("application_id", "expert_user_id"),
        CheckConstraint(
            "(submitted_at IS NULL) OR (layout_score BETWEEN 1 AND 5 AND demand_score BETWEEN 1 AND 5"
            " AND effect_score BETWEEN 1 AND 5 AND foundation_score BETWEEN 1 AND 5)",
            name="scores_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("pilot_applications.id", ondelete="CASCADE"), index=True)
    expert_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    layout_score: Mapped[int | None]
    """地域布局合理 (1–5)."""
    demand_score: Mapped[int | None]
    """产业需求集中 (1–5)."""
    effect_score: Mapped[int | None]
    """示范效应显著 (1–5)."""
    foundation_score: Mapped[int | None]
    """工作基础良好 (1–5)."""
    comments: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None]
