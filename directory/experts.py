"""Expert profiles as the API and the console manage them: who may see and edit which expert.

* The provincial center and department see and edit every expert, create them and (de)activate them.
* A local association reads every expert (it screens demands against their profiles).
* A society reads and edits the profiles of its own members; their memberships and status stay as
  the center keeps them.
* An expert reads and edits their own profile, under the same limits.

An expert outside the actor's reach is reported as not found, like an id that does not exist.
Every edit goes through :func:`directory.profiles.upsert_experts`, which writes the
:class:`~models.ProfileChange` rows the matching index follows.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, exists, false, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from accounts.actor import Actor
from core.errors import Conflict, NotFound, PermissionDenied
from directory.editing import MANAGERS, merge_edit, require_role
from directory.profiles import ExpertIn, WorkIn, set_expert_active, upsert_experts
from models import Expert, Role, SocietyMembership, WorkKind

READERS = MANAGERS | {Role.LOCAL_ASSOCIATION, Role.SOCIETY, Role.EXPERT}
EDITORS = MANAGERS | {Role.SOCIETY, Role.EXPERT}
KEPT_BY_CENTER = ("society_codes", "is_active")
"""Fields only the center and the department change."""
NULLABLE = frozenset({"region_code", "email", "phone"})
"""Fields an edit may clear by sending null."""


class SocietyRef(BaseModel):
    id: int
    code: str
    name: str
    position: str


class WorkOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: WorkKind
    title: str
    keywords: list[str]
    abstract: str
    year: int | None


class ExpertSummary(BaseModel):
    id: int
    code: str
    name: str
    title: str
    employer: str
    region_code: str | None
    capacity: int
    is_active: bool
    societies: list[SocietyRef]


class ExpertDetail(ExpertSummary):
    department: str
    fields: str
    bio: str
    email: str | None
    phone: str | None
    works: list[WorkOut]


class ExpertPage(BaseModel):
    items: list[ExpertSummary]
    total: int
    page: int
    size: int


class ExpertFilters(BaseModel):
    q: str | None = Field(default=None, max_length=100)
    """Words that must all occur in the name, employer, fields or code."""
    society_id: int | None = None
    region_code: str | None = Field(default=None, min_length=6, max_length=6)
    is_active: bool | None = None


class ExpertUpdate(BaseModel):
    """A partial edit: only the fields sent change."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=64)
    title: str | None = Field(default=None, max_length=64)
    employer: str | None = Field(default=None, max_length=128)
    department: str | None = Field(default=None, max_length=128)
    fields: str | None = Field(default=None, max_length=5000)
    bio: str | None = Field(default=None, max_length=10000)
    region_code: str | None = Field(default=None, min_length=6, max_length=6)
    capacity: int | None = Field(default=None, ge=0, le=100)
    email: str | None = Field(default=None, max_length=128)
    phone: str | None = Field(default=None, max_length=32)
    is_active: bool | None = None
    society_codes: list[str] | None = None
    works: list[WorkIn] | None = Field(default=None, max_length=100)


def expert_visibility(actor: Actor) -> ColumnElement[bool]:
    if actor.role in MANAGERS or actor.role in (Role.LOCAL_ASSOCIATION, Role.SYSTEM):
        return true()
    if actor.role is Role.SOCIETY and actor.society_id is not None:
        return exists().where(
            SocietyMembership.expert_id == Expert.id, SocietyMembership.society_id == actor.society_id
        )
    if actor.role is Role.EXPERT and actor.expert_id is not None:
        return Expert.id == actor.expert_id
    return false()


def _not_found(expert_id: int) -> NotFound:
    return NotFound(f"找不到编号为 {expert_id} 的专家（或不在您的管理范围内）")


def _load(session: Session, actor: Actor, expert_id: int) -> Expert:
    expert = session.scalar(
        select(Expert)
        .where(Expert.id == expert_id, expert_visibility(actor))
        .options(selectinload(Expert.works), selectinload(Expert.memberships).selectinload(SocietyMembership.society))
    )
    if expert is None:
        raise _not_found(expert_id)
    return expert


def _societies(expert: Expert) -> list[SocietyRef]:
    return sorted(
        (
            SocietyRef(id=m.society.id, code=m.society.code, name=m.society.name, position=m.position)
            for m in expert.memberships
        ),
        key=lambda s: s.code,
    )


