"""Property: random sequences of moves by random actors keep a demand in an allowed state with its audit trail.

Each step is one workflow call by one actor of the world (or the worker's periodic tasks after time
passes) on a fixed, advancing clock. A refused step must change nothing; after every step the demand's
status is the last status its audit trail recorded, every offer's likewise, and offers and docking agree
with the demand's status.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

import workflow
from accounts import Actor
from core import clock
from core.clock import BEIJING
from core.errors import DomainError
from core.settings import Settings, WorkflowSettings
from matching.schemas import MatchResult, SocietyMatch, TeamMember
from models import (
    AuditEvent,
    Demand,
    DemandSource,
    DemandStatus,
    Docking,
    DockingStatus,
    Offer,
    OfferStatus,
    Role,
    Society,
)
from tests.factories import make_expert, make_society, make_user
from tests.workflow.conftest import World, counts
from workflow import DemandInput
from workflow.jobs import JobContext
from workflow.periodic import auto_close, expire_offers
from workflow.rounds import snapshot_for_offers, submission_event_id
from workflow.suggestions import store_snapshot

START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
POLICY = WorkflowSettings(societies_per_round=1, max_rounds=2, offer_deadline_hours=48, auto_close_days=10)
ACTORS = ["enterprise", "other_enterprise", "la_jinjiang", "la_fuzhou", "society", "other_society", "center", "system"]
D = DemandStatus
WITH_DOCKING = {D.ACCEPTED, D.DOCKED, D.CONTRACTED, D.COMPLETED, D.CLOSED}

Step = Callable[[Session, Actor, Demand], object]


def _first_offer(session: Session, demand: Demand) -> int:
    """The demand's first pending offer, else its first offer, else an id naming nothing."""
    offers = session.scalars(select(Offer).where(Offer.demand_id == demand.id).order_by(Offer.id)).all()
    pending = [o for o in offers if o.status is OfferStatus.PENDING]
    chosen = pending or list(offers)
    return chosen[0].id if chosen else 2**31 - 1


def _today() -> date:
    return clock.now().astimezone(BEIJING).date()


STEPS: dict[str, Step] = {
    "submit": lambda s, a, d: workflow.submit(s, a, d.id),
    "supplement": lambda s, a, d: workflow.supplement(s, a, d.id, "补充：年产量约200万双"),
    "approve": lambda s, a, d: workflow.approve(s, a, d.id, policy=POLICY),
    "return_for_info": lambda s, a, d: workflow.return_for_info(s, a, d.id, "请补充目标回弹率"),
    "reject": lambda s, a, d: workflow.reject(s, a, d.id, "不属于技术需求"),
    "withdraw": lambda s, a, d: workflow.withdraw(s, a, d.id),
    "close": lambda s, a, d: workflow.close(s, a, d.id),
    "accept": lambda s, a, d: workflow.accept(s, a, _first_offer(s, d)),
    "decline": lambda s, a, d: workflow.decline(s, a, _first_offer(s, d), "任务饱和", policy=POLICY),
    "reroute": lambda s, a, d: workflow.reroute(s, a, d.id, _unoffered_society(s, d), policy=POLICY),
    "confirm_docking": lambda s, a, d: workflow.confirm_docking(s, a, d.id),
    "record_agreement": lambda s, a, d: workflow.record_agreement(s, a, d.id, _today(), "80000"),
    "report_outcome": lambda s, a, d: workflow.report_outcome(s, a, d.id, "回弹率提高到58%"),
    "rate": lambda s, a, d: workflow.rate(s, a, d.id, 4, "满意"),
}


def _unoffered_society(session: Session, demand: Demand) -> int:
    offered = select(Offer.society_id).where(Offer.demand_id == demand.id)
    return session.scalars(select(Society.id).where(Society.id.not_in(offered)).order_by(Society.id)).first() or 0


def _store_ranking(session: Session, demand: Demand, ranking: list[tuple[int, list[int]]]) -> None:
    """What the ``demand.match`` job keeps for the current submission (the worker is not running here)."""
    submission = submission_event_id(session, demand.id)
    if submission is None or snapshot_for_offers(session, demand.id) is not None:
        return
    societies = [
        SocietyMatch(
            rank=i,
            society_id=sid,
            code=f"S{sid}",
            name=f"学会{sid}",
            score=1.0 - i / 10,
            score_parts={"profile": 0.2, "members": 0.7 - i / 10, "station": 0.1},
            team=[TeamMember(expert_id=e, name="专家", role="member", score=0.5) for e in team],
            reason="测试",
        )
        for i, (sid, team) in enumerate(ranking, 1)
    ]
    result = MatchResult(demand_id=demand.id, model="t", index_watermark=1, experts=[], societies=societies)
    store_snapshot(session, demand.id, submission, result)


