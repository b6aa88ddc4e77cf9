"""The docking: confirmation reveals contacts, agreement, outcome, rating; each by the right party only."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import workflow
from accounts import Actor
from core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from models import Demand, DemandStatus, Docking, DockingStatus, Expert, Role
from tests.factories import make_expert, make_user
from tests.workflow.conftest import World, counts
from tests.workflow.offering import NOW, accepted_demand, notes, offered_demand, offers_of

TODAY = date(2026, 12, 1)


def _team(session: Session, world: World) -> list[Expert]:
    return [make_expert(session, societies=[world.society]) for _ in range(2)]


def _docking(session: Session, demand: Demand) -> Docking:
    docking = session.scalar(select(Docking).where(Docking.demand_id == demand.id))
    assert docking is not None
    return docking


def test_confirmation_reveals_the_contacts_to_the_society_and_its_team(session: Session, world: World) -> None:
    team = _team(session, world)
    demand = accepted_demand(session, world, team)
    demand.contact_phone = "13812345678"
    expert_user = make_user(session, Role.EXPERT, expert_id=team[0].id)
    session.flush()
    society = world.actor("society")
    assert workflow.demand_detail(session, society, demand.id, now=NOW).contact is None
    workflow.confirm_docking(session, world.actor("la_jinjiang"), demand.id, now=NOW)
    docking = _docking(session, demand)
    assert (demand.status, docking.status, docking.confirmed_by_user_id) == (
        DemandStatus.DOCKED,
        DockingStatus.CONFIRMED,
        world.users["la_jinjiang"].id,
    )
    contact = workflow.demand_detail(session, society, demand.id, now=NOW).contact
    assert contact is not None
    assert contact.phone == "13812345678"
    expert_view = workflow.demand_detail(session, Actor.of_user(expert_user), demand.id, now=NOW).contact
    assert expert_view is not None
    assert expert_view.phone == "13812345678"
    to_team = notes(session, demand.id, "docking.confirmed")
    assert {n.recipient_user_id for n in to_team} == {world.users["society"].id, expert_user.id}
    assert "13812345678" in to_team[0].payload["text"]
    assert [n.recipient_user_id for n in notes(session, demand.id, "demand.docked")] == [world.users["enterprise"].id]


def test_another_region_or_society_cannot_confirm(session: Session, world: World) -> None:
    demand = accepted_demand(session, world, _team(session, world))
    before = counts(session)
    with pytest.raises(NotFound):
        workflow.confirm_docking(session, world.actor("la_fuzhou"), demand.id, now=NOW)
    with pytest.raises(PermissionDenied):
        workflow.confirm_docking(session, world.actor("society"), demand.id, now=NOW)
    with pytest.raises(PermissionDenied):
        workflow.confirm_docking(session, world.actor("enterprise"), demand.id, now=NOW)
    assert counts(session) == before
    assert demand.status is DemandStatus.ACCEPTED


def test_agreement_outcome_and_rating_close_the_demand(session: Session, world: World) -> None:
    demand = accepted_demand(session, world, _team(session, world))
    workflow.confirm_docking(session, world.actor("la_jinjiang"), demand.id, now=NOW)
    later = NOW + timedelta(days=3)
    workflow.record_agreement(session, world.actor("society"), demand.id, TODAY, "150000", now=later)
    docking = _docking(session, demand)
    assert (demand.status, docking.agreement_signed_on, docking.agreement_amount) == (
        DemandStatus.CONTRACTED,
        TODAY,
        Decimal("150000.00"),
    )
    workflow.report_outcome(session, world.actor("society"), demand.id, "回弹率提高到58%，已量产", now=later)
    assert (demand.status, docking.status, docking.outcome) == (
        DemandStatus.COMPLETED,
        DockingStatus.COMPLETED,
        "回弹率提高到58%，已量产",
    )
    [ask] = notes(session, demand.id, "demand.completed")[:1]
    assert ask.recipient_user_id == world.users["enterprise"].id
    assert "回复「评价 5 很满意」" in ask.payload["text"]
    workflow.rate(session, world.actor("enterprise"), demand.id, 5, "专家很专业", now=later)
    assert (demand.status, docking.status, docking.rating, docking.rating_comment) == (
        DemandStatus.CLOSED,
        DockingStatus.CLOSED,
        5,
        "专家很专业",
    )
    rated = {n.recipient_user_id for n in notes(session, demand.id, "demand.rated")}
    assert rated == {world.users["society"].id, world.users["la_jinjiang"].id}


@pytest.mark.parametrize(
    ("signed_on", "amount", "words"),
    [
        (TODAY + timedelta(days=1), None, "不能晚于今天"),
        (TODAY - timedelta(days=30), None, "不能早于对接确认日期"),
        (TODAY, "-1", "0 到 9999 亿元"),
        (TODAY, "十万", "应为数字"),
    ],
)
def test_a_wrong_agreement_is_refused_and_nothing_changes(
    session: Session, world: World, signed_on: date, amount: str | None, words: str
) -> None:
    demand = accepted_demand(session, world, _team(session, world))
    workflow.confirm_docking(session, world.actor("la_jinjiang"), demand.id, now=NOW)
    before = counts(session)
    with pytest.raises(ValidationFailed, match=words):
        workflow.record_agreement(session, world.actor("enterprise"), demand.id, signed_on, amount, now=NOW)
    assert (demand.status, counts(session)) == (DemandStatus.DOCKED, before)


@pytest.mark.parametrize("rating", [0, 6, True])
def test_a_rating_outside_one_to_five_is_refused(session: Session, world: World, rating: int) -> None:
    demand = accepted_demand(session, world, _team(session, world))
    workflow.confirm_docking(session, world.actor("la_jinjiang"), demand.id, now=NOW)
    workflow.record_agreement(session, world.actor("enterprise"), demand.id, TODAY, now=NOW)
    workflow.report_outcome(session, world.actor("la_jinjiang"), demand.id, "完成", now=NOW)
    with pytest.raises(ValidationFailed, match="1 到 5"):
        workflow.rate(session, world.actor("enterprise"), demand.id, rating, now=NOW)
    assert demand.status is DemandStatus.COMPLETED


def test_a_society_that_only_had_an_offer_cannot_act_on_the_docking(session: Session, world: World) -> None:
    team = _team(session, world)
    other_team = [make_expert(session, societies=[world.other_society])]
    demand = offered_demand(session, world, [(world.society, team), (world.other_society, other_team)])
    mine, _ = offers_of(session, demand.id)
    workflow.accept(session, world.actor("society"), mine.id, now=NOW)
    workflow.confirm_docking(session, world.actor("la_jinjiang"), demand.id, now=NOW)
    with pytest.raises(NotFound):
        workflow.record_agreement(session, world.actor("other_society"), demand.id, TODAY, now=NOW)
    assert workflow.demand_detail(session, world.actor("other_society"), demand.id, now=NOW).contact is None
    assert demand.status is DemandStatus.DOCKED


def test_the_rating_is_the_enterprises_and_the_outcome_is_not(session: Session, world: World) -> None:
    demand = accepted_demand(session, world, _team(session, world))
    workflow.confirm_docking(session, world.actor("la_jinjiang"), demand.id, now=NOW)
    workflow.record_agreement(session, world.actor("la_jinjiang"), demand.id, TODAY, now=NOW)
    with pytest.raises(PermissionDenied):
        workflow.report_outcome(session, world.actor("enterprise"), demand.id, "我们自己说完成了", now=NOW)
    workflow.report_outcome(session, world.actor("society"), demand.id, "完成", now=NOW)
    with pytest.raises(PermissionDenied):
        workflow.rate(session, world.actor("society"), demand.id, 5, now=NOW)
    with pytest.raises(NotFound):
        workflow.rate(session, world.actor("other_enterprise"), demand.id, 5, now=NOW)
    with pytest.raises(IllegalTransition, match="已完成"):
        workflow.record_agreement(session, world.actor("la_jinjiang"), demand.id, TODAY, now=NOW)


def test_withdrawal_before_contract_withdraws_the_accepted_offer_and_cancels_the_docking(
    session: Session, world: World
) -> None:
    demand = accepted_demand(session, world, _team(session, world))
    workflow.confirm_docking(session, world.actor("la_jinjiang"), demand.id, now=NOW)
    workflow.withdraw(session, world.actor("enterprise"), demand.id, reason="已自行解决", now=NOW)
    [offer] = offers_of(session, demand.id)
    assert (demand.status, offer.status.value, _docking(session, demand).status) == (
        DemandStatus.WITHDRAWN,
        "withdrawn",
        DockingStatus.CANCELLED,
    )
    assert world.users["society"].id in {n.recipient_user_id for n in notes(session, demand.id, "demand.withdrawn")}
