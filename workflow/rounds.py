"""Offer rounds: offers made from the match snapshot, the next round when one ends unanswered, escalation.

On approval the best ``societies_per_round`` societies of the demand's match snapshot (the one the
association saw when screening) get offers, each with the society's proposed team, the matcher's
explanation and its real score parts; the demand becomes ``offered``. When every offer of the demand is
declined or expired the demand becomes ``unmatched`` and the next societies of the snapshot get offers,
until ``max_rounds`` rounds have been made (or nobody is left): then the demand is escalated to the
provincial center, which may reroute it to a society it chooses (:func:`workflow.offers.reroute`).
When approval finds no snapshot for the current submission yet, the ``demand.offer`` job runs the
matcher in the worker and makes the first round there.

The enterprise hears of the first round in the approval notice (it says the demand goes to the
societies); later rounds, the reroute and the escalation each tell it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core import clock
from core.errors import ServiceUnavailable
from core.settings import WorkflowSettings, get_settings
from directory.regions import get_region
from matching.schemas import MatchResult, SocietyMatch
from matching.service import INDEX_NOT_READY, match_demand
from models import AuditEvent, Demand, DemandMatch, DemandStatus, Enterprise, Offer, OfferStatus, Society
from program.eligibility import offerable_society
from workflow import offer_messages as say
from workflow.jobs import enqueue_job
from workflow.notify import announce, association_recipients, center_recipients, enterprise_recipients
from workflow.notify import society_recipients as society_staff
from workflow.suggestions import latest_snapshot, societies_to_rank, store_snapshot

if TYPE_CHECKING:
    from matching.engine import MatchingEngine
from workflow.transitions import flush, move_demand, record_event

OFFER_JOB = "demand.offer"
SUBMISSIONS = ("demand.submit", "demand.supplement")
OPEN_OFFERS = (OfferStatus.PENDING, OfferStatus.ACCEPTED)


def policy_or_default(policy: WorkflowSettings | None) -> WorkflowSettings:
    return policy if policy is not None else get_settings().workflow


def submission_event_id(session: Session, demand_id: int) -> int | None:
    """The AuditEvent of the demand's latest (re)submission, whose snapshot the offers are made from."""
    return session.scalar(
        select(func.max(AuditEvent.id)).where(AuditEvent.demand_id == demand_id, AuditEvent.action.in_(SUBMISSIONS))
    )


def snapshot_for_offers(session: Session, demand_id: int) -> MatchResult | None:
    """The match snapshot of the current submission (or the newest one of a demand without a recorded one)."""
    submission = submission_event_id(session, demand_id)
    if submission is None:
        return latest_snapshot(session, demand_id)
    row = session.scalar(
        select(DemandMatch).where(DemandMatch.demand_id == demand_id, DemandMatch.submission_event_id == submission)
    )
    return MatchResult.model_validate(row.result) if row is not None else None


def current_round(session: Session, demand_id: int) -> int:
    return session.scalar(select(func.max(Offer.round)).where(Offer.demand_id == demand_id)) or 0


def has_open_offers(session: Session, demand_id: int) -> bool:
    found = session.scalar(select(Offer.id).where(Offer.demand_id == demand_id, Offer.status.in_(OPEN_OFFERS)).limit(1))
    return found is not None


def _next_societies(session: Session, demand_id: int, snapshot: MatchResult, count: int) -> list[SocietyMatch]:
    offered = set(session.scalars(select(Offer.society_id).where(Offer.demand_id == demand_id)))
    ids = [s.society_id for s in snapshot.societies if s.society_id not in offered]
    active = set(session.scalars(select(Society.id).where(Society.id.in_(ids), offerable_society())))
    return [s for s in snapshot.societies if s.society_id in active][:count]


def explanation_of(match: SocietyMatch, snapshot: MatchResult) -> dict[str, Any]:
    return {
        "reason": match.reason,
        "has_station_in_region": match.has_station_in_region,
        "team": [m.model_dump() for m in match.team],
        "model": snapshot.model,
        "index_watermark": snapshot.index_watermark,
    }


def create_offer(
    session: Session,
    actor: Actor,
    demand: Demand,
    *,
    society_id: int,
    round_no: int,
    rank: int,
    score: float,
    score_parts: dict[str, float],
    explanation: dict[str, Any],
    team: list[int],
    now: datetime,
    policy: WorkflowSettings,
) -> Offer:
    """One pending offer with its deadline, its ``offer.create`` event and the notice to the society."""
    deadline = now + timedelta(hours=policy.offer_deadline_hours)
    offer = Offer(
        demand_id=demand.id,
        society_id=society_id,
        round=round_no,
        rank=rank,
        score=score,
        score_parts=score_parts,
        explanation=explanation,
        proposed_expert_ids=team,
        status=OfferStatus.PENDING,
        deadline_at=deadline,
        created_at=now,
        updated_at=now,
    )
    session.add(offer)
    flush(session)
    event = record_event(
        session,
        actor,
        entity_type="offer",
        entity_id=offer.id,
        demand_id=demand.id,
        action="offer.create",
        to_state=OfferStatus.PENDING.value,
        data={"society_id": society_id, "round": round_no, "score": score},
        now=now,
    )
    region = get_region(session, demand.region_code).full_name
    announce(
        session,
        event,
        society_staff(session, society_id),
        say.offer_to_society(demand, offer.id, region, deadline, now),
    )
    return offer


