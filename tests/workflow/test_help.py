"""The bot's hand-over to staff: the region's association gets an inbox item, else the center."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

import workflow
from models import AuditEvent, Notification, NotificationChannel
from tests.workflow.conftest import PINGTAN, World


def test_help_goes_to_the_association_of_the_region(session: Session, world: World) -> None:
    result = workflow.request_staff_help(session, "o-ent-1", region_code="350582", text="不会填写预算，能打电话给我吗")
    assert result.notified == 2  # console + WeChat template of the Jinjiang association's user
    rows = list(session.scalars(select(Notification).where(Notification.kind == "help.requested")))
    assert {(n.recipient_user_id, n.channel) for n in rows} == {
        (world.users["la_jinjiang"].id, NotificationChannel.CONSOLE),
        (world.users["la_jinjiang"].id, NotificationChannel.WECHAT_TEMPLATE),
    }
    assert "晋江恒达鞋业有限公司" in rows[0].payload["text"]
    assert "不会填写预算" in rows[0].payload["text"]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "help.request"))
    assert event is not None
    assert event.data["openid"] == "o-ent-1"


def test_help_without_region_or_association_goes_to_the_center(session: Session, world: World) -> None:
    unknown = workflow.request_staff_help(session, "o-stranger", region_code=None, text="你好，请人工服务")
    assert unknown.handled_by == "省科技咨询服务中心"
    world.users["la_pingtan"].is_active = False
    pingtan = workflow.request_staff_help(session, "o-stranger", region_code=PINGTAN, text="平潭企业求助")
    assert pingtan.handled_by == "省科技咨询服务中心"  # Pingtan has no city above it in the programme
    rows = session.scalars(select(Notification.recipient_user_id).where(Notification.kind == "help.requested"))
    assert set(rows) == {world.users["center"].id}