def _last_state(session: Session, entity: str, entity_id: int) -> str | None:
    return session.scalar(
        select(AuditEvent.to_state)
        .where(AuditEvent.entity_type == entity, AuditEvent.entity_id == entity_id, AuditEvent.to_state.is_not(None))
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def _check_invariants(session: Session, demand: Demand) -> None:
    session.expire_all()
    status = session.get_one(Demand, demand.id).status
    assert status in DemandStatus
    assert _last_state(session, "demand", demand.id) == status.value, "status without its audit event"
    offers = session.scalars(select(Offer).where(Offer.demand_id == demand.id)).all()
    for offer in offers:
        assert _last_state(session, "offer", offer.id) == offer.status.value, "offer status without its audit event"
    pending = [o for o in offers if o.status is OfferStatus.PENDING]
    accepted = [o for o in offers if o.status is OfferStatus.ACCEPTED]
    assert not pending or status is D.OFFERED
    if status is D.OFFERED:
        assert pending or accepted == [], "an offered demand without an open offer"
    docking = session.scalar(select(Docking).where(Docking.demand_id == demand.id))
    if status in WITH_DOCKING:
        assert docking is not None
        assert len([o for o in offers if o.status is OfferStatus.ACCEPTED]) == 1
        assert docking.status is not DockingStatus.CANCELLED
    elif status is D.WITHDRAWN:
        assert docking is None or docking.status is DockingStatus.CANCELLED
        assert not pending
        assert not accepted
    else:
        assert docking is None
        assert not accepted


def _setup(session: Session, world: World) -> tuple[Demand, list[tuple[int, list[int]]]]:
    third = make_society(session, name="福建省化工学会")
    make_user(session, Role.SOCIETY, society_id=third.id)
    ranking = []
    for society in (world.society, world.other_society, third):
        members = [make_expert(session, societies=[society]).id for _ in range(2)]
        ranking.append((society.id, members))
    text = DemandInput(description="EVA发泡鞋底回弹性不足，希望找专家优化配方。", source=DemandSource.WECHAT)
    with clock.frozen_at(START):
        demand = workflow.create_draft(session, world.actor("enterprise"), text).demand
    return demand, ranking


RIGHT = {
    "submit": "enterprise", "supplement": "enterprise", "approve": "la_jinjiang", "return_for_info": "la_jinjiang",
    "reject": "la_jinjiang", "withdraw": "enterprise", "close": "la_jinjiang", "accept": "society",
    "decline": "society", "reroute": "center", "confirm_docking": "la_jinjiang", "record_agreement": "enterprise",
    "report_outcome": "society", "rate": "enterprise", "time_passes": "system",
}  # fmt: skip
"""The actor who may make each step."""
ONWARD: dict[DemandStatus, list[str]] = {
    D.DRAFT: ["submit"],
    D.SUBMITTED: ["approve", "approve", "approve", "return_for_info"],
    D.RETURNED: ["supplement"],
    D.APPROVED: ["time_passes"],
    D.OFFERED: ["accept", "decline", "time_passes"],
    D.UNMATCHED: ["reroute"],
    D.ACCEPTED: ["confirm_docking"],
    D.DOCKED: ["record_agreement"],
    D.CONTRACTED: ["report_outcome"],
    D.COMPLETED: ["rate", "time_passes"],
}
"""Steps that move a demand on from each state, so that sequences reach the far states too."""

any_step = st.tuples(st.sampled_from([*STEPS, "time_passes"]), st.sampled_from(ACTORS))


def _next_step(data: st.DataObject, status: DemandStatus) -> tuple[str, str]:
    """A third of the time a random step by a random actor, else a step onward by an actor who may take it."""
    onward = ONWARD.get(status)
    if onward and data.draw(st.integers(0, 2)) > 0:
        name = data.draw(st.sampled_from(onward))
        return name, data.draw(st.sampled_from([RIGHT[name], RIGHT[name], *ACTORS]))
    return data.draw(any_step)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), length=st.integers(min_value=5, max_value=30))
def test_random_moves_by_random_actors_keep_the_demand_consistent(
    session: Session, world: World, data: st.DataObject, length: int
) -> None:
    savepoint = session.begin_nested()
    try:
        demand, ranking = _setup(session, world)
        now = START
        for _ in range(length):
            name, who = _next_step(data, session.get_one(Demand, demand.id).status)
            now += timedelta(hours=1)
            actor = Actor.system() if who == "system" else world.actor(who)
            with clock.frozen_at(now):
                if name == "time_passes":
                    now += timedelta(days=11)
                    ctx = JobContext(engine=None, settings=Settings(workflow=POLICY), now=now)
                    expire_offers(session, ctx)
                    auto_close(session, ctx)
                else:
                    before = (counts(session), demand.status)
                    try:
                        STEPS[name](session, actor, demand)
                    except DomainError:
                        session.expire_all()
                        assert (counts(session), session.get_one(Demand, demand.id).status) == before
                    _store_ranking(session, demand, ranking)
            _check_invariants(session, demand)
        event(f"reached {session.get_one(Demand, demand.id).status.value}")
    finally:
        savepoint.rollback()
