"""Job handlers and the job queue: demand.match keeps one snapshot per submission, whatever the repeats."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import workflow
from accounts import Actor
from core.errors import IllegalTransition, PermissionDenied, ServiceUnavailable
from core.settings import Settings
from models import DemandMatch, DemandStatus, Job
from tests.factories import make_expert, make_society
from tests.matching.conftest import SHOES, TEA, EngineFactory
from tests.workflow.conftest import World, demand_in
from workflow.jobs import HANDLERS, JobContext, enqueue_job
from workflow.suggestions import latest_snapshot
from workflow.tasks import match_submitted_demand

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def test_handlers_are_registered_by_kind() -> None:
    assert HANDLERS["demand.match"] is match_submitted_demand


def test_enqueue_with_a_repeated_dedupe_key_keeps_the_first_job(session: Session) -> None:
    enqueue_job(session, "demand.match", {"demand_id": 1, "submission_event_id": 1}, dedupe_key="k:1")
    enqueue_job(session, "demand.match", {"demand_id": 1, "submission_event_id": 2}, dedupe_key="k:1")
    enqueue_job(session, "demand.match", {"demand_id": 2, "submission_event_id": 3})
    enqueue_job(session, "demand.match", {"demand_id": 2, "submission_event_id": 3})
    jobs = list(session.scalars(select(Job).order_by(Job.id)))
    assert [j.payload["submission_event_id"] for j in jobs] == [1, 3, 3]


def test_match_job_keeps_a_snapshot_once_and_the_screening_view_shows_it(
    session: Session, world: World, make_engine: EngineFactory
) -> None:
    make_society(session, "SHOE", name="福建省鞋业学会", description="鞋材 发泡 回弹")
    shoe = make_expert(session, "S1", fields="鞋材发泡", works=[SHOES], societies=["SHOE"])
    make_expert(session, "T1", fields="茶学", works=[TEA])
    demand = demand_in(session, world, DemandStatus.DRAFT)
    workflow.submit(session, world.actor("enterprise"), demand.id, now=NOW)
    job = session.scalar(select(Job).where(Job.kind == "demand.match"))
    assert job is not None
    engine = make_engine()
    engine.ensure_ready(session)
    ctx = JobContext(engine=engine, settings=Settings(), now=NOW)
    for _ in range(2):  # a job may run twice (a worker died before marking it done)
        HANDLERS[job.kind](session, ctx, job.payload)
    assert session.scalar(select(func.count()).select_from(DemandMatch)) == 1
    snapshot = latest_snapshot(session, demand.id)
    assert snapshot is not None
    assert snapshot.experts[0].expert_id == shoe.id
    detail = workflow.demand_detail(session, world.actor("la_jinjiang"), demand.id, now=NOW)
    assert detail.suggestions == snapshot
    assert workflow.demand_detail(session, world.actor("enterprise"), demand.id, now=NOW).suggestions is None


def test_match_job_without_an_index_asks_to_be_retried(session: Session, world: World) -> None:
    demand = demand_in(session, world, DemandStatus.SUBMITTED)
    ctx = JobContext(engine=None, settings=Settings(), now=NOW)
    with pytest.raises(ServiceUnavailable):
        match_submitted_demand(session, ctx, {"demand_id": demand.id, "submission_event_id": 1})


@pytest.mark.parametrize("status", [DemandStatus.WITHDRAWN, DemandStatus.REJECTED, DemandStatus.RETURNED])
def test_match_job_of_a_demand_that_moved_on_does_nothing(session: Session, world: World, status: DemandStatus) -> None:
    demand = demand_in(session, world, status)
    ctx = JobContext(engine=None, settings=Settings(), now=NOW)
    match_submitted_demand(session, ctx, {"demand_id": demand.id, "submission_event_id": 1})
    assert session.scalar(select(func.count()).select_from(DemandMatch)) == 0


def test_live_suggestions_are_for_staff_and_not_for_drafts(
    session: Session, world: World, make_engine: EngineFactory
) -> None:
    make_expert(session, "S1", fields="鞋材发泡", works=[SHOES])
    engine = make_engine()
    engine.ensure_ready(session)
    submitted = demand_in(session, world, DemandStatus.SUBMITTED)
    assert workflow.match_suggestions(session, world.actor("la_jinjiang"), engine, submitted.id).experts
    with pytest.raises(PermissionDenied):
        workflow.match_suggestions(session, world.actor("enterprise"), engine, submitted.id)
    for status, reason in [
        (DemandStatus.DRAFT, "草稿"),
        (DemandStatus.REJECTED, "未通过"),
        (DemandStatus.WITHDRAWN, "撤回"),
    ]:
        demand = demand_in(session, world, status)
        asker = Actor.system() if status is DemandStatus.DRAFT else world.actor("center")  # staff never see drafts
        with pytest.raises(IllegalTransition, match=reason):
            workflow.match_suggestions(session, asker, engine, demand.id)
