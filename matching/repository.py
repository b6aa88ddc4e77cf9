"""Every query the matcher runs against the database, returning plain records (no live ORM rows)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models import (
    Demand,
    Docking,
    DockingExpert,
    DockingStatus,
    Enterprise,
    Expert,
    ExpertWork,
    ProfileChange,
    Region,
    ServiceStation,
    Society,
)
from program.eligibility import offerable_society

FINISHED_DOCKINGS = (DockingStatus.COMPLETED, DockingStatus.CLOSED, DockingStatus.CANCELLED)
"""A docking in any other state occupies its experts (capacity constraint)."""

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class WorkRecord:
    id: int
    title: str
    keywords: tuple[str, ...]
    abstract: str
    year: int | None
    kind: str


@dataclass(frozen=True, slots=True)
class ExpertCard:
    """Profile facts the constraints and the result show; they change only through ProfileChange."""

    name: str
    title: str
    employer: str
    region_code: str | None
    capacity: int
    society_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ExpertRecord:
    id: int
    is_active: bool
    fields: str
    bio: str
    department: str
    works: tuple[WorkRecord, ...]
    card: ExpertCard = ExpertCard("", "", "", None, 0, ())


@dataclass(frozen=True, slots=True)
class SocietyRecord:
    id: int
    is_active: bool
    code: str
    name: str
    discipline: str
    description: str
    industries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DemandRecord:
    id: int
    title: str
    description: str
    keywords: tuple[str, ...]
    industry: str
    region_code: str
    enterprise_name: str


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def max_change_id(session: Session) -> int:
    return int(session.scalar(select(func.coalesce(func.max(ProfileChange.id), 0))) or 0)


def _expert_record(expert: Expert) -> ExpertRecord:
    return ExpertRecord(
        id=expert.id,
        is_active=expert.is_active,
        fields=expert.fields or "",
        bio=expert.bio or "",
        department=expert.department or "",
        works=tuple(
            WorkRecord(
                id=w.id,
                title=w.title,
                keywords=tuple(w.keywords or ()),
                abstract=w.abstract or "",
                year=w.year,
                kind=str(w.kind),
            )
            for w in expert.works
        ),
        card=ExpertCard(
            name=expert.name,
            title=expert.title or "",
            employer=expert.employer or "",
            region_code=expert.region_code,
            capacity=int(expert.capacity),
            society_ids=tuple(sorted(m.society_id for m in expert.memberships)),
        ),
    )


def expert_records(session: Session, expert_ids: Iterable[int]) -> dict[int, ExpertRecord]:
    """Records of the given experts that exist (active or not), with their works."""
    ids = sorted(set(expert_ids))
    out: dict[int, ExpertRecord] = {}
    for chunk in _chunks(ids):
        experts = session.scalars(
            select(Expert)
            .where(Expert.id.in_(chunk))
            .options(selectinload(Expert.works), selectinload(Expert.memberships))
            .execution_options(populate_existing=True)
        )
        for expert in experts:
            out[expert.id] = _expert_record(expert)
    return out


def active_expert_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Expert.id).where(Expert.is_active.is_(True)).order_by(Expert.id)))


def iter_active_experts(session: Session, batch: int = _CHUNK) -> Iterator[list[ExpertRecord]]:
    """All active experts in id order, ``batch`` at a time (bounded memory on big directories)."""
    ids = active_expert_ids(session)
    for start in range(0, len(ids), batch):
        records = expert_records(session, ids[start : start + batch])
        yield [records[i] for i in ids[start : start + batch] if i in records]


def count_active_works(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count(ExpertWork.id))
            .join(Expert, Expert.id == ExpertWork.expert_id)
            .where(Expert.is_active.is_(True))
        )
        or 0
    )


def society_records(session: Session, society_ids: Iterable[int] | None = None) -> dict[int, SocietyRecord]:
    stmt = select(Society)
    if society_ids is not None:
        stmt = stmt.where(Society.id.in_(sorted(set(society_ids))))
    return {
        s.id: SocietyRecord(
            id=s.id,
            is_active=s.is_active,
            code=s.code,
            name=s.name,
            discipline=s.discipline or "",
            description=s.description or "",
            industries=tuple(s.industries or ()),
        )
        for s in session.scalars(stmt)
    }


def active_society_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Society.id).where(Society.is_active.is_(True)).order_by(Society.id)))


def demand_record(session: Session, demand_id: int) -> DemandRecord | None:
    """The columns a match reads (not the ORM entity: no identity-map work on every match)."""
    row = session.execute(
        select(
            Demand.id,
            Demand.title,
            Demand.description,
            Demand.keywords,
            Demand.industry,
            Demand.region_code,
            Enterprise.name,
        )
        .join(Enterprise, Enterprise.id == Demand.enterprise_id)
        .where(Demand.id == demand_id)
    ).first()
    if row is None:
        return None
    id_, title, description, keywords, industry, region_code, enterprise_name = row
    return DemandRecord(
        id=id_,
        title=title,
        description=description,
        keywords=tuple(keywords or ()),
        industry=industry or "",
        region_code=region_code,
        enterprise_name=enterprise_name,
    )


def barred_society_ids(session: Session) -> frozenset[int]:
    """Active societies that may not be offered demands (the program's eligibility rule); usually none."""
    stmt = select(Society.id).where(Society.is_active.is_(True), ~offerable_society())
    return frozenset(session.scalars(stmt))


def open_loads(session: Session) -> dict[int, int]:
    """``expert id -> dockings in progress`` for every busy expert (one query, no id list)."""
    return {
        expert_id: int(n)
        for expert_id, n in session.execute(
            select(DockingExpert.expert_id, func.count())
            .join(Docking, Docking.id == DockingExpert.docking_id)
            .where(Docking.status.not_in(FINISHED_DOCKINGS))
            .group_by(DockingExpert.expert_id)
        ).all()
    }


def region_names(session: Session) -> dict[str, str]:
    return {row[0]: row[1] for row in session.execute(select(Region.code, Region.name))}


def stations_in(session: Session, region_codes: Iterable[str]) -> dict[int, list[str]]:
    """``society id -> station region codes`` for the stations in ``region_codes``."""
    out: dict[int, list[str]] = defaultdict(list)
    codes = sorted(set(region_codes))
    if not codes:
        return {}
    for society_id, code in session.execute(
        select(ServiceStation.society_id, ServiceStation.region_code).where(ServiceStation.region_code.in_(codes))
    ):
        out[society_id].append(code)
    return dict(out)
