"""One user of every role, with the objects their scopes name, and a bearer token each."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from accounts import issue_token
from core.settings import Settings
from models import (
    Demand,
    DemandStatus,
    Docking,
    DockingStatus,
    Enterprise,
    Expert,
    Notification,
    NotificationChannel,
    Offer,
    OfferStatus,
    Role,
    Society,
    User,
)
from tests.factories import make_demand, make_enterprise, make_expert, make_society, make_user

PARTY_NAMES = (
    "anonymous",
    "enterprise_a",
    "enterprise_b",
    "la_quanzhou",
    "la_fuzhou",
    "society_a",
    "society_b",
    "expert_a",
    "center",
    "department",
)
"""Enterprise A is in Jinjiang (Quanzhou), B in Gulou (Fuzhou); expert A is a member of society A."""


WITH_DEMAND = (
    DemandStatus.DRAFT,
    DemandStatus.RETURNED,
    DemandStatus.OFFERED,
    DemandStatus.UNMATCHED,
    DemandStatus.ACCEPTED,
    DemandStatus.DOCKED,
    DemandStatus.CONTRACTED,
    DemandStatus.COMPLETED,
)
DOCKING_OF = {
    DemandStatus.ACCEPTED: DockingStatus.PROPOSED,
    DemandStatus.DOCKED: DockingStatus.CONFIRMED,
    DemandStatus.CONTRACTED: DockingStatus.CONTRACTED,
    DemandStatus.COMPLETED: DockingStatus.COMPLETED,
}


@dataclass
class Parties:
    settings: Settings
    society_a: Society
    society_b: Society
    enterprise_a: Enterprise
    enterprise_b: Enterprise
    expert_a: Expert
    expert_b: Expert
    demand_a: Demand
    """A submitted demand of enterprise A (Jinjiang, under Quanzhou); enterprise A also has one demand
    in each of the states of ``WITH_DEMAND`` (``by_state``). The offered one has ``offer_a``, a pending
    offer to society A; from accepted on, each has society A's docking in the matching status."""
    by_state: dict[DemandStatus, Demand] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    notice_a: Notification | None = None
    offer_a: Offer | None = None
    """An unread console notification for society A's user."""

    def headers(self, name: str) -> dict[str, str]:
        if name == "anonymous":
            return {}
        return {"Authorization": f"Bearer {issue_token(self.users[name], self.settings)}"}

    def demand_in(self, state: DemandStatus) -> int:
        return self.by_state[state].id

    @property
    def offer_id(self) -> int:
        assert self.offer_a is not None
        return self.offer_a.id

    @property
    def notice_id(self) -> int:
        assert self.notice_a is not None
        return self.notice_a.id

    def role(self, name: str) -> Role | None:
        return None if name == "anonymous" else self.users[name].role


def make_parties(session: Session, settings: Settings) -> Parties:
    society_a, society_b = make_society(session), make_society(session)
    enterprise_a = make_enterprise(session, region_code="350582")
    enterprise_b = make_enterprise(session, region_code="350102")
    parties = Parties(
        settings=settings,
        society_a=society_a,
        society_b=society_b,
        enterprise_a=enterprise_a,
        enterprise_b=enterprise_b,
        expert_a=make_expert(session, societies=[society_a], region_code="350582"),
        expert_b=make_expert(session, societies=[society_b], region_code="350102"),
        demand_a=make_demand(session, enterprise_a),
    )
    parties.by_state = {state: make_demand(session, enterprise_a, status=state) for state in WITH_DEMAND}
    parties.users = {
        "enterprise_a": make_user(session, Role.ENTERPRISE, enterprise_id=enterprise_a.id),
        "enterprise_b": make_user(session, Role.ENTERPRISE, enterprise_id=enterprise_b.id),
        "la_quanzhou": make_user(session, Role.LOCAL_ASSOCIATION, region_code="350500"),
        "la_fuzhou": make_user(session, Role.LOCAL_ASSOCIATION, region_code="350100"),
        "society_a": make_user(session, Role.SOCIETY, society_id=society_a.id),
        "society_b": make_user(session, Role.SOCIETY, society_id=society_b.id),
        "expert_a": make_user(session, Role.EXPERT, expert_id=parties.expert_a.id),
        "center": make_user(session, Role.CENTER),
        "department": make_user(session, Role.DEPARTMENT),
    }
    parties.notice_a = Notification(
        dedupe_key=f"test:notice:{parties.users['society_a'].id}",
        recipient_user_id=parties.users["society_a"].id,
        channel=NotificationChannel.CONSOLE,
        kind="offer.created",
        payload={"title": "新的对接推荐", "text": "有一条新的需求推荐给贵学会。", "link": "/console/offers/1"},
        demand_id=parties.demand_a.id,
    )
    session.add(parties.notice_a)
    _offers_and_dockings(session, parties)
    session.flush()
    return parties


def _offers_and_dockings(session: Session, parties: Parties) -> None:
    """Society A's offer of the offered demand (proposing expert A) and its dockings (with no team, so
    expert A keeps the capacity to be put on one and no other member is added)."""
    offered = parties.by_state[DemandStatus.OFFERED]
    parties.offer_a = Offer(
        demand_id=offered.id,
        society_id=parties.society_a.id,
        rank=1,
        score=0.8,
        score_parts={"profile": 0.3, "members": 0.4, "station": 0.1},
        explanation={"reason": "测试推荐"},
        proposed_expert_ids=[parties.expert_a.id],
        status=OfferStatus.PENDING,
    )
    unmatched = parties.by_state[DemandStatus.UNMATCHED]
    declined = Offer(
        demand_id=unmatched.id, society_id=parties.society_a.id, rank=1, score=0.5, status=OfferStatus.DECLINED
    )
    session.add_all([parties.offer_a, declined])
    for state, docking_status in DOCKING_OF.items():
        demand = parties.by_state[state]
        offer = Offer(
            demand_id=demand.id, society_id=parties.society_a.id, rank=1, score=0.8, status=OfferStatus.ACCEPTED
        )
        session.add(offer)
        session.flush()
        docking = Docking(
            demand_id=demand.id, offer_id=offer.id, society_id=parties.society_a.id, status=docking_status
        )
        session.add(docking)
