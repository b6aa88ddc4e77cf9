"""Society profiles as the API and the console manage them.

Every staff role reads the societies (they are the project's partners, shown with offers and
dockings). The provincial center and department create and edit them; a society edits its own
profile, but not its code, pilot status or whether it is active. Edits go through
:func:`directory.profiles.upsert_society`, which logs the :class:`~models.ProfileChange` the index follows.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core.errors import Conflict, NotFound, PermissionDenied
from directory.editing import MANAGERS, merge_edit, require_role
from directory.profiles import SocietyIn, upsert_society
from models import Role, Society, SocietyMembership
from program.eligibility import offerable_society

READERS = MANAGERS | {Role.LOCAL_ASSOCIATION, Role.SOCIETY, Role.EXPERT}
EDITORS = MANAGERS | {Role.SOCIETY}
KEPT_BY_CENTER = ("is_pilot", "is_active")


class SocietyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    discipline: str
    description: str
    industries: list[str]
    contact_name: str | None
    contact_phone: str | None
    is_pilot: bool
    is_active: bool
    member_count: int = 0


class SocietyPage(BaseModel):
    items: list[SocietyOut]
    total: int
    page: int
    size: int


class SocietyFilters(BaseModel):
    q: str | None = Field(default=None, max_length=100)
    is_active: bool | None = None
    is_pilot: bool | None = None
    offerable: bool = False
    """Only societies that may receive new offers (:func:`program.eligibility.offerable_society`)."""


class SocietyUpdate(BaseModel):
    """A partial edit: only the fields sent change."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str | None = Field(default=None, min_length=2, max_length=128)
    discipline: str | None = Field(default=None, max_length=64)
    description: str | None = Field(default=None, max_length=10000)
    industries: list[str] | None = Field(default=None, max_length=50)
    contact_name: str | None = Field(default=None, max_length=64)
    contact_phone: str | None = Field(default=None, max_length=32)
    is_pilot: bool | None = None
    is_active: bool | None = None


NULLABLE = frozenset({"contact_name", "contact_phone"})


def _members(session: Session, society_ids: list[int]) -> dict[int, int]:
    if not society_ids:
        return {}
    rows = session.execute(
        select(SocietyMembership.society_id, func.count())
        .where(SocietyMembership.society_id.in_(society_ids))
        .group_by(SocietyMembership.society_id)
    )
    return {sid: int(n) for sid, n in rows}


def _out(society: Society, members: int) -> SocietyOut:
    return SocietyOut.model_validate(society).model_copy(update={"member_count": members})


def list_societies(
    session: Session, actor: Actor, filters: SocietyFilters, *, page: int = 1, size: int = 20
) -> SocietyPage:
    require_role(actor, READERS, "查看学会")
    conditions: list[ColumnElement[bool]] = []
    if filters.is_active is not None:
        conditions.append(Society.is_active.is_(filters.is_active))
    if filters.is_pilot is not None:
        conditions.append(Society.is_pilot.is_(filters.is_pilot))
    if filters.offerable:
        conditions.append(offerable_society())
    for word in (filters.q or "").split():
        pattern = f"%{word}%"
        conditions.append(or_(Society.name.like(pattern), Society.code.like(pattern), Society.discipline.like(pattern)))
    total = session.scalar(select(func.count()).select_from(Society).where(*conditions)) or 0
    societies = list(
        session.scalars(select(Society).where(*conditions).order_by(Society.code).limit(size).offset((page - 1) * size))
    )
    members = _members(session, [s.id for s in societies])
    return SocietyPage(items=[_out(s, members.get(s.id, 0)) for s in societies], total=total, page=page, size=size)


def _get(session: Session, society_id: int) -> Society:
    society = session.get(Society, society_id)
    if society is None:
        raise NotFound(f"找不到编号为 {society_id} 的学会")
    return society


def society_detail(session: Session, actor: Actor, society_id: int) -> SocietyOut:
    require_role(actor, READERS, "查看学会")
    society = _get(session, society_id)
    return _out(society, _members(session, [society.id]).get(society.id, 0))


def create_society(session: Session, actor: Actor, data: SocietyIn) -> SocietyOut:
    require_role(actor, MANAGERS, "新增学会")
    if session.scalar(select(Society.id).where(Society.code == data.code)) is not None:
        raise Conflict(f"学会编号「{data.code}」已存在", fields={"code": data.code})
    _check_name(session, data.name, None)
    society, _ = upsert_society(session, data)
    return _out(society, 0)


def _check_name(session: Session, name: str, society_id: int | None) -> None:
    owner = session.scalar(select(Society).where(Society.name == name))
    if owner is not None and owner.id != society_id:
        raise Conflict(f"学会名称「{name}」已被编号为「{owner.code}」的学会使用", fields={"name": name})


def _as_input(society: Society) -> dict[str, Any]:
    return {
        "code": society.code, "name": society.name, "discipline": society.discipline,
        "description": society.description, "industries": list(society.industries),
        "contact_name": society.contact_name, "contact_phone": society.contact_phone,
        "is_pilot": society.is_pilot, "is_active": society.is_active,
    }  # fmt: skip


def update_society(session: Session, actor: Actor, society_id: int, change: SocietyUpdate) -> SocietyOut:
    """Apply the fields ``change`` carries; a society edits only itself, and not its status."""
    require_role(actor, EDITORS, "修改学会信息")
    if actor.role is Role.SOCIETY and actor.society_id != society_id:
        raise NotFound(f"找不到编号为 {society_id} 的学会（或不在您的管理范围内）")
    society = _get(session, society_id)
    sent = change.model_dump(exclude_unset=True)
    if actor.role not in MANAGERS and any(f in sent for f in KEPT_BY_CENTER):
        raise PermissionDenied("试点资格和在库状态由省科技咨询服务中心维护，请联系中心修改")
    if "name" in sent:
        _check_name(session, sent["name"], society.id)
    data = merge_edit(SocietyIn, _as_input(society), sent, nullable=NULLABLE, what="学会信息")
    society, _ = upsert_society(session, data)
    return _out(society, _members(session, [society.id]).get(society.id, 0))
