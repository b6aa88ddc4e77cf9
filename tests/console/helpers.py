"""Picking demo records for the browser tests straight from the served database (facts, not the pages)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import or_, select

from core.db import Database
from matching.engine import MatchingEngine
from models import Demand, DemandStatus, Region


def subtree(db: Database, code: str) -> list[str]:
    """A city association's regions: the city and its counties (Pingtan stands on its own)."""
    with db.read_session() as session:
        rows = session.scalars(
            select(Region.code).where(
                or_(Region.code == code, (Region.parent_code == code) & Region.is_special_zone.is_(False))
            )
        )
        return list(rows)


@dataclass(frozen=True)
class DemandRow:
    id: int
    title: str
    description: str
    keywords: list[str]
    region_code: str
    status: DemandStatus


def demands_in(db: Database, regions: list[str], status: DemandStatus) -> list[DemandRow]:
    with db.read_session() as session:
        found = session.scalars(
            select(Demand)
            .where(Demand.region_code.in_(regions), Demand.status == status)
            .order_by(Demand.created_at, Demand.id)
        )
        return [DemandRow(d.id, d.title, d.description, list(d.keywords), d.region_code, d.status) for d in found]


def demand_status(db: Database, demand_id: int) -> DemandStatus:
    with db.read_session() as session:
        status = session.scalar(select(Demand.status).where(Demand.id == demand_id))
        assert status is not None
        return status


@dataclass(frozen=True)
class OfferCase:
    offer_id: int
    demand_id: int
    society_username: str
    association_username: str
    proposed: list[int]
    spare: int
    """A member of the society not on the proposed team who can take the docking."""
    full: int | None
    """A member of the society who cannot (no capacity left), if there is one."""


def association_of(db: Database, region_code: str) -> str:
    """The demo login of the association that screens demands of ``region_code`` (county first, then city)."""
    from models import User

    with db.read_session() as session:
        region = session.get(Region, region_code)
        assert region is not None
        users = set(session.scalars(select(User.username).where(User.role == "local_association")))
        return next(f"la-{c}" for c in (region_code, region.parent_code) if f"la-{c}" in users)


def offer_case(db: Database, offer_id: int) -> OfferCase:
    """Who answers and who confirms this offer, its proposed team, and members to change the team with."""
    from sqlalchemy import func

    from models import Docking, DockingExpert, Expert, Offer, Society, SocietyMembership

    with db.read_session() as session:
        offer = session.get(Offer, offer_id)
        assert offer is not None
        demand = session.get(Demand, offer.demand_id)
        society = session.get(Society, offer.society_id)
        assert demand is not None
        assert society is not None
        association = association_of(db, demand.region_code)
        loads = dict(
            session.execute(
                select(DockingExpert.expert_id, func.count())
                .join(Docking, Docking.id == DockingExpert.docking_id)
                .where(Docking.status.in_(["proposed", "confirmed", "contracted"]))
                .group_by(DockingExpert.expert_id)
            ).all()
        )
        members = session.scalars(
            select(Expert)
            .join(SocietyMembership, SocietyMembership.expert_id == Expert.id)
            .where(SocietyMembership.society_id == society.id)
            .order_by(Expert.id)
        ).all()
        proposed = list(offer.proposed_expert_ids)
        free = [e.id for e in members if e.is_active and e.id not in proposed and loads.get(e.id, 0) < e.capacity]
        full = [e.id for e in members if e.is_active and e.id not in proposed and loads.get(e.id, 0) >= e.capacity]
        assert free, f"society {society.code} has no spare member"
        return OfferCase(
            offer.id, demand.id, f"soc-{society.code.lower()}", association, proposed, free[0],
            full[0] if full else None,
        )  # fmt: skip


def submitted_demand(db: Database, *, skip_regions: tuple[str, ...] = ()) -> DemandRow:
    """A submitted demand whose region has a local-association login (newest first)."""
    from models import User

    with db.read_session() as session:
        users = set(session.scalars(select(User.username)))
        for d in session.scalars(
            select(Demand).where(Demand.status == DemandStatus.SUBMITTED).order_by(Demand.id.desc())
        ):
            region = session.get(Region, d.region_code)
            codes = (d.region_code, region.parent_code if region else None)
            if any(f"la-{c}" in users for c in codes) and not set(codes) & set(skip_regions):
                return DemandRow(d.id, d.title, d.description, list(d.keywords), d.region_code, d.status)
    raise AssertionError("the demo has no submitted demand left")


def approve_and_offer(served_data_dir: Path, db: Database, demand: DemandRow) -> list[int]:
    """Approve ``demand`` as its local association (through the workflow) and make its first offers."""
    from accounts import Actor
    from models import User
    from workflow import approve

    username = association_of(db, demand.region_code)
    with db.unit_of_work() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        approve(session, Actor.of_user(user), demand.id)
    return run_offer_round(served_data_dir, db, demand.id)


def expert_name(db: Database, expert_id: int) -> str:
    from models import Expert

    with db.read_session() as session:
        expert = session.get(Expert, expert_id)
        assert expert is not None
        return expert.name


def run_offer_round(served_data_dir: Path, db: Database, demand_id: int) -> list[int]:
    """Make the approved demand's first round of offers, as the worker's ``demand.offer`` job does.

    The test process stands in for the worker: it loads the served matching index from its files and
    calls the job's own function (idempotent, so a worker running it too changes nothing).
    """
    from workflow.offers import make_offer_round

    engine = _engine(served_data_dir)
    with db.read_session() as session:
        engine.ensure_ready(session)
    with db.unit_of_work() as session:
        make_offer_round(session, engine, demand_id, 1)
    with db.read_session() as session:
        from models import Offer

        return list(session.scalars(select(Offer.id).where(Offer.demand_id == demand_id).order_by(Offer.rank)))


@cache
def _engine(data_dir: Path) -> MatchingEngine:
    from core.settings import Settings

    return MatchingEngine.from_settings(Settings(data_dir=data_dir))
