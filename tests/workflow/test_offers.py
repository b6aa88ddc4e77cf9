"""Offers: made on approval from the snapshot, accepted with a team, declined, next rounds, escalation, reroute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import workflow
from accounts import Actor
from core.errors import Conflict, IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from core.settings import WorkflowSettings
from models import (
    AuditEvent,
    DemandStatus,
    Docking,
    DockingExpert,
    DockingStatus,
    Job,
    OfferStatus,
    Role,
)
from tests.factories import make_expert, make_society, make_user
from tests.workflow.conftest import World, counts, demand_in
from tests.workflow.offering import NOW, POLICY, notes, offered_demand, offers_of
from workflow.states import OFFER_STATUS_LABELS


def _experts(session: Session, world: World) -> tuple[list, list]:
    mine = [make_expert(session, societies=[world.society], employer="福州大学") for _ in range(3)]
    theirs = [make_expert(session, societies=[world.other_society], employer="华侨大学")]
    return mine, theirs


def test_approval_offers_the_best_societies_with_team_explanation_and_score_parts(
    session: Session, world: World
) -> None:
    mine, theirs = _experts(session, world)
    third = make_society(session, name="福建省化工学会")
    demand = offered_demand(session, world, [(world.society, mine[:2]), (world.other_society, theirs), (third, [])])
    assert demand.status is DemandStatus.OFFERED
    offers = offers_of(session, demand.id)
    assert [(o.society_id, o.round, o.rank, o.status) for o in offers] == [
        (world.society.id, 1, 1, OfferStatus.PENDING),
        (world.other_society.id, 1, 2, OfferStatus.PENDING),
    ]
    first = offers[0]
    assert first.proposed_expert_ids == [mine[0].id, mine[1].id]
    assert first.score_parts == {"profile": 0.3, "members": 0.5, "station": 0.1}
    assert first.explanation["reason"] == "福建省材料学会的会员长期研究EVA发泡材料"
    assert first.deadline_at == NOW + timedelta(hours=POLICY.offer_deadline_hours)
    told = notes(session, demand.id, "offer.created")
    assert sorted(n.recipient_user_id for n in told) == sorted(
        [world.users["society"].id, world.users["other_society"].id]
    )
    assert "企业联系方式在对接确认后提供" in told[0].payload["text"]
    actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.demand_id == demand.id))]
    assert actions == ["demand.approve", "demand.offer", "offer.create", "offer.create"]


def test_the_society_does_not_see_the_enterprise_contact_before_docking(session: Session, world: World) -> None:
    mine, _ = _experts(session, world)
    demand = offered_demand(session, world, [(world.society, mine)])
    demand.contact_phone = "13812345678"
    session.flush()
    [offer] = offers_of(session, demand.id)
    detail = workflow.offer_detail(session, world.actor("society"), offer.id, now=NOW)
    assert detail.demand.contact is None
    assert "13812345678" not in detail.model_dump_json()


def test_approval_without_a_snapshot_leaves_offers_to_the_job(session: Session, world: World) -> None:
    demand = demand_in(session, world, DemandStatus.SUBMITTED)
    workflow.approve(session, world.actor("la_jinjiang"), demand.id, now=NOW)
    assert demand.status is DemandStatus.APPROVED
    assert offers_of(session, demand.id) == []
    [job] = session.scalars(select(Job).where(Job.kind == "demand.offer"))
    assert job.payload == {"demand_id": demand.id}


def test_approval_with_nobody_to_offer_to_escalates_to_the_center(session: Session, world: World) -> None:
    demand = offered_demand(session, world, [])
    assert demand.status is DemandStatus.UNMATCHED
    told = {n.recipient_user_id for n in notes(session, demand.id, "demand.escalated")}
    assert told == {world.users["center"].id, world.users["la_jinjiang"].id}
    assert notes(session, demand.id, "demand.unmatched")[0].recipient_user_id == world.users["enterprise"].id


def test_accepting_with_the_proposed_team_supersedes_the_others_and_proposes_the_docking(
    session: Session, world: World
) -> None:
    mine, theirs = _experts(session, world)
    demand = offered_demand(session, world, [(world.society, mine[:2]), (world.other_society, theirs)])
    offer, other = offers_of(session, demand.id)
    answered = workflow.accept(session, world.actor("society"), offer.id, now=NOW)
    assert (answered.offer.status, answered.demand.status, other.status) == (
        OfferStatus.ACCEPTED,
        DemandStatus.ACCEPTED,
        OfferStatus.SUPERSEDED,
    )
    docking = session.scalar(select(Docking).where(Docking.demand_id == demand.id))
    assert docking is not None
    assert docking.status is DockingStatus.PROPOSED
    team = session.execute(
        select(DockingExpert.expert_id, DockingExpert.role).where(DockingExpert.docking_id == docking.id)
    )
    assert sorted(team) == sorted([(mine[0].id, "leader"), (mine[1].id, "member")])
    assert [n.recipient_user_id for n in notes(session, demand.id, "demand.accepted")] == [world.users["enterprise"].id]
    assert [n.recipient_user_id for n in notes(session, demand.id, "docking.to_confirm") if n.channel == "console"] == [
        world.users["la_jinjiang"].id
    ]
    assert [n.recipient_user_id for n in notes(session, demand.id, "offer.superseded")] == [
        world.users["other_society"].id
    ]


def test_accepting_with_an_adjusted_team(session: Session, world: World) -> None:
    mine, _ = _experts(session, world)
    demand = offered_demand(session, world, [(world.society, mine[:1])])
    [offer] = offers_of(session, demand.id)
    workflow.accept(session, world.actor("society"), offer.id, expert_ids=[mine[2].id, mine[0].id], now=NOW)
    leader = session.scalar(select(DockingExpert.expert_id).where(DockingExpert.role == "leader"))
    assert leader == mine[2].id
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "demand.accept")).one()
    assert event.data["team"] == [mine[2].id, mine[0].id]


@pytest.mark.parametrize("problem", ["not_member", "inactive", "full", "conflict", "empty", "twice"])
def test_a_team_outside_the_rules_is_refused_and_nothing_changes(session: Session, world: World, problem: str) -> None:
    mine, theirs = _experts(session, world)
    demand = offered_demand(session, world, [(world.society, mine[:1])])
    [offer] = offers_of(session, demand.id)
    expert = mine[1]
    if problem == "inactive":
        expert.is_active = False
    elif problem == "full":
        expert.capacity = 0
    elif problem == "conflict":
        expert.employer = world.enterprise.name
    ids = {"not_member": [theirs[0].id], "empty": [], "twice": [mine[0].id, mine[0].id]}.get(problem, [expert.id])
    session.flush()
    before = counts(session)
    with pytest.raises(ValidationFailed) as info:
        workflow.accept(session, world.actor("society"), offer.id, expert_ids=ids, now=NOW)
    words = {"not_member": "不是本学会会员", "inactive": "已停用", "full": "满负荷", "conflict": "回避"}
    assert words.get(problem, "专家") in info.value.message
    session.refresh(offer)
    session.refresh(demand)
    assert (offer.status, demand.status, counts(session)) == (OfferStatus.PENDING, DemandStatus.OFFERED, before)


def test_a_society_cannot_read_or_answer_another_societys_offer(session: Session, world: World) -> None:
    mine, theirs = _experts(session, world)
    demand = offered_demand(session, world, [(world.society, mine[:1]), (world.other_society, theirs)])
    offer, _ = offers_of(session, demand.id)
    thief = world.actor("other_society")
    with pytest.raises(NotFound):
        workflow.accept(session, thief, offer.id, now=NOW)
    with pytest.raises(NotFound):
        workflow.decline(session, thief, offer.id, "不感兴趣", now=NOW)
    with pytest.raises(NotFound):
        workflow.offer_detail(session, thief, offer.id, now=NOW)
    with pytest.raises(PermissionDenied):
        workflow.accept(session, world.actor("la_jinjiang"), offer.id, now=NOW)
    assert offer.status is OfferStatus.PENDING


def test_an_answered_offer_cannot_be_answered_again(session: Session, world: World) -> None:
    mine, _ = _experts(session, world)
    demand = offered_demand(session, world, [(world.society, mine[:1])])
    [offer] = offers_of(session, demand.id)
    workflow.accept(session, world.actor("society"), offer.id, now=NOW)
    before = counts(session)
    with pytest.raises(IllegalTransition, match="已接单"):
        workflow.decline(session, world.actor("society"), offer.id, "改变主意", now=NOW)
    with pytest.raises(IllegalTransition, match="已接单"):
        workflow.accept(session, world.actor("society"), offer.id, now=NOW)
    assert counts(session) == before


def test_declining_needs_a_reason(session: Session, world: World) -> None:
    mine, _ = _experts(session, world)
    demand = offered_demand(session, world, [(world.society, mine[:1])])
    [offer] = offers_of(session, demand.id)
    with pytest.raises(ValidationFailed, match="婉拒原因"):
        workflow.decline(session, world.actor("society"), offer.id, "  ", now=NOW)
    assert offer.status is OfferStatus.PENDING


def test_when_every_offer_of_a_round_is_declined_the_next_societies_get_offers(session: Session, world: World) -> None:
    mine, theirs = _experts(session, world)
    third, fourth = make_society(session, name="福建省化工学会"), make_society(session, name="福建省机械学会")
    make_user(session, Role.SOCIETY, society_id=third.id)
    ranking = [(world.society, mine[:1]), (world.other_society, theirs), (third, []), (fourth, [])]
    demand = offered_demand(session, world, ranking)
    first, second = offers_of(session, demand.id)
    workflow.decline(session, world.actor("society"), first.id, "本会近期任务饱和", now=NOW)
    assert demand.status is DemandStatus.OFFERED  # the other society may still accept
    workflow.decline(session, world.actor("other_society"), second.id, "不属于本会领域", now=NOW)
    assert demand.status is DemandStatus.OFFERED
    offers = offers_of(session, demand.id)
    assert [(o.society_id, o.round, o.status) for o in offers[2:]] == [
        (third.id, 2, OfferStatus.PENDING),
        (fourth.id, 2, OfferStatus.PENDING),
    ]
    steps = [
        (e.action, e.to_state)
        for e in session.scalars(
            select(AuditEvent).where(AuditEvent.demand_id == demand.id, AuditEvent.entity_type == "demand")
        )
    ]
    assert steps[-2:] == [("demand.unmatch", "unmatched"), ("demand.offer", "offered")]
    assert [n.recipient_user_id for n in notes(session, demand.id, "demand.offered")] == [world.users["enterprise"].id]


def test_after_the_last_round_the_demand_is_escalated_and_the_center_reroutes_it(
    session: Session, world: World
) -> None:
    mine, theirs = _experts(session, world)
    third = make_society(session, name="福建省化工学会")
    policy = WorkflowSettings(societies_per_round=1, max_rounds=2)
    demand = offered_demand(
        session, world, [(world.society, mine[:1]), (world.other_society, theirs), (third, [])], policy
    )
    workflow.decline(
        session, world.actor("society"), offers_of(session, demand.id)[0].id, "任务饱和", now=NOW, policy=policy
    )
    second = offers_of(session, demand.id)[1]
    assert (second.society_id, second.round) == (world.other_society.id, 2)
    workflow.decline(session, world.actor("other_society"), second.id, "领域不符", now=NOW, policy=policy)
    assert demand.status is DemandStatus.UNMATCHED
    escalated = notes(session, demand.id, "demand.escalated")
    assert world.users["center"].id in {n.recipient_user_id for n in escalated}
    with pytest.raises(PermissionDenied):
        workflow.reroute(session, world.actor("la_jinjiang"), demand.id, third.id, now=NOW)
    with pytest.raises(Conflict, match="已收到过"):
        workflow.reroute(session, world.actor("center"), demand.id, world.society.id, now=NOW)
    offer = workflow.reroute(session, world.actor("center"), demand.id, third.id, note="该学会有相关专家", now=NOW)
    assert (demand.status, offer.round, offer.society_id, offer.status) == (
        DemandStatus.OFFERED,
        3,
        third.id,
        OfferStatus.PENDING,
    )
    assert offer.score_parts == {"profile": 0.3, "members": 0.3, "station": 0.1}  # the snapshot's, not made up
    with pytest.raises(IllegalTransition, match="已推荐给学会"):
        workflow.reroute(session, world.actor("center"), demand.id, third.id, now=NOW)


def test_the_offer_job_runs_the_real_matcher_and_offers_its_societies(
    session: Session, world: World, make_engine: object
) -> None:
    from core.settings import Settings
    from tests.matching.conftest import SHOES, TEA
    from workflow.jobs import HANDLERS, JobContext
    from workflow.tasks import offer_approved_demand

    assert HANDLERS["demand.offer"] is offer_approved_demand

    make_society(session, "SHOE", name="福建省鞋业学会", description="鞋材 发泡 回弹")
    make_society(session, "TEA", name="福建省茶叶学会二", description="乌龙茶 做青")
    shoe = make_expert(session, "S1", fields="鞋材发泡", works=[SHOES], societies=["SHOE"])
    make_expert(session, "T1", fields="茶学", works=[TEA], societies=["TEA"])
    demand = demand_in(session, world, DemandStatus.SUBMITTED)
    workflow.approve(session, world.actor("la_jinjiang"), demand.id, now=NOW)
    [job] = session.scalars(select(Job).where(Job.kind == "demand.offer"))
    engine = make_engine()  # type: ignore[operator]
    engine.ensure_ready(session)
    ctx = JobContext(engine=engine, settings=Settings(), now=NOW)
    for _ in range(2):  # a job may run twice
        HANDLERS[job.kind](session, ctx, job.payload)
    assert demand.status is DemandStatus.OFFERED
    offers = offers_of(session, demand.id)
    assert offers
    assert offers[0].proposed_expert_ids[0] == shoe.id
    snapshot = workflow.match_suggestions(session, world.actor("center"), engine, demand.id)
    assert offers[0].score_parts == snapshot.societies[0].score_parts
    assert Actor.system().role is Role.SYSTEM


ANSWERED = [
    (move, state) for move in ("accept", "decline") for state in OfferStatus if state is not OfferStatus.PENDING
]


@pytest.mark.parametrize(("move", "state"), ANSWERED, ids=[f"{m}-from-{s.value}" for m, s in ANSWERED])
def test_an_offer_is_answered_only_while_pending(session: Session, world: World, move: str, state: OfferStatus) -> None:
    mine, _ = _experts(session, world)
    demand = offered_demand(session, world, [(world.society, mine[:1])])
    [offer] = offers_of(session, demand.id)
    offer.status = state
    session.flush()
    before = counts(session)
    society = world.actor("society")
    answer = (
        (lambda: workflow.accept(session, society, offer.id, now=NOW))
        if move == "accept"
        else (lambda: workflow.decline(session, society, offer.id, "任务饱和", now=NOW))
    )
    with pytest.raises(IllegalTransition) as info:
        answer()
    assert f"该推荐当前状态为「{OFFER_STATUS_LABELS[state]}」" in info.value.message
    session.refresh(offer)
    assert (offer.status, demand.status, counts(session)) == (state, DemandStatus.OFFERED, before)
