"""One demand from the enterprise's draft to closed, through the real matcher and every party's move."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts import Actor
from core.clock import BEIJING
from core.settings import Settings, WorkflowSettings
from models import AuditEvent, DemandSource, DemandStatus, Job, Notification, NotificationChannel, OfferStatus, Role
from tests.factories import make_expert, make_society, make_user
from tests.matching.conftest import SHOES, TEA, EngineFactory
from tests.workflow.conftest import World
from tests.workflow.offering import NOW, offers_of
from workflow import DemandInput
from workflow.jobs import HANDLERS, JobContext


def test_a_demand_goes_from_draft_to_closed(session: Session, world: World, make_engine: EngineFactory) -> None:
    import workflow.tasks  # noqa: F401 - the worker's registry of job handlers

    shoe_society = make_society(session, "SHOE", name="福建省鞋业学会", description="鞋材 发泡 回弹 EVA")
    make_society(session, "TEA2", name="福建省茶业学会", description="乌龙茶 做青 香气")
    lead = make_expert(session, "S1", fields="EVA发泡鞋材", works=[SHOES], societies=["SHOE"], employer="华侨大学")
    make_expert(session, "S2", fields="高分子发泡", works=[SHOES], societies=["SHOE"], employer="福州大学")
    make_expert(session, "T1", fields="茶学", works=[TEA], societies=["TEA2"])
    shoe_user = make_user(session, Role.SOCIETY, society_id=shoe_society.id)
    society = Actor.of_user(shoe_user)
    enterprise, association = world.actor("enterprise"), world.actor("la_jinjiang")
    policy = WorkflowSettings(societies_per_round=1)
    ctx = JobContext(engine=make_engine(), settings=Settings(workflow=policy), now=NOW)
    assert ctx.engine is not None
    ctx.engine.ensure_ready(session)

    text = DemandInput(
        title="鞋底回弹性差",
        description="我们厂的EVA发泡鞋底回弹性不足，压缩永久变形大，希望找专家优化配方。联系陈工13812345678。",
        source=DemandSource.WECHAT,
    )
    demand = workflow.create_draft(session, enterprise, text, now=NOW).demand
    workflow.submit(session, enterprise, demand.id, now=NOW)
    for job in session.scalars(select(Job).where(Job.kind == "demand.match")).all():
        HANDLERS[job.kind](session, ctx, job.payload)
    workflow.approve(session, association, demand.id, now=NOW + timedelta(hours=1), policy=policy)
    [offer] = offers_of(session, demand.id)
    snapshot = workflow.demand_detail(session, association, demand.id).suggestions
    assert snapshot is not None
    assert offer.society_id == shoe_society.id == snapshot.societies[0].society_id
    assert offer.score_parts == snapshot.societies[0].score_parts
    assert offer.proposed_expert_ids[0] == lead.id
    assert workflow.offer_detail(session, society, offer.id).demand.contact is None

    workflow.accept(session, society, offer.id, now=NOW + timedelta(hours=3))
    assert workflow.demand_detail(session, society, demand.id).contact is None
    workflow.confirm_docking(session, association, demand.id, now=NOW + timedelta(hours=5))
    contact = workflow.demand_detail(session, society, demand.id).contact
    assert contact is not None
    assert contact.phone == "13812345678"
    signed = (NOW + timedelta(days=2)).astimezone(BEIJING).date()
    workflow.record_agreement(session, enterprise, demand.id, signed, "120000", now=NOW + timedelta(days=2))
    workflow.report_outcome(session, society, demand.id, "回弹率提高到58%", now=NOW + timedelta(days=40))
    workflow.rate(session, enterprise, demand.id, 5, "专家很专业", now=NOW + timedelta(days=41))

    assert demand.status is DemandStatus.CLOSED
    assert offer.status is OfferStatus.ACCEPTED
    steps = [
        e.to_state
        for e in session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.demand_id == demand.id, AuditEvent.entity_type == "demand", AuditEvent.to_state.is_not(None)
            )
            .order_by(AuditEvent.id)
        )
    ]
    assert steps == [
        "draft",
        "submitted",
        "approved",
        "offered",
        "accepted",
        "docked",
        "contracted",
        "completed",
        "closed",
    ]
    told = session.scalars(
        select(Notification.kind)
        .where(
            Notification.demand_id == demand.id,
            Notification.recipient_user_id == world.users["enterprise"].id,
            Notification.channel == NotificationChannel.WECHAT_CUSTOM,
        )
        .order_by(Notification.id)
    ).all()
    assert told == [
        "demand.submitted",
        "demand.approved",
        "demand.accepted",
        "demand.docked",
        "demand.contracted",
        "demand.completed",
        "demand.closed",
    ]
