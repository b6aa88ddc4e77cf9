"""Periodic tasks of the workflow: offer expiry and the next round, reminders before deadlines, auto-close.

The worker runs each in its own unit of work with ``ctx.now`` (tests call them directly with a fixed
time). All are idempotent and safe on several workers at once:

- an offer expires by a conditional ``UPDATE ... WHERE status = 'pending'`` (:func:`move_offer`): of
  two workers, one changes it and the other skips it;
- a demand moves under its version column: a worker that lost the race gets a Conflict inside a
  savepoint and leaves the demand to the winner;
- a round whose offers all closed is finished by a sweep over offered demands without an open offer,
  so a round closed by two workers expiring its last two offers at once is finished on the next run;
- reminders are notifications with a dedupe key of their own (``reminder:...``): sent once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core.errors import Conflict, IllegalTransition
from models import Demand, DemandStatus, Docking, Enterprise, Offer, OfferStatus, Society
from workflow import offer_messages as say
from workflow.demands import close
from workflow.jobs import JobContext, periodic
from workflow.notify import association_recipients, society_recipients, tell
from workflow.rounds import OPEN_OFFERS, round_closed, submission_event_id
from workflow.transitions import move_offer

BATCH = 200
"""Rows a task handles per run; the next run takes the rest."""


def _guarded(session: Session, change: Callable[[], object]) -> bool:
    """Run ``change`` in a savepoint; a concurrent change of the same demand (it moved on) undoes only it."""
    try:
        with session.begin_nested():
            change()
    except (Conflict, IllegalTransition):
        return False
    return True


@periodic("workflow.expire_offers", every_seconds=300)
def expire_offers(session: Session, ctx: JobContext) -> int:
    """Pending offers past their deadline → expired; a round left without open offers → the next one."""
    system, changed = Actor.system(), 0
    due = session.scalars(
        select(Offer)
        .where(Offer.status == OfferStatus.PENDING, Offer.deadline_at <= ctx.now)
        .order_by(Offer.deadline_at, Offer.id)
        .limit(BATCH)
    ).all()
    for offer in due:
        try:
            move_offer(session, system, offer, "expire", now=ctx.now, reason="学会未在答复期限内答复")
        except Conflict:
            continue  # answered or expired by someone else meanwhile
        changed += 1
    open_offer = exists().where(Offer.demand_id == Demand.id, Offer.status.in_(OPEN_OFFERS))
    finished = session.scalars(
        select(Demand).where(Demand.status == DemandStatus.OFFERED, ~open_offer).order_by(Demand.id).limit(BATCH)
    ).all()
    for demand in finished:
        finish = partial(round_closed, session, system, demand, now=ctx.now, policy=ctx.settings.workflow)
        if _guarded(session, finish):
            changed += 1
    return changed


@periodic("workflow.remind_offers", every_seconds=900)
def remind_offers(session: Session, ctx: JobContext) -> int:
    """Remind a society of each pending offer ``offer_reminder_hours`` before it expires (once per offer)."""
    soon = ctx.now + timedelta(hours=ctx.settings.workflow.offer_reminder_hours)
    rows = session.execute(
        select(Offer, Demand)
        .join(Demand, Demand.id == Offer.demand_id)
        .where(Offer.status == OfferStatus.PENDING, Offer.deadline_at > ctx.now, Offer.deadline_at <= soon)
        .order_by(Offer.id)
        .limit(BATCH)
    ).all()
    sent = 0
    for offer, demand in rows:
        assert offer.deadline_at is not None
        notice = say.offer_reminder(demand, offer.id, offer.deadline_at, ctx.now)
        users = society_recipients(session, offer.society_id)
        sent += tell(session, users, notice, source=f"reminder:offer:{offer.id}", demand_id=demand.id, now=ctx.now)
    return sent


@periodic("workflow.remind_confirmations", every_seconds=1800)
def remind_confirmations(session: Session, ctx: JobContext) -> int:
    """Remind the local association of an accepted demand waiting ``docking_confirm_reminder_hours`` (once)."""
    waited = ctx.now - timedelta(hours=ctx.settings.workflow.docking_confirm_reminder_hours)
    rows = session.execute(
        select(Demand, Docking, Society.name)
        .join(Docking, Docking.demand_id == Demand.id)
        .join(Society, Society.id == Docking.society_id)
        .where(Demand.status == DemandStatus.ACCEPTED, Demand.status_changed_at <= waited)
        .order_by(Demand.id)
        .limit(BATCH)
    ).all()
    sent = 0
    for demand, docking, society in rows:
        notice = say.confirm_reminder(demand, society, demand.status_changed_at or docking.created_at, ctx.now)
        users = association_recipients(session, demand.region_code)
        source = f"reminder:confirm:docking{docking.id}"
        sent += tell(session, users, notice, source=source, demand_id=demand.id, now=ctx.now)
    return sent


@periodic("workflow.remind_screening", every_seconds=1800)
def remind_screening(session: Session, ctx: JobContext) -> int:
    """Remind the local association of a submitted demand waiting ``screening_reminder_hours`` (once a submission)."""
    waited = ctx.now - timedelta(hours=ctx.settings.workflow.screening_reminder_hours)
    rows = session.execute(
        select(Demand, Enterprise.name)
        .join(Enterprise, Enterprise.id == Demand.enterprise_id)
        .where(Demand.status == DemandStatus.SUBMITTED, Demand.submitted_at <= waited)
        .order_by(Demand.id)
        .limit(BATCH)
    ).all()
    sent = 0
    for demand, enterprise in rows:
        assert demand.submitted_at is not None
        submission = submission_event_id(session, demand.id) or demand.submitted_at.isoformat()
        notice = say.screening_reminder(demand, enterprise, demand.submitted_at, ctx.now)
        users = association_recipients(session, demand.region_code)
        source = f"reminder:screening:{demand.id}:{submission}"
        sent += tell(session, users, notice, source=source, demand_id=demand.id, now=ctx.now)
    return sent


@periodic("workflow.auto_close", every_seconds=3600)
def auto_close(session: Session, ctx: JobContext) -> int:
    """Close completed demands the enterprise has not rated within ``auto_close_days``."""
    days = ctx.settings.workflow.auto_close_days
    ids = session.scalars(
        select(Demand.id)
        .where(Demand.status == DemandStatus.COMPLETED, Demand.status_changed_at <= ctx.now - timedelta(days=days))
        .order_by(Demand.id)
        .limit(BATCH)
    ).all()
    reason = f"企业 {days} 天内未评价，系统自动结项"
    system = Actor.system()
    return sum(_guarded(session, partial(close, session, system, i, reason=reason, now=ctx.now)) for i in ids)
