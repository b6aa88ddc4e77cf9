"""The bot's hand-over to a person: an inbox item for the region's association, else the provincial center."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from accounts.actor import Actor
from accounts.wechat import enterprise_actor
from core import clock
from core.errors import ValidationFailed
from ingestion.normalize import clean_text
from models import Region, Role
from workflow import messages
from workflow.notify import association_name, association_recipients, center_recipients, tell
from workflow.schemas import HelpRequested
from workflow.transitions import actor_name, record_event

MAX_HELP_CHARS = 1000


def request_staff_help(
    session: Session, openid: str, *, region_code: str | None, text: str, now: datetime | None = None
) -> HelpRequested:
    """Ask staff to contact a WeChat user; audited (``help_request``) and sent to the staff's inbox.

    The association of ``region_code`` (the county's, else the city's) answers; without a region, or
    with one no association serves, the provincial center does.
    """
    now = now or clock.now()
    message = clean_text(text or "", max_length=MAX_HELP_CHARS, label="求助内容")
    if not message:
        raise ValidationFailed("请说明需要什么帮助")
    actor = enterprise_actor(session, openid)
    who = actor_name(session, actor) if actor is not None else "未绑定企业的微信用户"
    region = session.get(Region, region_code) if region_code else None
    if region is not None:
        staff, handled_by, where = (
            association_recipients(session, region.code),
            association_name(session, region.code),
            region.full_name,
        )
    else:
        staff, handled_by, where = center_recipients(session), "省科技咨询服务中心", "地区未知"
    event = record_event(
        session,
        actor or Actor(user_id=None, role=Role.SYSTEM, display_name="微信用户"),
        entity_type="help_request",
        entity_id=actor.user_id if actor is not None and actor.user_id is not None else 0,
        demand_id=None,
        action="help.request",
        reason=message,
        data={"openid": openid, "region_code": region.code if region else None, "handled_by": handled_by},
        now=now,
    )
    notified = tell(
        session,
        staff,
        messages.help_to_staff(who, where, message, now),
        source=f"audit:{event.id}",
        demand_id=None,
        now=now,
    )
    return HelpRequested(handled_by=handled_by, notified=notified)
