"""A society's answer to an offer (accept with its team, or decline), and the center's reroute.

Accepting makes the demand ``accepted`` and proposes the docking (:class:`~models.Docking`, status
``proposed``) with the team the society names — by default the team the matcher proposed. Every member
must belong to the society, be active, have capacity left (dockings in progress below their capacity)
and not work for the enterprise that raised the demand (conflict of interest). The society's other
pending offers for the demand are superseded. Declining needs a reason; when no offer of the demand is
open any more the round is over (:func:`workflow.rounds.round_closed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core import clock
from core.errors import Conflict, ValidationFailed
from core.settings import WorkflowSettings
from matching.repository import open_loads
from matching.service import same_organisation
from models import Demand, Docking, DockingExpert, DockingStatus, Enterprise, Expert, Offer, OfferStatus, Society
from models import SocietyMembership as Membership
from program.eligibility import offerable_society
from workflow import offer_messages as say
from workflow.demands import clean_reason
from workflow.notify import announce, association_recipients, enterprise_recipients, society_recipients
from workflow.rounds import (
    create_offer,
    current_round,
    explanation_of,
    make_offer_round,
    policy_or_default,
    round_closed,
    snapshot_for_offers,
)
from workflow.scopes import visible_demand, visible_offer
from workflow.states import DEMAND_TRANSITIONS, OFFER_STATUS_LABELS, OFFER_TRANSITIONS, check
from workflow.transitions import flush, lock_demand, move_demand, move_offer

__all__ = ["MAX_TEAM", "OfferAnswered", "accept", "decline", "make_offer_round", "reroute"]

MAX_TEAM = 10
REROUTE_TEAM = 3
"""Experts proposed when the center reroutes to a society the snapshot did not rank."""


@dataclass(frozen=True)
class OfferAnswered:
    offer: Offer
    demand: Demand


def _offer_with_demand(session: Session, actor: Actor, offer_id: int) -> tuple[Offer, Demand]:
    """The offer (scope checked) and its demand, locked, both as the last committed move left them."""
    offer = visible_offer(session, actor, offer_id)
    demand = lock_demand(session, offer.demand_id)
    session.refresh(offer)
    return offer, demand


def _team(session: Session, society_id: int, demand: Demand, expert_ids: list[int]) -> list[Expert]:
    """The experts of ``expert_ids`` (the first leads), refused with every reason if one may not serve."""
    if not expert_ids:
        raise ValidationFailed("请至少选择一位专家组成团队", fields={"field": "expert_ids"})
    if len(set(expert_ids)) != len(expert_ids):
        raise ValidationFailed("专家团队中有重复的专家", fields={"field": "expert_ids"})
    if len(expert_ids) > MAX_TEAM:
        raise ValidationFailed(f"专家团队最多 {MAX_TEAM} 人", fields={"field": "expert_ids"})
    experts = {e.id: e for e in session.scalars(select(Expert).where(Expert.id.in_(expert_ids)))}
    members = set(
        session.scalars(
            select(Membership.expert_id).where(
                Membership.society_id == society_id, Membership.expert_id.in_(expert_ids)
            )
        )
    )
    enterprise = session.get_one(Enterprise, demand.enterprise_id)
    loads = open_loads(session)
    problems = []
    for expert_id in expert_ids:
        expert = experts.get(expert_id)
        if expert is None or expert_id not in members:
            problems.append(f"编号 {expert_id} 的专家不是本学会会员")
        elif not expert.is_active:
            problems.append(f"{expert.name}已停用")
        elif loads.get(expert_id, 0) >= expert.capacity:
            problems.append(f"{expert.name}已满负荷（在办 {loads.get(expert_id, 0)} 项，上限 {expert.capacity} 项）")
        elif same_organisation(expert.employer, enterprise.name):
            problems.append(f"{expert.name}与提出需求的企业同属一个单位，须回避")
    if problems:
        raise ValidationFailed("专家团队不符合要求：" + "；".join(problems), fields={"field": "expert_ids"})
    return [experts[i] for i in expert_ids]


def accept(
    session: Session,
    actor: Actor,
    offer_id: int,
    *,
    expert_ids: list[int] | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> OfferAnswered:
    """Pending → accepted, with the team (``expert_ids``, the first leads; default the proposed team).

    The demand becomes ``accepted``, the docking is proposed to the local association for
    confirmation, and the other societies' pending offers are superseded.
    """
    now = now or clock.now()
    offer, demand = _offer_with_demand(session, actor, offer_id)
    check(OFFER_TRANSITIONS["accept"], offer.status, actor, what="推荐")
    check(DEMAND_TRANSITIONS["accept"], demand.status, actor)
    team_ids = list(offer.proposed_expert_ids) if expert_ids is None else list(expert_ids)
    experts = _team(session, offer.society_id, demand, team_ids)
    text = clean_reason(note, required=False, label="接单说明")
    move_offer(session, actor, offer, "accept", now=now, reason=text, data={"team": team_ids})
    others = list(
        session.scalars(
            select(Offer)
            .where(Offer.demand_id == demand.id, Offer.id != offer.id, Offer.status == OfferStatus.PENDING)
            .order_by(Offer.id)
        )
    )
    others = [o for o in others if move_offer(session, actor, o, "supersede", now=now, strict=False) is not None]
    data = {"society_id": offer.society_id, "offer_id": offer.id, "team": team_ids}
    event = move_demand(session, actor, demand, "accept", now=now, reason=text, data=data)
    docking = Docking(
        demand_id=demand.id,
        offer_id=offer.id,
        society_id=offer.society_id,
        status=DockingStatus.PROPOSED,
        created_at=now,
        updated_at=now,
    )
    session.add(docking)
    flush(session)
    for i, expert in enumerate(experts):
        session.add(DockingExpert(docking_id=docking.id, expert_id=expert.id, role="leader" if i == 0 else "member"))
    flush(session)
    society = event.data["by"]
    names = [e.name for e in experts]
    announce(
        session, event, enterprise_recipients(session, demand), say.accepted_to_enterprise(demand, society, names, now)
    )
    to_confirm = say.accepted_to_association(demand, society, names, now)
    announce(session, event, association_recipients(session, demand.region_code), to_confirm)
    superseded = say.superseded_to_society(demand, now)
    for other in others:
        announce(session, event, society_recipients(session, other.society_id), superseded)
    return OfferAnswered(offer, demand)


def decline(
    session: Session,
    actor: Actor,
    offer_id: int,
    reason: str,
    *,
    now: datetime | None = None,
    policy: WorkflowSettings | None = None,
) -> OfferAnswered:
    """Pending → declined, with the reason; the last open offer declined ends the round."""
    now = now or clock.now()
    offer, demand = _offer_with_demand(session, actor, offer_id)
    check(OFFER_TRANSITIONS["decline"], offer.status, actor, what="推荐")
    text = clean_reason(reason, required=True, label="婉拒原因")
    move_offer(session, actor, offer, "decline", now=now, reason=text)
    round_closed(session, actor, demand, now=now, policy=policy_or_default(policy))
    return OfferAnswered(offer, demand)


def reroute(
    session: Session,
    actor: Actor,
    demand_id: int,
    society_id: int,
    *,
    note: str | None = None,
    now: datetime | None = None,
    policy: WorkflowSettings | None = None,
) -> Offer:
    """Unmatched → offered, by the provincial center, to the society it chooses (one not offered before).

    The offer carries the society's ranking from the snapshot when the matcher ranked it; otherwise no
    score, and the snapshot's best experts of that society as the proposed team.
    """
    now = now or clock.now()
    demand = lock_demand(session, visible_demand(session, actor, demand_id).id)
    check(DEMAND_TRANSITIONS["reroute"], demand.status, actor)
    society = session.scalar(select(Society).where(Society.id == society_id, offerable_society()))
    if society is None:
        raise ValidationFailed(
            "找不到该学会（或学会已停用、已被取消试点资格），请重新选择", fields={"field": "society_id"}
        )
    earlier = session.scalar(select(Offer).where(Offer.demand_id == demand.id, Offer.society_id == society_id))
    if earlier is not None:
        raise Conflict(f"{society.name}已收到过该需求的推荐（{OFFER_STATUS_LABELS[earlier.status]}），请选择其他学会")
    text = clean_reason(note, required=False, label="指定说明")
    snapshot = snapshot_for_offers(session, demand.id)
    match = next((s for s in snapshot.societies if s.society_id == society_id), None) if snapshot else None
    if match is not None and snapshot is not None:
        score, parts, explanation = match.score, dict(match.score_parts), explanation_of(match, snapshot)
        team = [t.expert_id for t in sorted(match.team, key=lambda t: t.role != "leader")]
        rank = match.rank
    else:
        team = [e.expert_id for e in (snapshot.experts if snapshot else []) if society_id in e.society_ids]
        team = team[:REROUTE_TEAM]
        score, parts, explanation = 0.0, {}, {"reason": "省科技咨询服务中心指定推荐", "team": []}
        rank = (session.scalar(select(func.max(Offer.rank)).where(Offer.demand_id == demand.id)) or 0) + 1
    round_no = current_round(session, demand.id) + 1
    data = {"society_id": society_id, "round": round_no}
    event = move_demand(session, actor, demand, "reroute", now=now, reason=text, data=data)
    offer = create_offer(
        session,
        actor,
        demand,
        society_id=society_id,
        round_no=round_no,
        rank=rank,
        score=score,
        score_parts=parts,
        explanation=explanation,
        team=team,
        now=now,
        policy=policy_or_default(policy),
    )
    notice = say.rerouted_to_enterprise(demand, society.name, now)
    announce(session, event, enterprise_recipients(session, demand), notice)
    return offer
