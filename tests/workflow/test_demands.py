"""Demand moves: what each one changes, the audit event it writes and who it tells, in one transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import workflow
from core.db import Database
from core.errors import PermissionDenied, ValidationFailed
from models import (
    AuditEvent,
    Demand,
    DemandSource,
    DemandStatus,
    Docking,
    DockingStatus,
    Job,
    Notification,
    NotificationChannel,
    Offer,
    OfferStatus,
    Role,
)
from tests.factories import make_user
from tests.workflow.conftest import World, counts, demand_in
from workflow import DemandInput

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
SHOE_DEMAND = DemandInput(
    title="鞋底回弹性差",
    description="我们厂的EVA发泡鞋底回弹性不足，压缩永久变形大，希望找专家优化配方。有意向请联系陈工13812345678。",
    expected_outcome="回弹率提高到55%以上，联系邮箱chen@example.com",
    budget_min=Decimal("100000"),
    budget_max=Decimal("300000"),
    deadline=date(2027, 6, 30),
    source=DemandSource.WECHAT,
)


def _events(session: Session, demand_id: int) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.demand_id == demand_id).order_by(AuditEvent.id)))


def _notes(session: Session, demand_id: int, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.demand_id == demand_id).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(session.scalars(query))


def _draft(session: Session, world: World) -> Demand:
    return workflow.create_draft(session, world.actor("enterprise"), SHOE_DEMAND, now=NOW).demand


def test_a_draft_keeps_contact_details_out_of_its_text(session: Session, world: World) -> None:
    created = workflow.create_draft(session, world.actor("enterprise"), SHOE_DEMAND, now=NOW)
    demand = created.demand
    assert "13812345678" not in demand.description
    assert "chen@example.com" not in (demand.expected_outcome or "")
    assert demand.contact_phone == "13812345678"
    assert demand.contact_email == "chen@example.com"
    assert demand.private_details["mobiles"] == ["13812345678"]
    assert any("联系方式已单独保存" in n for n in created.notices)
    assert (demand.status, demand.region_code, demand.category is not None) == (DemandStatus.DRAFT, "350582", True)
    [event] = _events(session, demand.id)
    assert (event.action, event.from_state, event.to_state, event.actor_user_id) == (
        "demand.create", None, "draft", world.users["enterprise"].id,
    )  # fmt: skip


def test_only_enterprises_create_drafts(session: Session, world: World) -> None:
    with pytest.raises(PermissionDenied, match="只有企业"):
        workflow.create_draft(session, world.actor("la_jinjiang"), SHOE_DEMAND, now=NOW)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"deadline": date(2026, 11, 30)}, "已经过去"),
        ({"region_code": "350000"}, "设区市或县"),
        ({"description": "。。。"}, "内容太少"),
    ],
)
def test_bad_drafts_are_refused(session: Session, world: World, changes: dict[str, object], message: str) -> None:
    before = counts(session)
    with pytest.raises(ValidationFailed, match=message):
        workflow.create_draft(session, world.actor("enterprise"), SHOE_DEMAND.model_copy(update=changes), now=NOW)
    assert counts(session) == before


def test_budget_rules_are_checked_on_input() -> None:
    with pytest.raises(ValidationFailed, match="下限不能高于上限"):
        DemandInput(description="x" * 10, budget_min=Decimal(5), budget_max=Decimal(1))
    with pytest.raises(ValidationFailed, match="面议"):
        DemandInput(description="x" * 10, budget_negotiable=True, budget_max=Decimal(1))


def test_submit_tells_the_enterprise_and_the_county_association_and_starts_matching(
    session: Session, world: World
) -> None:
    demand = _draft(session, world)
    workflow.submit(session, world.actor("enterprise"), demand.id, now=NOW)
    assert (demand.status, demand.submitted_at, demand.submitted_by_user_id) == (
        DemandStatus.SUBMITTED, NOW, world.users["enterprise"].id,
    )  # fmt: skip
    event = _events(session, demand.id)[-1]
    assert (event.action, event.from_state, event.to_state, event.actor_role) == (
        "demand.submit", "draft", "submitted", Role.ENTERPRISE,
    )  # fmt: skip
    notes = {(n.kind, n.recipient_user_id, n.channel) for n in _notes(session, demand.id)}
    assert notes == {
        ("demand.submitted", world.users["enterprise"].id, NotificationChannel.WECHAT_CUSTOM),
        ("demand.to_screen", world.users["la_jinjiang"].id, NotificationChannel.CONSOLE),
        ("demand.to_screen", world.users["la_jinjiang"].id, NotificationChannel.WECHAT_TEMPLATE),
    }
    wechat = _notes(session, demand.id, "demand.submitted")[0]
    assert wechat.recipient_openid == "o-ent-1"
    assert wechat.dedupe_key == f"audit:{event.id}:wechat_custom:u{world.users['enterprise'].id}"
    payload = wechat.payload
    assert len(payload["title"]) <= 20
    assert "已提交" in payload["text"]
    assert all(len(v) <= 20 and "\n" not in v for _, v in payload["fields"])
    screen = _notes(session, demand.id, "demand.to_screen")[0]
    assert screen.payload["link"] == f"/console/demands/{demand.id}"
    assert screen.recipient_openid is None  # the console row
    [job] = session.scalars(select(Job).where(Job.kind == "demand.match"))
    assert job.payload == {"demand_id": demand.id, "submission_event_id": event.id}
    assert job.dedupe_key == f"demand.match:{demand.id}:{event.id}"


def test_without_a_county_association_the_city_screens_then_the_center(session: Session, world: World) -> None:
    world.users["la_jinjiang"].is_active = False
    demand = _draft(session, world)
    workflow.submit(session, world.actor("enterprise"), demand.id, now=NOW)
    assert {n.recipient_user_id for n in _notes(session, demand.id, "demand.to_screen")} == {
        world.users["la_quanzhou"].id
    }
    world.users["la_quanzhou"].is_active = False
    second = _draft(session, world)
    workflow.submit(session, world.actor("enterprise"), second.id, now=NOW)
    assert {n.recipient_user_id for n in _notes(session, second.id, "demand.to_screen")} == {world.users["center"].id}


def test_return_and_supplement_keep_the_added_text_and_match_again(session: Session, world: World) -> None:
    demand = _draft(session, world)
    workflow.submit(session, world.actor("enterprise"), demand.id, now=NOW)
    workflow.return_for_info(session, world.actor("la_jinjiang"), demand.id, "请说明目前的配方和年产量", now=NOW)
    assert demand.status is DemandStatus.RETURNED
    [asked] = _notes(session, demand.id, "demand.returned")
    assert "请说明目前的配方和年产量" in asked.payload["text"]
    assert "回复" in asked.payload["text"]
    workflow.supplement(session, world.actor("enterprise"), demand.id, "配方是EVA加POE，年产200万双，电话0595-88776655")
    assert demand.status is DemandStatus.SUBMITTED
    assert "年产200万双" in demand.description
    assert "0595-88776655" not in demand.description
    assert demand.private_details["landlines"] == ["0595-88776655"]
    event = _events(session, demand.id)[-1]
    assert event.action == "demand.supplement"
    assert "年产200万双" in (event.reason or "")
    assert [n.recipient_user_id for n in _notes(session, demand.id, "demand.to_screen")][-1] == world.users[
        "la_jinjiang"
    ].id
    assert session.scalars(select(Job.dedupe_key).where(Job.kind == "demand.match")).all() == [
        f"demand.match:{demand.id}:{_events(session, demand.id)[1].id}",
        f"demand.match:{demand.id}:{event.id}",
    ]


@pytest.mark.parametrize("move", [workflow.return_for_info, workflow.reject])
def test_screening_refusals_need_a_reason(session: Session, world: World, move: object) -> None:
    demand = demand_in(session, world, DemandStatus.SUBMITTED)
    before = counts(session)
    with pytest.raises(ValidationFailed, match="请填写"):
        move(session, world.actor("la_jinjiang"), demand.id, "   ")  # type: ignore[operator]
    assert demand.status is DemandStatus.SUBMITTED
    assert counts(session) == before


def test_reject_tells_the_enterprise_why(session: Session, world: World) -> None:
    demand = demand_in(session, world, DemandStatus.SUBMITTED)
    workflow.reject(session, world.actor("la_quanzhou"), demand.id, "属于产品推销，不是技术需求", now=NOW)
    [note] = _notes(session, demand.id)
    assert note.kind == "demand.rejected"
    assert "属于产品推销" in note.payload["text"]
    assert demand.status_reason == "属于产品推销，不是技术需求"


def test_withdrawal_closes_open_offers_and_the_docking_and_tells_them(session: Session, world: World) -> None:
    demand = demand_in(session, world, DemandStatus.ACCEPTED)
    accepted = Offer(demand_id=demand.id, society_id=world.society.id, rank=1, score=0.5, status=OfferStatus.ACCEPTED)
    declined = Offer(
        demand_id=demand.id, society_id=world.other_society.id, rank=2, score=0.4, status=OfferStatus.DECLINED
    )
    session.add_all([accepted, declined])
    session.flush()
    docking = Docking(demand_id=demand.id, offer_id=accepted.id, society_id=world.society.id)
    session.add(docking)
    session.flush()
    workflow.withdraw(session, world.actor("enterprise"), demand.id, reason="已自行解决", now=NOW)
    assert (demand.status, accepted.status, declined.status, docking.status) == (
        DemandStatus.WITHDRAWN, OfferStatus.WITHDRAWN, OfferStatus.DECLINED, DockingStatus.CANCELLED,
    )  # fmt: skip
    assert [e.action for e in _events(session, demand.id)] == ["demand.withdraw", "offer.withdraw", "docking.cancel"]
    told = {n.recipient_user_id for n in _notes(session, demand.id)}
    assert told == {world.users[w].id for w in ("enterprise", "la_jinjiang", "society")}


def test_the_audit_event_and_notifications_roll_back_with_the_transaction(bound_db: Database, world: World) -> None:
    session = bound_db.new_session()
    demand = demand_in(session, world, DemandStatus.DRAFT)
    session.commit()  # releases the savepoint: the world and the draft are "committed"
    before = counts(session)

    class Boom(Exception):
        pass

    def submit_then_fail() -> None:
        with bound_db.unit_of_work() as uow:
            workflow.submit(uow, world.actor("enterprise"), demand.id, now=NOW)
            assert counts(uow) > before
            raise Boom

    with pytest.raises(Boom):
        submit_then_fail()
    session.expire_all()
    assert session.get(Demand, demand.id).status is DemandStatus.DRAFT  # type: ignore[union-attr]
    assert counts(session) == before


def test_a_notification_enqueued_twice_is_kept_once(session: Session, world: World) -> None:
    from workflow.notify import Notice, tell

    demand = demand_in(session, world, DemandStatus.SUBMITTED)
    users = [world.users["center"], world.users["center"]]
    notice = Notice("demand.test", "测试", "测试通知")
    assert tell(session, users, notice, source="test:1", demand_id=demand.id) == 1
    assert tell(session, users, notice, source="test:1", demand_id=demand.id) == 0
    assert len(_notes(session, demand.id)) == 1


def test_staff_with_wechat_get_a_template_row_too(session: Session, world: World) -> None:
    staff = make_user(session, Role.CENTER, wechat_openid="o-center-2")
    from workflow.notify import Notice, tell

    demand = demand_in(session, world, DemandStatus.SUBMITTED)
    tell(session, [staff], Notice("demand.test", "测试", "测试"), source="t:2", demand_id=demand.id)
    assert {(n.channel, n.recipient_openid) for n in _notes(session, demand.id)} == {
        (NotificationChannel.CONSOLE, None),
        (NotificationChannel.WECHAT_TEMPLATE, "o-center-2"),
    }
