"""Who may see which demand, offer and docking: the one place scope is decided.

A local association sees the demands of its region subtree (:func:`directory.regions.region_subtree`),
a society the demands it has an offer for and its own offers and dockings, an enterprise its own
demands, an expert the demands whose docking team includes them, the center, the department and the
system everything. Drafts are the enterprise's own until submitted.

Anything out of an actor's scope is reported as :class:`~core.errors.NotFound`, exactly like an id
that does not exist, so ids of other parties reveal nothing. A visible object the actor's role may not
act on gives :class:`~core.errors.PermissionDenied` (see :mod:`workflow.states`).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, select, true
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core.errors import NotFound
from directory.regions import region_subtree
from models import Demand, DemandStatus, Docking, DockingExpert, Offer, Role

EVERYWHERE = frozenset({Role.CENTER, Role.DEPARTMENT, Role.SYSTEM})


def demand_not_found(demand_id: int) -> NotFound:
    return NotFound(f"找不到编号为 {demand_id} 的需求（或不在您的办理范围内）")


def offer_not_found(offer_id: int) -> NotFound:
    return NotFound(f"找不到编号为 {offer_id} 的推荐（或不在您的办理范围内）")


def demand_visibility(session: Session, actor: Actor) -> ColumnElement[bool]:
    """A SQL condition on :class:`~models.Demand` selecting what ``actor`` may see."""
    if actor.role is Role.SYSTEM:
        return true()
    if actor.role is Role.ENTERPRISE:
        return Demand.enterprise_id == actor.enterprise_id if actor.enterprise_id is not None else false()
    submitted = Demand.status != DemandStatus.DRAFT
    if actor.role in EVERYWHERE:
        return submitted
    if actor.role is Role.LOCAL_ASSOCIATION and actor.region_code is not None:
        return submitted & Demand.region_code.in_(sorted(region_subtree(session, actor.region_code)))
    if actor.role is Role.SOCIETY and actor.society_id is not None:
        return submitted & exists().where(Offer.demand_id == Demand.id, Offer.society_id == actor.society_id)
    if actor.role is Role.EXPERT and actor.expert_id is not None:
        return submitted & exists().where(
            Docking.demand_id == Demand.id,
            DockingExpert.docking_id == Docking.id,
            DockingExpert.expert_id == actor.expert_id,
        )
    return false()


def can_see_demand(session: Session, actor: Actor, demand_id: int) -> bool:
    found = session.scalar(select(Demand.id).where(Demand.id == demand_id, demand_visibility(session, actor)))
    return found is not None


def visible_demand(session: Session, actor: Actor, demand_id: int) -> Demand:
    """The demand, if ``actor`` may see it; :class:`NotFound` otherwise (also when it does not exist)."""
    demand = session.scalar(select(Demand).where(Demand.id == demand_id, demand_visibility(session, actor)))
    if demand is None:
        raise demand_not_found(demand_id)
    return demand


def offer_visibility(session: Session, actor: Actor) -> ColumnElement[bool]:
    """A SQL condition on :class:`~models.Offer`: a society sees only its own offers; others follow the demand."""
    if actor.role is Role.SOCIETY:
        return Offer.society_id == actor.society_id if actor.society_id is not None else false()
    if actor.role is Role.SYSTEM:
        return true()
    return exists().where(Demand.id == Offer.demand_id, demand_visibility(session, actor))


def visible_offer(session: Session, actor: Actor, offer_id: int) -> Offer:
    offer = session.scalar(select(Offer).where(Offer.id == offer_id, offer_visibility(session, actor)))
    if offer is None:
        raise offer_not_found(offer_id)
    return offer


def sees_all_offers(actor: Actor) -> bool:
    """Societies see their own offers of a demand; everyone else who sees the demand sees all of them."""
    return actor.role is not Role.SOCIETY
