"""Reading offers as a society does: its inbox, one offer with the demand and the proposed team, and the
members it may put on the team (with their load and any conflict), scoped by :mod:`workflow.scopes`.

The demand comes through :func:`workflow.queries.demand_detail`, so contacts stay hidden until the
docking is confirmed. Why each proposed expert fits comes from the match snapshot the offer was made
from (the society sees its own team's reasons, not its peers' ranking).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core import clock
from core.errors import PermissionDenied
from matching.repository import open_loads
from matching.schemas import SupportingWork
from matching.service import same_organisation
from models import (
    Demand,
    DemandStatus,
    Docking,
    DockingExpert,
    DockingStatus,
    Enterprise,
    Expert,
    Offer,
    OfferStatus,
    Region,
    Role,
    SocietyMembership,
)
from workflow.queries import _like, demand_detail
from workflow.schemas import DemandDetail, OfferView, Page
from workflow.scopes import offer_visibility, visible_offer
from workflow.states import DOCKING_STATUS_LABELS, OFFER_STATUS_LABELS
from workflow.suggestions import latest_snapshot

OfferTab = Literal["pending", "answered", "all"]
NEW_FOR = timedelta(hours=48)
"""A pending offer this young is marked new in the inbox."""


class OfferSummary(BaseModel):
    id: int
    demand_id: int
    demand_title: str
    region_name: str
    category_label: str | None
    round: int
    status: OfferStatus
    status_label: str
    created_at: datetime
    deadline_at: datetime | None
    responded_at: datetime | None
    is_new: bool
    is_overdue: bool


class OfferPage(BaseModel):
    items: list[OfferSummary]
    total: int
    page: int
    size: int
    pending: int
    """Pending offers of this society (whatever the tab): the inbox's badge."""


class TeamCandidate(BaseModel):
    """An expert as the society weighs them for this demand's team."""

    expert_id: int
    name: str
    title: str
    employer: str
    capacity: int
    load: int
    """Dockings in progress."""
    is_active: bool
    conflict: bool
    """Works for the enterprise that raised the demand (must stand aside)."""
    reason: str = ""
    matched_keywords: list[str] = []
    supporting_works: list[SupportingWork] = []

    @property
    def available(self) -> bool:
        return self.is_active and self.load < self.capacity and not self.conflict


class OfferDetail(BaseModel):
    offer: OfferView
    demand: DemandDetail
    proposed: list[TeamCandidate]
    summary: str
    """The matcher's sentence on why this society fits."""
    can_answer: bool


def _society_only(actor: Actor) -> int:
    if actor.role is not Role.SOCIETY or actor.society_id is None:
        raise PermissionDenied("推荐需求由承接的学会处理")
    return actor.society_id


def list_offers(
    session: Session, actor: Actor, tab: OfferTab = "pending", page: Page | None = None, *, now: datetime | None = None
) -> OfferPage:
    """A society's offers: pending ones (deadline first), answered ones, or all, one page of them."""
    _society_only(actor)
    page, now = page or Page(), now or clock.now()
    conditions = [offer_visibility(session, actor)]
    if tab == "pending":
        conditions.append(Offer.status == OfferStatus.PENDING)
    elif tab == "answered":
        conditions.append(Offer.status != OfferStatus.PENDING)
    order = (
        (Offer.deadline_at.asc(), Offer.id.asc())
        if tab == "pending"
        else (func.coalesce(Offer.responded_at, Offer.created_at).desc(), Offer.id.desc())
    )
    total = session.scalar(select(func.count(Offer.id)).where(*conditions)) or 0
    pending = session.scalar(
        select(func.count(Offer.id)).where(offer_visibility(session, actor), Offer.status == OfferStatus.PENDING)
    )
    rows = session.execute(
        select(Offer, Demand.title, Demand.category, Region.name)
        .join(Demand, Demand.id == Offer.demand_id)
        .join(Region, Region.code == Demand.region_code)
        .where(*conditions)
        .order_by(*order)
        .offset((page.number - 1) * page.size)
        .limit(page.size)
    ).all()
    items = [
        OfferSummary(
            id=o.id,
            demand_id=o.demand_id,
            demand_title=title,
            region_name=region,
            category_label=category.label if category else None,
            round=o.round,
            status=o.status,
            status_label=OFFER_STATUS_LABELS[o.status],
            created_at=o.created_at,
            deadline_at=o.deadline_at,
            responded_at=o.responded_at,
            is_new=o.status is OfferStatus.PENDING and now - o.created_at < NEW_FOR,
            is_overdue=o.status is OfferStatus.PENDING and o.deadline_at is not None and o.deadline_at < now,
        )
        for o, title, category, region in rows
    ]
    return OfferPage(items=items, total=total, page=page.number, size=page.size, pending=int(pending or 0))


class DockingSummary(BaseModel):
    demand_id: int
    demand_title: str
    region_name: str
    demand_status: DemandStatus
    demand_status_label: str
    status: DockingStatus
    status_label: str
    team: list[str]
    created_at: datetime
    confirmed_at: datetime | None
    agreement_signed_on: date | None
    completed_at: datetime | None
    rating: int | None


