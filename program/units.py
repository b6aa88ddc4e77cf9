"""The programme's participating units: pilot societies (``Society.is_pilot``) and the local
associations of demonstration areas (``Region.is_demonstration``).

A unit is the party that owes monthly reports (for the months that begin on or after the day it was
selected, :meth:`Unit.owes`; a unit from before selections were recorded owes every month looked at),
is evaluated and may be disqualified. Its scope over demands is the workflow's
(:func:`workflow.scopes.demand_visibility` for an actor of the unit), never a second copy of the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core.errors import PermissionDenied
from models import Evaluation, LocalAssociation, PilotApplication, ProgressReport, Region, Role, Society, User
from program.periods import Month
from workflow.scopes import EVERYWHERE


class UnitKind(StrEnum):
    SOCIETY = "society"
    LOCAL = "local"


UNIT_KIND_LABELS = {UnitKind.SOCIETY: "试点学会", UnitKind.LOCAL: "示范区科协"}


@dataclass(frozen=True, slots=True)
class Unit:
    kind: UnitKind
    id: int
    """``Society.id`` or ``LocalAssociation.id``."""
    name: str
    region_code: str | None = None
    """The local association's region (None for a society)."""
    since: date | None = field(default=None, compare=False)
    """The Beijing day the unit started participating (None: before selections were recorded)."""

    def owes(self, month: Month) -> bool:
        """Whether the unit owes a report on ``month``: one that begins on or after the day it started."""
        return self.since is None or date(month.year, month.month, 1) >= self.since

    @property
    def key(self) -> str:
        """Short stable name for dedupe keys and form values: ``s12`` / ``l3``."""
        return f"{'s' if self.kind is UnitKind.SOCIETY else 'l'}{self.id}"

    @property
    def kind_label(self) -> str:
        return UNIT_KIND_LABELS[self.kind]

    @property
    def society_id(self) -> int | None:
        return self.id if self.kind is UnitKind.SOCIETY else None

    @property
    def local_association_id(self) -> int | None:
        return self.id if self.kind is UnitKind.LOCAL else None

    def scope_actor(self) -> Actor:
        """An actor of the unit: what it sees is what its figures count."""
        if self.kind is UnitKind.SOCIETY:
            return Actor(user_id=None, role=Role.SOCIETY, display_name=self.name, society_id=self.id)
        return Actor(user_id=None, role=Role.LOCAL_ASSOCIATION, display_name=self.name, region_code=self.region_code)


def _society(row: Society) -> Unit:
    return Unit(UnitKind.SOCIETY, row.id, row.name, since=row.pilot_since)


def _local(row: LocalAssociation, region: Region | None) -> Unit:
    since = region.demonstration_since if region is not None else None
    return Unit(UnitKind.LOCAL, row.id, row.name, row.region_code, since=since)


def participating_units(session: Session) -> list[Unit]:
    """Every unit that owes reports now: active pilot societies, then demonstration areas' associations."""
    societies = session.scalars(
        select(Society).where(Society.is_pilot, Society.is_active).order_by(Society.code, Society.id)
    ).all()
    locals_ = session.execute(
        select(LocalAssociation, Region)
        .join(Region, Region.code == LocalAssociation.region_code)
        .where(Region.is_demonstration)
        .order_by(LocalAssociation.region_code)
    ).all()
    return [_society(s) for s in societies] + [_local(la, region) for la, region in locals_]


def unit_by_ids(session: Session, society_id: int | None, local_association_id: int | None) -> Unit:
    """The unit a record belongs to (exactly one of the two ids is set)."""
    if society_id is not None:
        society = session.get(Society, society_id)
        assert society is not None
        return _society(society)
    assert local_association_id is not None
    la = session.get(LocalAssociation, local_association_id)
    assert la is not None
    return _local(la, session.get(Region, la.region_code))


def unit_of_actor(session: Session, actor: Actor) -> Unit | None:
    """The unit a society or local-association user acts for (None for other roles or a county/city
    without an association row)."""
    if actor.role is Role.SOCIETY and actor.society_id is not None:
        society = session.get(Society, actor.society_id)
        return _society(society) if society is not None else None
    if actor.role is Role.LOCAL_ASSOCIATION and actor.region_code is not None:
        la = session.scalar(select(LocalAssociation).where(LocalAssociation.region_code == actor.region_code))
        return _local(la, session.get(Region, la.region_code)) if la is not None else None
    return None


def is_participating(session: Session, unit: Unit) -> bool:
    if unit.kind is UnitKind.SOCIETY:
        society = session.get(Society, unit.id)
        return society is not None and society.is_pilot and society.is_active
    region = session.get(Region, unit.region_code) if unit.region_code else None
    return region is not None and region.is_demonstration


def require_unit(session: Session, actor: Actor) -> Unit:
    """The participating unit ``actor`` acts for; PermissionDenied for anyone else."""
    unit = unit_of_actor(session, actor)
    if unit is None or not is_participating(session, unit):
        raise PermissionDenied("仅试点学会和示范区科协报送月度进展，本账号所属单位不在其列")
    return unit


UnitRecord = type[ProgressReport] | type[Evaluation] | type[PilotApplication]
"""A model whose rows belong to one unit."""


def record_visibility(session: Session, actor: Actor, model: UnitRecord) -> ColumnElement[bool]:
    """A SQL condition on ``model`` selecting the records ``actor`` may see: a unit its own, the
    center, the department and the system all, anyone else none."""
    if actor.role in EVERYWHERE:
        return true()
    unit = unit_of_actor(session, actor)
    if unit is None:
        return false()
    if unit.kind is UnitKind.SOCIETY:
        return model.society_id == unit.id
    return model.local_association_id == unit.id


def unit_recipients(session: Session, unit: Unit) -> list[User]:
    """The unit's active staff: the society's users, or the association's (its own region only)."""
    if unit.kind is UnitKind.SOCIETY:
        condition = (User.role == Role.SOCIETY) & (User.society_id == unit.id)
    else:
        condition = (User.role == Role.LOCAL_ASSOCIATION) & (User.region_code == unit.region_code)
    return list(session.scalars(select(User).where(condition, User.is_active).order_by(User.id)))
