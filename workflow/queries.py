"""Reading demands, scoped to the actor: lists with filters and pages, the detail with its timeline.

What each role reads differs (see :func:`demand_detail`): a society sees only its own offers and gets
the enterprise's contact details only once its docking is confirmed; enterprises and experts see the
demand's own steps, not the offers.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core import clock
from core.clock import BEIJING
from core.errors import PermissionDenied
from directory.regions import region_subtree
from models import (
    AuditEvent,
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
    Society,
)
from workflow.schemas import (
    Contact,
    DemandDetail,
    DemandFilters,
    DemandPage,
    DemandSummary,
    DockingView,
    MyDemand,
    OfferView,
    Page,
    TeamMemberView,
    TimelineEntry,
)
from workflow.scopes import demand_visibility, sees_all_offers, visible_demand
from workflow.states import DEMAND_TRANSITIONS, DOCKING_STATUS_LABELS, OFFER_STATUS_LABELS, OFFER_TRANSITIONS
from workflow.suggestions import SUGGESTION_ROLES, latest_snapshot

CONTACT_AFTER = frozenset(
    {DockingStatus.CONFIRMED, DockingStatus.CONTRACTED, DockingStatus.COMPLETED, DockingStatus.CLOSED}
)
OTHER_EVENTS = {
    "demand.create": "创建了需求草稿",
    "demand.escalate": "将需求上报省科技咨询服务中心",
    "offer.create": "向学会发出推荐",
    "docking.cancel": "取消了对接",
}


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _summary(demand: Demand, region: str, enterprise: str, now: datetime) -> DemandSummary:
    since = demand.submitted_at or demand.created_at
    return DemandSummary(
        id=demand.id,
        title=demand.title,
        status=demand.status,
        status_label=demand.status.label,
        category=demand.category,
        category_label=demand.category.label if demand.category else None,
        industry=demand.industry,
        keywords=list(demand.keywords),
        region_code=demand.region_code,
        region_name=region,
        enterprise_id=demand.enterprise_id,
        enterprise_name=enterprise,
        is_government=demand.is_government,
        created_at=demand.created_at,
        submitted_at=demand.submitted_at,
        status_changed_at=demand.status_changed_at,
        age_days=max(0, (now - since).days),
    )


def list_demands(
    session: Session,
    actor: Actor,
    filters: DemandFilters | None = None,
    page: Page | None = None,
    *,
    now: datetime | None = None,
) -> DemandPage:
    """The demands ``actor`` may see, filtered, newest (or oldest) first, one page with the total."""
    filters, page, now = filters or DemandFilters(), page or Page(), now or clock.now()
    conditions = [demand_visibility(session, actor)]
    if filters.status:
        conditions.append(Demand.status.in_(filters.status))
    if filters.region_code:
        conditions.append(Demand.region_code.in_(sorted(region_subtree(session, filters.region_code))))
    if filters.category:
        conditions.append(Demand.category == filters.category)
    if filters.created_from:
        conditions.append(Demand.created_at >= datetime.combine(filters.created_from, time(), BEIJING))
    if filters.created_to:
        conditions.append(Demand.created_at < datetime.combine(filters.created_to, time.max, BEIJING))
    for term in (filters.q or "").split():
        pattern = _like(term)
        conditions.append(
            or_(
                Demand.title.like(pattern, escape="\\"),
                Demand.description.like(pattern, escape="\\"),
                cast(Demand.keywords, String).like(pattern, escape="\\"),
            )
        )
    total = session.scalar(select(func.count(Demand.id)).where(*conditions)) or 0
    waiting_since = func.coalesce(Demand.submitted_at, Demand.created_at)
    order = waiting_since.asc() if filters.sort == "oldest" else waiting_since.desc()
    rows = session.execute(
        select(Demand, Region.name, Enterprise.name)
        .join(Region, Region.code == Demand.region_code)
        .join(Enterprise, Enterprise.id == Demand.enterprise_id)
        .where(*conditions)
        .order_by(order, Demand.id.desc() if filters.sort == "newest" else Demand.id.asc())
        .offset((page.number - 1) * page.size)
        .limit(page.size)
    ).all()
    items = [_summary(d, region, enterprise, now) for d, region, enterprise in rows]
    return DemandPage(items=items, total=total, page=page.number, size=page.size)


def _event_text(event: AuditEvent) -> str:
    by = str(event.data.get("by", ""))
    kind, _, name = event.action.partition(".")
    if kind == "demand" and name in DEMAND_TRANSITIONS:
        label = DEMAND_TRANSITIONS[name].label
    elif kind == "offer" and name in OFFER_TRANSITIONS:
        label = OFFER_TRANSITIONS[name].label
    else:
        label = OTHER_EVENTS.get(event.action, event.action)
    text = f"{by}{label}"
    if event.reason:
        text += f"：{event.reason}"
    return text


def _state(kind: str, value: str | None) -> str | None:
    if value is None:
        return None
    if kind == "demand":
        return DemandStatus(value).label
    if kind == "offer":
        return OFFER_STATUS_LABELS[OfferStatus(value)]
    return DOCKING_STATUS_LABELS.get(DockingStatus(value), value) if kind == "docking" else value


def _timeline(session: Session, actor: Actor, demand_id: int) -> list[TimelineEntry]:
    events = session.scalars(select(AuditEvent).where(AuditEvent.demand_id == demand_id).order_by(AuditEvent.id))
    entries = []
    for event in events:
        if event.entity_type == "offer":
            if actor.role in (Role.ENTERPRISE, Role.EXPERT):
                continue
            if actor.role is Role.SOCIETY and event.data.get("society_id") != actor.society_id:
                continue
        kind = event.entity_type
        entries.append(
            TimelineEntry(
                at=event.at,
                action=event.action,
                text=_event_text(event),
                actor_role=event.actor_role,
                actor_name=str(event.data.get("by", "")),
                from_state=_state(kind, event.from_state),
                to_state=_state(kind, event.to_state),
                reason=event.reason,
            )
        )
    return entries


def _offers(session: Session, actor: Actor, demand_id: int) -> list[OfferView]:
    if actor.role in (Role.ENTERPRISE, Role.EXPERT):
        return []
    query = (
        select(Offer, Society.name).join(Society, Society.id == Offer.society_id).where(Offer.demand_id == demand_id)
    )
    if not sees_all_offers(actor):
        query = query.where(Offer.society_id == actor.society_id)
    return [
        OfferView(
            id=o.id,
            society_id=o.society_id,
            society_name=name,
            round=o.round,
            rank=o.rank,
            score=o.score,
            score_parts=dict(o.score_parts),
            explanation=dict(o.explanation),
            proposed_expert_ids=list(o.proposed_expert_ids),
            status=o.status,
            status_label=OFFER_STATUS_LABELS[o.status],
            deadline_at=o.deadline_at,
            responded_at=o.responded_at,
            response_note=o.response_note,
        )
        for o, name in session.execute(query.order_by(Offer.round, Offer.rank))
    ]


def _docking(session: Session, actor: Actor, demand_id: int) -> DockingView | None:
    docking = session.scalar(select(Docking).where(Docking.demand_id == demand_id))
    if docking is None or (actor.role is Role.SOCIETY and docking.society_id != actor.society_id):
        return None
    society = session.get(Society, docking.society_id)
    team = session.execute(
        select(DockingExpert.role, Expert)
        .join(Expert, Expert.id == DockingExpert.expert_id)
        .where(DockingExpert.docking_id == docking.id)
        .order_by(DockingExpert.role != "leader", Expert.id)
    ).all()
    return DockingView(
        id=docking.id,
        society_id=docking.society_id,
        society_name=society.name if society else "",
        status=docking.status,
        team=[
            TeamMemberView(expert_id=e.id, name=e.name, title=e.title, employer=e.employer, role=role)
            for role, e in team
        ],
        confirmed_at=docking.confirmed_at,
        agreement_signed_on=docking.agreement_signed_on,
        agreement_amount=docking.agreement_amount,
        outcome=docking.outcome,
        completed_at=docking.completed_at,
        rating=docking.rating,
        rating_comment=docking.rating_comment,
        closed_at=docking.closed_at,
    )


def _contact(demand: Demand, actor: Actor, docking: DockingView | None) -> tuple[Contact | None, str | None]:
    contact = Contact(name=demand.contact_name, phone=demand.contact_phone, email=demand.contact_email)
    if actor.role in (Role.SOCIETY, Role.EXPERT):
        if docking is None or docking.status not in CONTACT_AFTER:
            return None, "企业联系方式在对接确认后提供"
        if actor.role is Role.EXPERT and actor.expert_id not in {m.expert_id for m in docking.team}:
            return None, "企业联系方式在对接确认后提供"
    return contact, None


def _actions(session: Session, actor: Actor, demand: Demand, offers: list[OfferView]) -> list[str]:
    names = [
        name
        for name, t in DEMAND_TRANSITIONS.items()
        if demand.status in t.sources and actor.role in t.roles and not t.consequence and actor.role is not Role.SYSTEM
    ]
    if actor.role is Role.SOCIETY:
        for offer in offers:
            if offer.society_id == actor.society_id:
                names += [
                    f"offer.{n}"
                    for n, t in OFFER_TRANSITIONS.items()
                    if offer.status in t.sources and actor.role in t.roles
                ]
    return names


def demand_detail(session: Session, actor: Actor, demand_id: int, *, now: datetime | None = None) -> DemandDetail:
    """One demand as ``actor`` may read it: text, offers, docking, suggestions, timeline, possible actions."""
    now = now or clock.now()
    demand = visible_demand(session, actor, demand_id)
    region = session.get(Region, demand.region_code)
    enterprise = session.get(Enterprise, demand.enterprise_id)
    summary = _summary(demand, region.name if region else "", enterprise.name if enterprise else "", now)
    offers = _offers(session, actor, demand.id)
    docking = _docking(session, actor, demand.id)
    contact, note = _contact(demand, actor, docking)
    return DemandDetail(
        **summary.model_dump(),
        description=demand.description,
        expected_outcome=demand.expected_outcome,
        budget_min=demand.budget_min,
        budget_max=demand.budget_max,
        budget_negotiable=demand.budget_negotiable,
        deadline=demand.deadline,
        attachments=list(demand.attachments),
        status_reason=demand.status_reason,
        contact=contact,
        contact_note=note,
        offers=offers,
        docking=docking,
        suggestions=latest_snapshot(session, demand.id) if actor.role in SUGGESTION_ROLES else None,
        timeline=_timeline(session, actor, demand.id),
        actions=_actions(session, actor, demand, offers),
    )


def my_demands(session: Session, actor: Actor) -> list[MyDemand]:
    """An enterprise's demands, newest first, each with its status and its latest step."""
    if actor.role is not Role.ENTERPRISE:
        raise PermissionDenied("「我的需求」只对企业用户开放")
    demands = list(
        session.scalars(
            select(Demand).where(demand_visibility(session, actor)).order_by(Demand.created_at.desc(), Demand.id.desc())
        )
    )
    latest = (
        select(AuditEvent.demand_id, func.max(AuditEvent.id).label("last_id"))
        .where(AuditEvent.demand_id.in_([d.id for d in demands]), AuditEvent.entity_type != "offer")
        .group_by(AuditEvent.demand_id)
        .subquery()
    )
    events = {
        e.demand_id: e for e in session.scalars(select(AuditEvent).join(latest, AuditEvent.id == latest.c.last_id))
    }
    out = []
    for d in demands:
        event = events.get(d.id)
        out.append(
            MyDemand(
                id=d.id,
                title=d.title,
                status=d.status,
                status_label=d.status.label,
                created_at=d.created_at,
                last_step=_event_text(event) if event is not None else d.status.label,
                last_step_at=event.at if event is not None else d.created_at,
            )
        )
    return out
