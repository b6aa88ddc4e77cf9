"""Turning a confirmed draft into a submitted demand: bind the openid, create the draft demand, submit it."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.orm import Session

from accounts.actor import Actor
from accounts.wechat import bind_enterprise, enterprise_actor
from bot import attachments
from bot.conversation.state import Draft, Profile
from core.errors import ValidationFailed
from ingestion.pipeline import NOTICE_CONTACT
from models import DemandSource, Enterprise
from workflow import DemandInput, create_draft, submit
from workflow.notify import association_name
from workflow.schemas import Attachment


def prefill(session: Session, openid: str, draft: Draft, profile: Profile) -> None:
    """A new draft starts from the bound enterprise (or what the openid said last time)."""
    actor = enterprise_actor(session, openid)
    enterprise = session.get(Enterprise, actor.enterprise_id) if actor and actor.enterprise_id else None
    if enterprise is not None:
        draft.enterprise_name, draft.credit_code, draft.enterprise_bound = enterprise.name, enterprise.credit_code, True
        draft.region_code = draft.region_code or profile.region_code or enterprise.region_code
        draft.contact_name = draft.contact_name or profile.contact_name or enterprise.contact_name
        draft.contact_phone = draft.contact_phone or profile.contact_phone or enterprise.contact_phone
    else:
        draft.enterprise_name = draft.enterprise_name or profile.enterprise_name
        draft.credit_code = draft.credit_code or profile.credit_code
        draft.region_code = draft.region_code or profile.region_code
        draft.contact_name = draft.contact_name or profile.contact_name
        draft.contact_phone = draft.contact_phone or profile.contact_phone
    draft.contact_email = draft.contact_email or profile.contact_email
    draft.region_prefilled = draft.region_code is not None


def _actor(session: Session, openid: str, draft: Draft) -> Actor:
    actor = enterprise_actor(session, openid)
    if actor is not None:
        return actor
    if not (draft.enterprise_name and draft.credit_code and draft.region_code):
        raise ValidationFailed("请先填写企业全称、统一社会信用代码和所在地区")
    return bind_enterprise(
        session,
        openid,
        name=draft.enterprise_name,
        credit_code=draft.credit_code,
        region_code=draft.region_code,
        contact_name=draft.contact_name or "",
        contact_phone=draft.contact_phone or "",
    )


def demand_input(draft: Draft) -> DemandInput:
    return DemandInput(
        title=draft.title,
        description=draft.description_text,
        expected_outcome=draft.expected_outcome,
        budget_min=draft.budget_min,
        budget_max=draft.budget_max,
        budget_negotiable=draft.budget_negotiable,
        deadline=draft.deadline,
        contact_name=draft.contact_name,
        contact_phone=draft.contact_phone,
        contact_email=draft.contact_email,
        region_code=draft.region_code,
        attachments=[Attachment.model_validate(a) for a in draft.attachments],
        source=DemandSource.WECHAT,
    )


def submit_draft(session: Session, openid: str, draft: Draft, *, now: datetime) -> tuple[str, int | None]:
    """Submit ``draft`` for ``openid``: the reply saying what was stored and what happens next, and the user id.

    Raises :class:`~core.errors.DomainError` (nothing written is kept: the caller rolls back).
    """
    actor = _actor(session, openid, draft)
    try:
        data = demand_input(draft)
    except PydanticValidationError as exc:
        raise ValidationFailed("需求内容超出长度限制，请精简后再提交") from exc
    created = create_draft(session, actor, data, now=now)
    demand = submit(session, actor, created.demand.id, now=now)
    attachments.fetch_later(session, demand)
    handler = association_name(session, demand.region_code)
    contact = "、".join(p for p in (draft.contact_name, draft.contact_phone, draft.contact_email) if p)
    notices = [n for n in created.notices if n != NOTICE_CONTACT]
    lines = [
        f"需求已提交（编号{demand.id}）：「{demand.title}」。",
        f"联系方式（{contact}）已单独保存，对接确认前不会提供给学会"
        + ("；描述中的电话等联系方式也已移出正文，一并单独保存。" if NOTICE_CONTACT in created.notices else "。"),
        *notices,
        f"接下来：{handler}将审核这项需求，审核通过后我们会为您匹配省级学会和专家团队，"
        "每一步进展都会在这里通知您。回复「我的需求」可随时查看进度。",
    ]
    return "\n".join(lines), actor.user_id


def remember(profile: Profile, draft: Draft) -> None:
    """What to offer again for the openid's next demand."""
    profile.enterprise_name, profile.credit_code = draft.enterprise_name, draft.credit_code
    profile.region_code = draft.region_code
    profile.contact_name, profile.contact_phone = draft.contact_name, draft.contact_phone
    profile.contact_email = draft.contact_email