@dataclass(frozen=True)
class Round:
    event: AuditEvent
    """The demand's ``demand.offer`` event."""
    offers: list[Offer]


def make_round(
    session: Session, demand: Demand, snapshot: MatchResult, *, now: datetime, policy: WorkflowSettings
) -> Round | None:
    """Offers to the next best societies not offered yet; demand → offered. Nobody left: no change, None."""
    picks = _next_societies(session, demand.id, snapshot, policy.societies_per_round)
    if not picks:
        return None
    round_no = current_round(session, demand.id) + 1
    system = Actor.system()
    event = move_demand(session, system, demand, "offer", now=now, data={"round": round_no, "societies": len(picks)})
    offers = [
        create_offer(
            session,
            system,
            demand,
            society_id=m.society_id,
            round_no=round_no,
            rank=m.rank,
            score=m.score,
            score_parts=dict(m.score_parts),
            explanation=explanation_of(m, snapshot),
            team=[t.expert_id for t in sorted(m.team, key=lambda t: t.role != "leader")],
            now=now,
            policy=policy,
        )
        for m in picks
    ]
    return Round(event, offers)


def start_offers(
    session: Session, demand: Demand, *, now: datetime, policy: WorkflowSettings | None = None
) -> list[Offer]:
    """The first round for an approved demand, from its snapshot; without one, the ``demand.offer`` job."""
    policy = policy_or_default(policy)
    snapshot = snapshot_for_offers(session, demand.id)
    if snapshot is None:
        approval = session.scalar(
            select(func.max(AuditEvent.id)).where(
                AuditEvent.demand_id == demand.id, AuditEvent.action == "demand.approve"
            )
        )
        enqueue_job(session, OFFER_JOB, {"demand_id": demand.id}, dedupe_key=f"{OFFER_JOB}:{demand.id}:{approval}")
        return []
    made = make_round(session, demand, snapshot, now=now, policy=policy)
    if made is None:
        unmatched = move_demand(session, Actor.system(), demand, "unmatch", now=now, reason="没有可推荐的学会")
        escalate(session, demand, unmatched, now=now)
        return []
    return made.offers


def make_offer_round(
    session: Session,
    engine: MatchingEngine | None,
    demand_id: int,
    round_no: int = 1,
    *,
    now: datetime | None = None,
    policy: WorkflowSettings | None = None,
) -> list[Offer]:
    """The ``demand.offer`` job's body: the first round of an approved demand, matching it first if
    its snapshot is missing. Idempotent: a demand past ``approved`` or with that round made is left alone.

    Later rounds are made when the previous one closes (:func:`round_closed`), not here.
    """
    now, policy = now or clock.now(), policy_or_default(policy)
    demand = session.get(Demand, demand_id)
    if demand is None or demand.status is not DemandStatus.APPROVED or current_round(session, demand_id) >= round_no:
        return []
    if snapshot_for_offers(session, demand.id) is None:
        if engine is None:
            raise ServiceUnavailable(INDEX_NOT_READY)
        result = match_demand(session, engine, demand.id, top_societies=societies_to_rank(policy))
        store_snapshot(session, demand.id, submission_event_id(session, demand.id) or 0, result, now=now)
    return start_offers(session, demand, now=now, policy=policy)


def round_closed(
    session: Session, actor: Actor, demand: Demand, *, now: datetime, policy: WorkflowSettings | None = None
) -> None:
    """After an offer was declined or expired: when none is open any more, the next round or escalation."""
    policy = policy_or_default(policy)
    if demand.status is not DemandStatus.OFFERED or has_open_offers(session, demand.id):
        return
    unmatched = move_demand(session, actor, demand, "unmatch", now=now, reason="本轮推荐的学会均未承接")
    snapshot = snapshot_for_offers(session, demand.id)
    if current_round(session, demand.id) < policy.max_rounds and snapshot is not None:
        made = make_round(session, demand, snapshot, now=now, policy=policy)
        if made is not None:
            notice = say.reoffered_to_enterprise(demand, now)
            announce(session, made.event, enterprise_recipients(session, demand), notice)
            return
    escalate(session, demand, unmatched, now=now)


def escalate(session: Session, demand: Demand, unmatched: AuditEvent, *, now: datetime) -> AuditEvent:
    """An unmatched demand nobody else is left to offer to: the center is asked to reroute it."""
    rounds = current_round(session, demand.id)
    event = record_event(
        session,
        Actor.system(),
        entity_type="demand",
        entity_id=demand.id,
        demand_id=demand.id,
        action="demand.escalate",
        reason=f"经 {rounds} 轮推荐仍无学会承接",
        data={"rounds": rounds, "after_event_id": unmatched.id},
        now=now,
    )
    enterprise = session.get(Enterprise, demand.enterprise_id)
    name = enterprise.name if enterprise is not None else "企业"
    region = get_region(session, demand.region_code).full_name
    staff = say.escalated_to_staff(demand, name, region, rounds, now)
    announce(session, event, enterprise_recipients(session, demand), say.escalated_to_enterprise(demand, now))
    announce(session, event, center_recipients(session), staff)
    announce(session, event, association_recipients(session, demand.region_code), staff)
    return event
