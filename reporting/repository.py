"""Every query of the statistics: plain facts about the demands an actor may see.

Scope is not decided here: callers pass ``workflow.scopes.demand_visibility`` for the actor, the same
condition the workflow's own queries and the REST API use.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from models import AuditEvent, Demand, DemandStatus, Docking, Offer, OfferStatus, Region, Society


class DemandFact(NamedTuple):
    id: int
    title: str
    region_code: str
    status: DemandStatus
    submitted_at: datetime | None
    changed_at: datetime | None

    @property
    def since(self) -> datetime | None:
        """When the demand entered its current state."""
        return self.changed_at or self.submitted_at


class DockingTime(NamedTuple):
    demand_id: int
    submitted_at: datetime | None
    confirmed_at: datetime


class OverdueRow(NamedTuple):
    offer_id: int
    demand_id: int
    demand_title: str
    society_name: str
    deadline_at: datetime


def regions(session: Session) -> Sequence[Region]:
    return session.scalars(select(Region)).all()


def demand_facts(session: Session, visible: ColumnElement[bool]) -> list[DemandFact]:
    """Every visible demand past its draft."""
    rows = session.execute(
        select(
            Demand.id, Demand.title, Demand.region_code, Demand.status, Demand.submitted_at, Demand.status_changed_at
        ).where(visible, Demand.status != DemandStatus.DRAFT)
    )
    return [DemandFact(*row) for row in rows]


def offered_demands(session: Session, visible: ColumnElement[bool]) -> tuple[set[int], set[int]]:
    """Visible demands with any offer, and those among them with an accepted offer."""
    rows = session.execute(
        select(Offer.demand_id, Offer.status).join(Demand, Demand.id == Offer.demand_id).where(visible)
    ).all()
    offered = {demand_id for demand_id, _ in rows}
    accepted = {demand_id for demand_id, status in rows if status is OfferStatus.ACCEPTED}
    return offered, accepted


def docking_times(session: Session, visible: ColumnElement[bool]) -> list[DockingTime]:
    """Submission and confirmation times of every confirmed docking of a visible demand."""
    rows = session.execute(
        select(Docking.demand_id, Demand.submitted_at, Docking.confirmed_at)
        .join(Demand, Demand.id == Docking.demand_id)
        .where(visible, Docking.confirmed_at.is_not(None))
    )
    return [DockingTime(demand_id, submitted, confirmed) for demand_id, submitted, confirmed in rows if confirmed]


def overdue_offers(
    session: Session, visible: ColumnElement[bool], now: datetime, limit: int
) -> tuple[int, list[OverdueRow]]:
    """How many pending offers of visible demands are past their deadline, and the ``limit`` oldest."""
    condition = (
        visible,
        Offer.status == OfferStatus.PENDING,
        Offer.deadline_at.is_not(None),
        Offer.deadline_at < now,
    )
    total = session.scalar(select(func.count(Offer.id)).join(Demand, Demand.id == Offer.demand_id).where(*condition))
    rows = session.execute(
        select(Offer.id, Demand.id, Demand.title, Society.name, Offer.deadline_at)
        .join(Demand, Demand.id == Offer.demand_id)
        .join(Society, Society.id == Offer.society_id)
        .where(*condition)
        .order_by(Offer.deadline_at, Offer.id)
        .limit(limit)
    )
    return int(total or 0), [OverdueRow(o, d, t, n, deadline) for o, d, t, n, deadline in rows if deadline]


def escalated_demand_ids(session: Session, demand_ids: Sequence[int], action: str) -> set[int]:
    """Those of ``demand_ids`` whose latest demand event is ``action`` (the escalation to the center)."""
    if not demand_ids:
        return set()
    latest = (
        select(AuditEvent.demand_id, func.max(AuditEvent.id).label("last_id"))
        .where(AuditEvent.entity_type == "demand", AuditEvent.demand_id.in_(demand_ids))
        .group_by(AuditEvent.demand_id)
        .subquery()
    )
    rows = session.scalars(
        select(AuditEvent.demand_id).join(latest, latest.c.last_id == AuditEvent.id).where(AuditEvent.action == action)
    )
    return {demand_id for demand_id in rows if demand_id is not None}
