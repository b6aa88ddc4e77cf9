"""Periodic tasks on a fixed clock: expiry and the next round, reminders once each, auto-close, races lost cleanly."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

import workflow
from accounts import Actor
from core.errors import Conflict, IllegalTransition
from core.settings import Settings
from models import AuditEvent, Demand, DemandStatus, Notification, Offer, OfferStatus
from tests.factories import make_expert, make_society
from tests.workflow.conftest import World, counts, demand_in
from tests.workflow.offering import NOW, POLICY, accepted_demand, notes, offered_demand, offers_of
from workflow.jobs import PERIODIC, JobContext
from workflow.periodic import auto_close, expire_offers, remind_confirmations, remind_offers, remind_screening
from workflow.transitions import move_offer

SETTINGS = Settings(workflow=POLICY)
DEADLINE = NOW + timedelta(hours=POLICY.offer_deadline_hours)


def _ctx(now: datetime) -> JobContext:
    return JobContext(engine=None, settings=SETTINGS, now=now)


def _four_societies(session: Session, world: World) -> Demand:
    third, fourth = make_society(session, name="福建省化工学会"), make_society(session, name="福建省机械学会")
    expert = make_expert(session, societies=[world.society])
    return offered_demand(
        session, world, [(world.society, [expert]), (world.other_society, []), (third, []), (fourth, [])]
    )


def test_the_workflow_tasks_are_registered_with_the_worker() -> None:
    import workflow.tasks  # noqa: F401 - what the worker imports

    assert {
        "workflow.expire_offers",
        "workflow.remind_offers",
        "workflow.remind_confirmations",
        "workflow.remind_screening",
        "workflow.auto_close",
    } <= set(PERIODIC)
    assert PERIODIC["workflow.expire_offers"][1] is expire_offers


def test_offers_expire_after_the_deadline_and_the_next_round_starts_once(session: Session, world: World) -> None:
    demand = _four_societies(session, world)
    assert expire_offers(session, _ctx(DEADLINE - timedelta(minutes=1))) == 0
    assert expire_offers(session, _ctx(DEADLINE)) == 3  # two offers expired, one round finished
    offers = offers_of(session, demand.id)
    assert [(o.round, o.status) for o in offers] == [
        (1, OfferStatus.EXPIRED),
        (1, OfferStatus.EXPIRED),
        (2, OfferStatus.PENDING),
        (2, OfferStatus.PENDING),
    ]
    assert offers[2].deadline_at == DEADLINE + timedelta(hours=POLICY.offer_deadline_hours)
    assert demand.status is DemandStatus.OFFERED
    before = counts(session)
    assert expire_offers(session, _ctx(DEADLINE + timedelta(minutes=5))) == 0
    assert counts(session) == before
    expired = session.scalars(select(AuditEvent).where(AuditEvent.action == "offer.expire")).all()
    assert [e.actor_role.value for e in expired] == ["system", "system"]


def test_after_the_last_round_expires_the_center_is_told(session: Session, world: World) -> None:
    demand = _four_societies(session, world)
    expire_offers(session, _ctx(DEADLINE))
    expire_offers(session, _ctx(DEADLINE + timedelta(hours=POLICY.offer_deadline_hours)))
    assert demand.status is DemandStatus.UNMATCHED
    assert world.users["center"].id in {n.recipient_user_id for n in notes(session, demand.id, "demand.escalated")}


def test_a_round_closed_by_two_workers_at_once_is_finished_by_the_next_run(session: Session, world: World) -> None:
    demand = _four_societies(session, world)
    # Two workers each expired one of the two offers; neither saw the other's, so neither ended the round.
    session.execute(update(Offer).where(Offer.demand_id == demand.id).values(status=OfferStatus.EXPIRED))
    session.expire_all()
    assert expire_offers(session, _ctx(DEADLINE)) == 1
    assert [o.round for o in offers_of(session, demand.id) if o.status is OfferStatus.PENDING] == [2, 2]


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_an_answer_after_an_expiry_it_did_not_see_is_refused_cleanly(
    session: Session, world: World, answer: str
) -> None:
    demand = offered_demand(session, world, [(world.society, [make_expert(session, societies=[world.society])])])
    [offer] = offers_of(session, demand.id)
    # Another worker's committed expiry, unseen by the society's already loaded offer:
    session.execute(
        update(Offer)
        .where(Offer.id == offer.id)
        .values(status=OfferStatus.EXPIRED)
        .execution_options(synchronize_session=False)
    )
    assert offer.status is OfferStatus.PENDING
    before = counts(session)
    society = world.actor("society")
    move = (
        (lambda: workflow.accept(session, society, offer.id, now=NOW))
        if answer == "accept"
        else (lambda: workflow.decline(session, society, offer.id, "任务饱和", now=NOW))
    )
    with pytest.raises(IllegalTransition, match="当前状态为「已过期」"):
        move()
    assert counts(session) == before
    assert offer.status is OfferStatus.EXPIRED


def test_a_move_on_an_offer_another_transaction_changed_changes_nothing(session: Session, world: World) -> None:
    demand = offered_demand(session, world, [(world.society, []), (world.other_society, [])])
    _, theirs = offers_of(session, demand.id)
    # declined in another transaction after this one loaded the offer as pending:
    session.execute(
        update(Offer)
        .where(Offer.id == theirs.id)
        .values(status=OfferStatus.DECLINED)
        .execution_options(synchronize_session=False)
    )
    assert theirs.status is OfferStatus.PENDING
    before = counts(session)
    assert move_offer(session, world.actor("society"), theirs, "supersede", now=NOW, strict=False) is None
    set_committed_value(theirs, "status", OfferStatus.PENDING)  # loaded stale once more
    with pytest.raises(Conflict, match="刚刚被他人办理过"):
        move_offer(session, Actor.system(), theirs, "expire", now=NOW)
    assert counts(session) == before
    assert theirs.status is OfferStatus.DECLINED


def test_a_society_is_reminded_once_before_its_offer_expires(session: Session, world: World) -> None:
    demand = offered_demand(session, world, [(world.society, [])])
    early = DEADLINE - timedelta(hours=POLICY.offer_reminder_hours + 1)
    assert remind_offers(session, _ctx(early)) == 0
    soon = DEADLINE - timedelta(hours=2)
    assert remind_offers(session, _ctx(soon)) == 1
    assert remind_offers(session, _ctx(soon + timedelta(minutes=15))) == 0
    [reminder] = notes(session, demand.id, "offer.reminder")
    assert reminder.recipient_user_id == world.users["society"].id
    assert "过期" in reminder.payload["text"]


def test_the_association_is_reminded_once_of_an_acceptance_to_confirm(session: Session, world: World) -> None:
    demand = accepted_demand(session, world, [make_expert(session, societies=[world.society])])
    hours = POLICY.docking_confirm_reminder_hours
    assert remind_confirmations(session, _ctx(NOW + timedelta(hours=hours - 1))) == 0
    assert remind_confirmations(session, _ctx(NOW + timedelta(hours=hours))) == 2  # console + bound WeChat
    assert remind_confirmations(session, _ctx(NOW + timedelta(hours=hours + 5))) == 0
    reminders = notes(session, demand.id, "docking.reminder")
    assert {n.recipient_user_id for n in reminders} == {world.users["la_jinjiang"].id}


def test_the_association_is_reminded_once_of_a_demand_waiting_for_screening(session: Session, world: World) -> None:
    demand = demand_in(session, world, DemandStatus.SUBMITTED, submitted_at=NOW)
    hours = POLICY.screening_reminder_hours
    assert remind_screening(session, _ctx(NOW + timedelta(hours=hours - 1))) == 0
    assert remind_screening(session, _ctx(NOW + timedelta(hours=hours))) == 2
    assert remind_screening(session, _ctx(NOW + timedelta(hours=hours + 1))) == 0
    assert {n.recipient_user_id for n in notes(session, demand.id, "demand.screening_reminder")} == {
        world.users["la_jinjiang"].id
    }


def test_a_completed_demand_nobody_rated_is_closed_after_the_timeout(session: Session, world: World) -> None:
    demand = demand_in(session, world, DemandStatus.COMPLETED, status_changed_at=NOW)
    rated = demand_in(session, world, DemandStatus.CLOSED, status_changed_at=NOW)
    days = POLICY.auto_close_days
    assert auto_close(session, _ctx(NOW + timedelta(days=days - 1))) == 0
    assert demand.status is DemandStatus.COMPLETED
    assert auto_close(session, _ctx(NOW + timedelta(days=days))) == 1
    assert (demand.status, rated.status) == (DemandStatus.CLOSED, DemandStatus.CLOSED)
    assert f"{days} 天内未评价" in (demand.status_reason or "")
    assert auto_close(session, _ctx(NOW + timedelta(days=days + 1))) == 0
    [closed] = notes(session, demand.id, "demand.closed")
    assert closed.recipient_user_id == world.users["enterprise"].id
    assert session.scalar(select(Notification.id).where(Notification.demand_id == rated.id)) is None
