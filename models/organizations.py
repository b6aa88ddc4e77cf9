"""The organisations of the programme: societies, local associations, their stations, enterprises."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin

if TYPE_CHECKING:
    from models.experts import SocietyMembership
    from models.region import Region


class Society(TimestampMixin, Base):
    """A provincial society (省级学会)."""

    __tablename__ = "societies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    discipline: Mapped[str] = mapped_column(String(64), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    industries: Mapped[list[str]] = mapped_column(JSON, default=list)
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    is_pilot: Mapped[bool] = mapped_column(default=False)
    pilot_since: Mapped[date | None]
    """The Beijing day the society was selected as a pilot (None: a pilot from before selections were
    recorded, owing reports as far back as they are looked at)."""
    is_active: Mapped[bool] = mapped_column(default=True)

    memberships: Mapped[list[SocietyMembership]] = relationship(back_populates="society", lazy="raise")
    stations: Mapped[list[ServiceStation]] = relationship(back_populates="society", lazy="raise")


class LocalAssociation(TimestampMixin, Base):
    """A city or county association of science and technology (地方科协)."""

    __tablename__ = "local_associations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), unique=True)
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(32))

    region: Mapped[Region] = relationship(lazy="raise")


class ServiceStation(TimestampMixin, Base):
    """A society's service station in a region (学会服务站)."""

    __tablename__ = "service_stations"
    __table_args__ = (UniqueConstraint("society_id", "region_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    society_id: Mapped[int] = mapped_column(ForeignKey("societies.id", ondelete="CASCADE"))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    established_on: Mapped[date | None]

    society: Mapped[Society] = relationship(back_populates="stations", lazy="raise")
    region: Mapped[Region] = relationship(lazy="raise")


class Enterprise(TimestampMixin, Base):
    """An enterprise, or a local government body raising demands like one (``is_government``)."""

    __tablename__ = "enterprises"
    __table_args__ = (CheckConstraint("length(credit_code) = 18", name="credit_code_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    """Unified social credit code (统一社会信用代码), check digit verified by the service."""
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    industry: Mapped[str] = mapped_column(String(64), default="")
    address: Mapped[str | None] = mapped_column(String(256))
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_government: Mapped[bool] = mapped_column(default=False)
    verified_at: Mapped[datetime | None]

    region: Mapped[Region] = relationship(lazy="raise")
