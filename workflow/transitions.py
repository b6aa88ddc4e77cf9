"""Making a move: check it against the state machine, change the state, write its AuditEvent.

Every change of a demand's or an offer's state goes through :func:`move_demand` / :func:`move_offer`,
so each has its AuditEvent (actor, from, to, reason, at) in the same transaction. Checks come before
any change: a refused move leaves everything as it was.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from accounts.actor import Actor
from accounts.users import ROLE_LABELS
from core.errors import Conflict
from models import (
    AuditEvent,
    Demand,
    Enterprise,
    LocalAssociation,
    Offer,
    Region,
    Role,
    Society,
)
from workflow.states import DEMAND_TRANSITIONS, OFFER_TRANSITIONS, check

CONCURRENT_CHANGE = "该需求刚刚被他人办理过，请刷新后再试"
CONCURRENT_OFFER_CHANGE = "该推荐刚刚被他人办理过（或已过期），请刷新后再试"


def actor_name(session: Session, actor: Actor) -> str:
    """The party acting, as users would name it: the association, society or enterprise, or the role."""
    if actor.role is Role.LOCAL_ASSOCIATION and actor.region_code:
        la = session.scalar(select(LocalAssociation.name).where(LocalAssociation.region_code == actor.region_code))
        if la:
            return la
        region = session.get(Region, actor.region_code)
        return f"{region.name}科协" if region is not None else ROLE_LABELS[actor.role]
    if actor.role is Role.SOCIETY and actor.society_id is not None:
        society = session.get(Society, actor.society_id)
        return society.name if society is not None else ROLE_LABELS[actor.role]
    if actor.role is Role.ENTERPRISE and actor.enterprise_id is not None:
        enterprise = session.get(Enterprise, actor.enterprise_id)
        return enterprise.name if enterprise is not None else ROLE_LABELS[actor.role]
    if actor.role is Role.EXPERT:
        return actor.display_name or ROLE_LABELS[actor.role]
    return ROLE_LABELS[actor.role]


def flush(session: Session) -> None:
    """Flush; a concurrent change of the same demand (its version moved on) becomes a clear Conflict."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict(CONCURRENT_CHANGE) from exc


def lock_demand(session: Session, demand_id: int) -> Demand:
    """The demand, re-read under a row lock (``FOR UPDATE`` on PostgreSQL; SQLite serialises writers).

    Every move that touches a demand's offers takes this lock first, so concurrent moves on the same
    demand queue in one order (demand, then its offers) instead of deadlocking, and the one that waited
    sees the state the other left.
    """
    return session.scalars(
        select(Demand).where(Demand.id == demand_id).with_for_update().execution_options(populate_existing=True)
    ).one()


def record_event(
    session: Session,
    actor: Actor,
    *,
    entity_type: str,
    entity_id: int,
    demand_id: int | None,
    action: str,
    now: datetime,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        entity_type=entity_type,
        entity_id=entity_id,
        demand_id=demand_id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor_user_id=actor.user_id,
        actor_role=actor.role,
        reason=reason,
        data={"by": actor_name(session, actor), **(data or {})},
        at=now,
    )
    session.add(event)
    flush(session)
    return event


def move_demand(
    session: Session,
    actor: Actor,
    demand: Demand,
    name: str,
    *,
    now: datetime,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Apply demand transition ``name`` (checked first) and record it."""
    transition = DEMAND_TRANSITIONS[name]
    check(transition, demand.status, actor)
    before = demand.status
    demand.status = transition.target
    demand.status_reason = reason
    demand.status_changed_at = now
    return record_event(
        session,
        actor,
        entity_type="demand",
        entity_id=demand.id,
        demand_id=demand.id,
        action=f"demand.{name}",
        from_state=before.value,
        to_state=transition.target.value,
        reason=reason,
        data=data,
        now=now,
    )


def move_offer(
    session: Session,
    actor: Actor,
    offer: Offer,
    name: str,
    *,
    now: datetime,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
    strict: bool = True,
) -> AuditEvent | None:
    """Apply offer transition ``name`` (checked first) and record it.

    An offer another transaction changed meanwhile raises :class:`Conflict`; with ``strict=False`` (a
    consequence such as superseding the other offers) it is left as it is and ``None`` returned.
    """
    transition = OFFER_TRANSITIONS[name]
    check(transition, offer.status, actor, what="推荐")
    lock_demand(session, offer.demand_id)
    before = offer.status
    values: dict[str, Any] = {"status": transition.target}
    if name in ("accept", "decline"):
        values |= {"responded_at": now, "response_note": reason}
    # Offers have no version column: the change is a conditional UPDATE, so a society answering while
    # a worker expires the same offer (or two workers expiring it) changes it exactly once.
    result = session.execute(
        update(Offer)
        .where(Offer.id == offer.id, Offer.status == before)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if not isinstance(result, CursorResult) or result.rowcount != 1:
        session.expire(offer)
        if not strict:
            return None
        raise Conflict(CONCURRENT_OFFER_CHANGE)
    for key, value in values.items():
        set_committed_value(offer, key, value)
    return record_event(
        session,
        actor,
        entity_type="offer",
        entity_id=offer.id,
        demand_id=offer.demand_id,
        action=f"offer.{name}",
        from_state=before.value,
        to_state=transition.target.value,
        reason=reason,
        data={"society_id": offer.society_id, **(data or {})},
        now=now,
    )
