from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_enum
from models.enums import RegionLevel


class Region(Base):
    """A Fujian administrative division with its official 6-digit code (GB/T 2260)."""

    __tablename__ = "regions"
    __table_args__ = (
        CheckConstraint("length(code) = 6", name="code_length"),
        CheckConstraint("(level = 'province') = (parent_code IS NULL)", name="parent_by_level"),
    )

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(128))
    level: Mapped[RegionLevel] = mapped_column(str_enum(RegionLevel, "region_level"))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    is_demonstration: Mapped[bool] = mapped_column(default=False)
    """A demonstration county/district (示范县区) of the project."""
    demonstration_since: Mapped[date | None]
    """The Beijing day the county was selected as a demonstration area (None: from before selections
    were recorded)."""
    is_special_zone: Mapped[bool] = mapped_column(default=False)
    """Pingtan Comprehensive Experimental Zone: county-level by code, city-level in the programme."""

    parent: Mapped[Region | None] = relationship(remote_side="Region.code", lazy="raise")