class DockingPage(BaseModel):
    items: list[DockingSummary]
    total: int
    page: int
    size: int


def list_dockings(session: Session, actor: Actor, page: Page | None = None) -> DockingPage:
    """The society's dockings, newest first, with the demand's progress and the team's names."""
    society_id = _society_only(actor)
    page = page or Page()
    total = session.scalar(select(func.count(Docking.id)).where(Docking.society_id == society_id)) or 0
    rows = session.execute(
        select(Docking, Demand.title, Demand.status, Region.name)
        .join(Demand, Demand.id == Docking.demand_id)
        .join(Region, Region.code == Demand.region_code)
        .where(Docking.society_id == society_id)
        .order_by(Docking.created_at.desc(), Docking.id.desc())
        .offset((page.number - 1) * page.size)
        .limit(page.size)
    ).all()
    ids = [d.id for d, *_ in rows]
    names: dict[int, list[str]] = {}
    for docking_id, name in session.execute(
        select(DockingExpert.docking_id, Expert.name)
        .join(Expert, Expert.id == DockingExpert.expert_id)
        .where(DockingExpert.docking_id.in_(ids))
        .order_by(DockingExpert.docking_id, DockingExpert.role != "leader", Expert.id)
    ):
        names.setdefault(docking_id, []).append(name)
    items = [
        DockingSummary(
            demand_id=d.demand_id,
            demand_title=title,
            region_name=region,
            demand_status=status,
            demand_status_label=status.label,
            status=d.status,
            status_label=DOCKING_STATUS_LABELS[d.status],
            team=names.get(d.id, []),
            created_at=d.created_at,
            confirmed_at=d.confirmed_at,
            agreement_signed_on=d.agreement_signed_on,
            completed_at=d.completed_at,
            rating=d.rating,
        )
        for d, title, status, region in rows
    ]
    return DockingPage(items=items, total=total, page=page.number, size=page.size)


def _candidates(session: Session, experts: list[Expert], enterprise: Enterprise | None) -> list[TeamCandidate]:
    loads = open_loads(session)
    return [
        TeamCandidate(
            expert_id=e.id,
            name=e.name,
            title=e.title,
            employer=e.employer,
            capacity=e.capacity,
            load=loads.get(e.id, 0),
            is_active=e.is_active,
            conflict=enterprise is not None and same_organisation(e.employer, enterprise.name),
        )
        for e in experts
    ]


def offer_detail(session: Session, actor: Actor, offer_id: int, *, now: datetime | None = None) -> OfferDetail:
    """One of the society's offers: the demand as the society may read it and the proposed team with reasons."""
    _society_only(actor)
    offer = visible_offer(session, actor, offer_id)
    demand = demand_detail(session, actor, offer.demand_id, now=now)
    view = next(o for o in demand.offers if o.id == offer.id)
    enterprise = session.get(Enterprise, demand.enterprise_id)
    ids = list(offer.proposed_expert_ids)
    experts = {e.id: e for e in session.scalars(select(Expert).where(Expert.id.in_(ids)))}
    proposed = _candidates(session, [experts[i] for i in ids if i in experts], enterprise)
    snapshot = latest_snapshot(session, offer.demand_id)
    reasons = {m.expert_id: m for m in snapshot.experts} if snapshot is not None else {}
    for member in proposed:
        match = reasons.get(member.expert_id)
        if match is not None:
            member.reason = match.reason
            member.matched_keywords = list(match.matched_keywords)
            member.supporting_works = list(match.supporting_works)
    explanation = offer.explanation or {}
    summary = str(explanation.get("reason") or explanation.get("summary") or "")
    return OfferDetail(
        offer=view, demand=demand, proposed=proposed, summary=summary, can_answer=offer.status is OfferStatus.PENDING
    )


def team_candidates(
    session: Session, actor: Actor, offer_id: int, q: str = "", *, limit: int = 20
) -> list[TeamCandidate]:
    """Members of the society matching ``q`` (name, employer, fields), as candidates for this offer's team."""
    society_id = _society_only(actor)
    offer = visible_offer(session, actor, offer_id)
    demand = session.get(Demand, offer.demand_id)
    enterprise = session.get(Enterprise, demand.enterprise_id) if demand is not None else None
    conditions = [
        SocietyMembership.society_id == society_id,
        Expert.id == SocietyMembership.expert_id,
    ]
    for word in q.split()[:5]:
        pattern = _like(word)
        conditions.append(
            or_(
                Expert.name.like(pattern, escape="\\"),
                Expert.employer.like(pattern, escape="\\"),
                Expert.fields.like(pattern, escape="\\"),
            )
        )
    experts = list(
        session.scalars(
            select(Expert).where(*conditions).order_by(Expert.is_active.desc(), Expert.name, Expert.id).limit(limit)
        )
    )
    return _candidates(session, experts, enterprise)
