"""Create, update and deactivate expert and society profiles.

Every change that matters to matching appends a :class:`ProfileChange` in the same transaction;
the FAISS index follows that log (its watermark is the highest change id it has applied).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.errors import NotFound, ValidationFailed
from models import (
    Expert,
    ExpertWork,
    ProfileChange,
    ProfileChangeKind,
    Region,
    Society,
    SocietyMembership,
    WorkKind,
)


class WorkIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    kind: WorkKind = WorkKind.PAPER
    title: str = Field(min_length=1, max_length=512)
    keywords: list[str] = Field(default_factory=list)
    abstract: str = ""
    year: int | None = Field(default=None, ge=1950, le=2100)

    @field_validator("keywords")
    @classmethod
    def _clean_keywords(cls, value: list[str]) -> list[str]:
        return [k.strip() for k in value if k and k.strip()]


class ExpertIn(BaseModel):
    """An expert profile as imports, the console and the demo loader supply it."""

    model_config = ConfigDict(str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=64)
    title: str = Field(default="", max_length=64)
    employer: str = Field(default="", max_length=128)
    department: str = Field(default="", max_length=128)
    fields: str = ""
    bio: str = ""
    region_code: str | None = None
    capacity: int = Field(default=3, ge=0, le=100)
    email: str | None = Field(default=None, max_length=128)
    phone: str | None = Field(default=None, max_length=32)
    is_active: bool = True
    society_codes: list[str] = Field(default_factory=list)
    works: list[WorkIn] = Field(default_factory=list)


class SocietyIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=2, max_length=128)
    discipline: str = Field(default="", max_length=64)
    description: str = ""
    industries: list[str] = Field(default_factory=list)
    contact_name: str | None = Field(default=None, max_length=64)
    contact_phone: str | None = Field(default=None, max_length=32)
    is_pilot: bool = False
    is_active: bool = True


def record_change(session: Session, kind: ProfileChangeKind, ref_id: int) -> None:
    session.add(ProfileChange(kind=kind, ref_id=ref_id))


def _expert_snapshot(expert: Expert) -> tuple[object, ...]:
    return (
        expert.name,
        expert.title,
        expert.employer,
        expert.department,
        expert.fields,
        expert.bio,
        expert.region_code,
        expert.capacity,
        expert.is_active,
        tuple(sorted(m.society_id for m in expert.memberships)),
        tuple((w.kind, w.title, tuple(w.keywords), w.abstract, w.year) for w in expert.works),
    )


def society_ids_by_code(session: Session, codes: Iterable[str] | None = None) -> dict[str, int]:
    stmt = select(Society.code, Society.id)
    if codes is not None:
        stmt = stmt.where(Society.code.in_(set(codes)))
    return {row[0]: row[1] for row in session.execute(stmt)}


def _contact_snapshot(expert: Expert) -> tuple[object, ...]:
    return (expert.email, expert.phone)


def upsert_expert(
    session: Session,
    data: ExpertIn,
    *,
    society_ids: Mapping[str, int] | None = None,
    region_codes: set[str] | None = None,
) -> tuple[Expert, bool]:
    """Create or update the expert with ``data.code``; returns ``(expert, changed)``.

    See :func:`upsert_experts`, which this calls with one item.
    """
    ((expert, changed),) = upsert_experts(session, [data], society_ids=society_ids, region_codes=region_codes)
    return expert, changed


def _check_references(data: ExpertIn, society_ids: Mapping[str, int], region_codes: set[str]) -> None:
    missing = [c for c in data.society_codes if c not in society_ids]
    if missing:
        raise ValidationFailed(f"学会编号不存在：{'、'.join(missing)}", fields={"society_codes": missing})
    if data.region_code is not None and data.region_code not in region_codes:
        raise ValidationFailed(f"行政区划代码 {data.region_code} 不存在或不属于福建省")


def _apply(expert: Expert, data: ExpertIn, society_ids: Mapping[str, int]) -> None:
    for attr in ("name", "title", "employer", "department", "fields", "bio", "region_code", "capacity"):
        setattr(expert, attr, getattr(data, attr))
    expert.email, expert.phone, expert.is_active = data.email, data.phone, data.is_active
    wanted_works = [(w.kind, w.title, tuple(w.keywords), w.abstract, w.year) for w in data.works]
    current_works = [(w.kind, w.title, tuple(w.keywords), w.abstract, w.year) for w in expert.works]
    if wanted_works != current_works:
        expert.works = [ExpertWork(**w.model_dump()) for w in data.works]
    wanted_societies = sorted({society_ids[c] for c in data.society_codes})
    if wanted_societies != sorted(m.society_id for m in expert.memberships):
        positions = {m.society_id: m.position for m in expert.memberships}
        expert.memberships = [
            SocietyMembership(society_id=sid, position=positions.get(sid, "会员")) for sid in wanted_societies
        ]


_CHUNK = 500


def upsert_experts(
    session: Session,
    items: Sequence[ExpertIn],
    *,
    society_ids: Mapping[str, int] | None = None,
    region_codes: set[str] | None = None,
) -> list[tuple[Expert, bool]]:
    """Create or update experts by ``code``, in order; returns ``(expert, changed)`` for each item.

    ``changed`` is true when anything was written. A ProfileChange (which makes the search index
    re-read the expert) is only logged when something matching uses changed, not for contact
    details. Works and society memberships are replaced by what each item lists. References are
    checked for every item before anything is written; existing experts are read in a few queries
    and everything is flushed once, so bulk callers (imports, demo data) pay no per-row round trip.
    """
    if society_ids is None:
        society_ids = society_ids_by_code(session, {c for d in items for c in d.society_codes})
    if region_codes is None:
        wanted = {d.region_code for d in items if d.region_code is not None}
        region_codes = set(session.scalars(select(Region.code).where(Region.code.in_(wanted)))) if wanted else set()
    for data in items:
        _check_references(data, society_ids, region_codes)

    touched: list[tuple[Expert, bool, tuple[object, ...] | None, tuple[object, ...] | None]] = []
    with session.no_autoflush:
        by_code: dict[str, Expert] = {}
        codes = list(dict.fromkeys(d.code for d in items))
        for i in range(0, len(codes), _CHUNK):
            stmt = (
                select(Expert)
                .where(Expert.code.in_(codes[i : i + _CHUNK]))
                .options(selectinload(Expert.works), selectinload(Expert.memberships))
            )
            by_code.update((e.code, e) for e in session.scalars(stmt))
        for data in items:
            expert = by_code.get(data.code)
            created = expert is None
            before = None if expert is None else _expert_snapshot(expert)
            contacts_before = None if expert is None else _contact_snapshot(expert)
            if expert is None:
                expert = by_code[data.code] = Expert(code=data.code, works=[], memberships=[])
                session.add(expert)
            _apply(expert, data, society_ids)
            touched.append((expert, created, before, contacts_before))
    session.flush()

    results: list[tuple[Expert, bool]] = []
    for expert, created, before, contacts_before in touched:
        matching_changed = created or before != _expert_snapshot(expert)
        if matching_changed:
            record_change(session, ProfileChangeKind.EXPERT, expert.id)
        results.append((expert, matching_changed or contacts_before != _contact_snapshot(expert)))
    session.flush()
    return results


def set_expert_active(session: Session, expert_id: int, active: bool) -> Expert:
    expert = session.get(Expert, expert_id)
    if expert is None:
        raise NotFound(f"专家 {expert_id} 不存在")
    if expert.is_active != active:
        expert.is_active = active
        record_change(session, ProfileChangeKind.EXPERT, expert.id)
        session.flush()
    return expert


def upsert_society(session: Session, data: SocietyIn) -> tuple[Society, bool]:
    society = session.scalar(select(Society).where(Society.code == data.code))
    created = society is None
    values = data.model_dump()
    if society is None:
        society = Society(**values)
        session.add(society)
        changed = True
    else:
        changed = any(getattr(society, k) != v for k, v in values.items())
        for k, v in values.items():
            setattr(society, k, v)
    session.flush()
    if changed:
        record_change(session, ProfileChangeKind.SOCIETY, society.id)
    return society, created or changed
