"""A small programme to report on: two pilot societies, a non-pilot one, the associations of a
demonstration area (Jinjiang) and of an ordinary district (Gulou), staff of every kind, and demands
whose workflow moves in October 2026 (Beijing time) are recorded as audit events.

Expected October figures (see ``EXPECTED``): Jinjiang counts d1 fully and d2's screening and offer
(d2 was submitted in September; d3 on 1 November Beijing time, 16:30 UTC on 31 October); society A
counts the offers it received (d1, d2) and its own docking d1; society B only d4 in Gulou.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from accounts import issue_token
from core.clock import BEIJING
from core.settings import Settings
from models import (
    AuditEvent,
    Demand,
    DemandStatus,
    Docking,
    DockingExpert,
    DockingStatus,
    LocalAssociation,
    Offer,
    OfferStatus,
    Role,
    Society,
    User,
)
from tests.factories import make_demand, make_enterprise, make_expert, make_society, make_user


def bj(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    """A moment in Beijing time, as UTC."""
    return datetime(year, month, day, hour, tzinfo=BEIJING).astimezone(UTC)


EXPECTED = {
    "jinjiang": {
        "received": 1, "screened": 2, "offered": 2, "docked": 1, "contracted": 1, "completed": 0,
        "experts": 2, "amount": "50000.00",
    },
    "society_a": {
        "received": 2, "screened": 2, "offered": 2, "docked": 1, "contracted": 1, "completed": 0,
        "experts": 2, "amount": "50000.00",
    },
    "society_b": {
        "received": 1, "screened": 1, "offered": 1, "docked": 1, "contracted": 1, "completed": 1,
        "experts": 1, "amount": "30000.00",
    },
}  # fmt: skip


@dataclass
class World:
    settings: Settings
    society_a: Society
    society_b: Society
    society_c: Society
    jinjiang: LocalAssociation
    gulou: LocalAssociation
    users: dict[str, User] = field(default_factory=dict)
    demands: dict[str, Demand] = field(default_factory=dict)

    def headers(self, name: str, at: datetime) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_token(self.users[name], self.settings, now=at)}"}


def _event(session: Session, demand: Demand, action: str, at: datetime) -> None:
    session.add(
        AuditEvent(
            entity_type="demand",
            entity_id=demand.id,
            demand_id=demand.id,
            action=action,
            actor_role=Role.SYSTEM,
            data={},
            at=at,
        )
    )


def _docking(session: Session, demand: Demand, offer: Offer, society: Society, amount: str, team: list[int]) -> None:
    docking = Docking(
        demand_id=demand.id,
        offer_id=offer.id,
        society_id=society.id,
        status=DockingStatus.CONTRACTED,
        agreement_amount=Decimal(amount),
    )
    session.add(docking)
    session.flush()
    for expert_id in team:
        session.add(DockingExpert(docking_id=docking.id, expert_id=expert_id))


def _offer(session: Session, demand: Demand, society: Society, at: datetime, status: OfferStatus) -> Offer:
    offer = Offer(demand_id=demand.id, society_id=society.id, rank=1, score=0.7, status=status, created_at=at)
    session.add(offer)
    session.flush()
    return offer


def make_world(session: Session, settings: Settings) -> World:
    world = World(
        settings=settings,
        society_a=make_society(session, is_pilot=True, name="福建省测试机械工程学会"),
        society_b=make_society(session, is_pilot=True, name="福建省测试化工学会"),
        society_c=make_society(session, is_pilot=False),
        jinjiang=LocalAssociation(name="晋江市科协", region_code="350582"),
        gulou=LocalAssociation(name="鼓楼区科协", region_code="350102"),
    )
    session.add_all([world.jinjiang, world.gulou])
    session.flush()
    world.users = {
        "society_a": make_user(session, Role.SOCIETY, society_id=world.society_a.id),
        "society_b": make_user(session, Role.SOCIETY, society_id=world.society_b.id),
        "society_c": make_user(session, Role.SOCIETY, society_id=world.society_c.id),
        "jinjiang": make_user(session, Role.LOCAL_ASSOCIATION, region_code="350582"),
        "gulou": make_user(session, Role.LOCAL_ASSOCIATION, region_code="350102"),
        "center": make_user(session, Role.CENTER),
        "department": make_user(session, Role.DEPARTMENT),
    }
    jinjiang_firm = make_enterprise(session, region_code="350582")
    gulou_firm = make_enterprise(session, region_code="350102")
    world.users["enterprise"] = make_user(session, Role.ENTERPRISE, enterprise_id=jinjiang_firm.id)
    e1, e2 = make_expert(session, societies=[world.society_a]), make_expert(session, societies=[world.society_a])
    e3 = make_expert(session, societies=[world.society_b])
    d1 = make_demand(session, jinjiang_firm, status=DemandStatus.CONTRACTED)
    d2 = make_demand(session, jinjiang_firm, status=DemandStatus.OFFERED)
    d3 = make_demand(session, jinjiang_firm, status=DemandStatus.SUBMITTED)
    d4 = make_demand(session, gulou_firm, status=DemandStatus.COMPLETED)
    world.demands = {"d1": d1, "d2": d2, "d3": d3, "d4": d4}
    for action, at in (
        ("demand.submit", bj(10, 3)),
        ("demand.approve", bj(10, 4)),
        ("demand.offer", bj(10, 5)),
        ("demand.accept", bj(10, 8)),
        ("demand.confirm_docking", bj(10, 10)),
        ("demand.record_agreement", bj(10, 20)),
    ):
        _event(session, d1, action, at)
    for action, at in (("demand.submit", bj(9, 28)), ("demand.approve", bj(10, 2)), ("demand.offer", bj(10, 2))):
        _event(session, d2, action, at)
    _event(session, d3, "demand.submit", datetime(2026, 10, 31, 16, 30, tzinfo=UTC))
    for action, at in (
        ("demand.submit", bj(10, 5)),
        ("demand.approve", bj(10, 5, 15)),
        ("demand.offer", bj(10, 6)),
        ("demand.confirm_docking", bj(10, 12)),
        ("demand.record_agreement", bj(10, 15)),
        ("demand.report_outcome", bj(10, 30)),
        ("demand.report_outcome", bj(11, 2)),  # a later event of November: not October's
    ):
        _event(session, d4, action, at)
    o1 = _offer(session, d1, world.society_a, bj(10, 5), OfferStatus.ACCEPTED)
    _offer(session, d2, world.society_a, bj(10, 2), OfferStatus.PENDING)
    o4 = _offer(session, d4, world.society_b, bj(10, 6), OfferStatus.ACCEPTED)
    _docking(session, d1, o1, world.society_a, "50000.00", [e1.id, e2.id])
    _docking(session, d4, o4, world.society_b, "30000.00", [e3.id])
    session.flush()
    return world