def _summary_fields(expert: Expert) -> dict[str, Any]:
    return {
        "id": expert.id, "code": expert.code, "name": expert.name, "title": expert.title,
        "employer": expert.employer, "region_code": expert.region_code, "capacity": expert.capacity,
        "is_active": expert.is_active, "societies": _societies(expert),
    }  # fmt: skip


def _detail(expert: Expert) -> ExpertDetail:
    return ExpertDetail(
        **_summary_fields(expert),
        department=expert.department,
        fields=expert.fields,
        bio=expert.bio,
        email=expert.email,
        phone=expert.phone,
        works=[WorkOut.model_validate(w) for w in expert.works],
    )


def list_experts(
    session: Session, actor: Actor, filters: ExpertFilters, *, page: int = 1, size: int = 20
) -> ExpertPage:
    require_role(actor, READERS, "查看专家库")
    conditions: list[ColumnElement[bool]] = [expert_visibility(actor)]
    if filters.society_id is not None:
        conditions.append(
            exists().where(SocietyMembership.expert_id == Expert.id, SocietyMembership.society_id == filters.society_id)
        )
    if filters.region_code is not None:
        conditions.append(Expert.region_code == filters.region_code)
    if filters.is_active is not None:
        conditions.append(Expert.is_active.is_(filters.is_active))
    for word in (filters.q or "").split():
        pattern = f"%{word}%"
        conditions.append(
            or_(
                Expert.name.like(pattern),
                Expert.employer.like(pattern),
                Expert.fields.like(pattern),
                Expert.code.like(pattern),
            )
        )
    total = session.scalar(select(func.count()).select_from(Expert).where(*conditions)) or 0
    experts = session.scalars(
        select(Expert)
        .where(*conditions)
        .order_by(Expert.id)
        .limit(size)
        .offset((page - 1) * size)
        .options(selectinload(Expert.memberships).selectinload(SocietyMembership.society))
    )
    items = [ExpertSummary(**_summary_fields(e)) for e in experts]
    return ExpertPage(items=items, total=total, page=page, size=size)


def expert_detail(session: Session, actor: Actor, expert_id: int) -> ExpertDetail:
    require_role(actor, READERS, "查看专家库")
    return _detail(_load(session, actor, expert_id))


def create_expert(session: Session, actor: Actor, data: ExpertIn) -> ExpertDetail:
    require_role(actor, MANAGERS, "新增专家")
    if session.scalar(select(Expert.id).where(Expert.code == data.code)) is not None:
        raise Conflict(f"专家编号「{data.code}」已存在", fields={"code": data.code})
    ((expert, _),) = upsert_experts(session, [data])
    return expert_detail(session, actor, expert.id)


def _as_input(expert: Expert) -> dict[str, Any]:
    return {
        "code": expert.code, "name": expert.name, "title": expert.title, "employer": expert.employer,
        "department": expert.department, "fields": expert.fields, "bio": expert.bio,
        "region_code": expert.region_code, "capacity": expert.capacity, "email": expert.email,
        "phone": expert.phone, "is_active": expert.is_active,
        "society_codes": [s.code for s in _societies(expert)],
        "works": [
            WorkIn(kind=w.kind, title=w.title, keywords=list(w.keywords), abstract=w.abstract, year=w.year)
            for w in expert.works
        ],
    }  # fmt: skip


def update_expert(session: Session, actor: Actor, expert_id: int, change: ExpertUpdate) -> ExpertDetail:
    """Apply the fields ``change`` carries; a society or an expert may not touch memberships or status."""
    require_role(actor, EDITORS, "修改专家信息")
    expert = _load(session, actor, expert_id)
    sent = change.model_dump(exclude_unset=True)
    if actor.role not in MANAGERS:
        kept = [f for f in KEPT_BY_CENTER if f in sent]
        if kept:
            raise PermissionDenied("所属学会和在库状态由省科技咨询服务中心维护，请联系中心修改")
    data = merge_edit(ExpertIn, _as_input(expert), sent, nullable=NULLABLE, what="专家信息")
    upsert_experts(session, [data])
    session.expire(expert)
    return expert_detail(session, actor, expert_id)


def set_active(session: Session, actor: Actor, expert_id: int, active: bool) -> ExpertDetail:
    require_role(actor, MANAGERS, "停用或启用专家")
    _load(session, actor, expert_id)
    set_expert_active(session, expert_id, active)
    return expert_detail(session, actor, expert_id)
