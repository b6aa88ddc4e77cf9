"""One user of every role, with the objects their scopes name, and a bearer token each."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from accounts import issue_token
from core.settings import Settings
from models import Demand, DemandStatus, Enterprise, Expert, Notification, NotificationChannel, Role, Society, User
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
    in each of the states ``draft``, ``returned`` and ``completed`` (``by_state``)."""
    by_state: dict[DemandStatus, Demand] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    notice_a: Notification | None = None
    """An unread console notification for society A's user."""

    def headers(self, name: str) -> dict[str, str]:
        if name == "anonymous":
            return {}
        return {"Authorization": f"Bearer {issue_token(self.users[name], self.settings)}"}

    def demand_in(self, state: DemandStatus) -> int:
        return self.by_state[state].id

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
    parties.by_state = {
        state: make_demand(session, enterprise_a, status=state)
        for state in (DemandStatus.DRAFT, DemandStatus.RETURNED, DemandStatus.COMPLETED)
    }
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
    session.flush()
    return parties
