"""The docking after a society accepted: confirmation, agreement, outcome, the enterprise's rating.

Each function is one demand transition (:data:`workflow.states.DEMAND_TRANSITIONS`) and moves the
demand's :class:`~models.Docking` with it: ``confirm_docking`` (accepted → docked; from now on the
society and its experts see the enterprise's contact details), ``record_agreement`` (docked →
contracted), ``report_outcome`` (contracted → completed) and ``rate`` (completed → closed). A society
acts only on its own docking: anyone else's is reported as not found.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core import clock
from core.clock import BEIJING
from core.errors import ValidationFailed
from ingestion.normalize import clean_text
from models import Demand, Docking, DockingExpert, DockingStatus, Enterprise, Role, Society, User
from workflow import offer_messages as say
from workflow.demands import clean_reason
from workflow.notify import (
    announce,
    association_recipients,
    enterprise_recipients,
    expert_recipients,
    society_recipients,
)
from workflow.scopes import demand_not_found, visible_demand
from workflow.states import DEMAND_TRANSITIONS, check
from workflow.transitions import flush, move_demand

MAX_AMOUNT = Decimal("999999999999.99")
MAX_OUTCOME_CHARS = 5000
NO_DOCKING = "该需求还没有学会承接，没有可办理的对接"


def _docking(session: Session, actor: Actor, demand_id: int, transition: str) -> tuple[Demand, Docking]:
    """The demand and its docking, if ``actor`` may see them; then role and state of ``transition`` checked."""
    demand = visible_demand(session, actor, demand_id)
    docking = session.scalar(select(Docking).where(Docking.demand_id == demand.id))
    if actor.role is Role.SOCIETY and (docking is None or docking.society_id != actor.society_id):
        raise demand_not_found(demand_id)  # a society that only had an offer: not its docking
    check(DEMAND_TRANSITIONS[transition], demand.status, actor)
    if docking is None:
        raise ValidationFailed(NO_DOCKING)
    return demand, docking


def _contact_line(name: str | None, phone: str | None, email: str | None = None) -> str:
    parts = [f"联系人：{name}" if name else "", f"电话：{phone}" if phone else "", f"邮箱：{email}" if email else ""]
    found = "，".join(p for p in parts if p)
    return f"{found}。" if found else ""


def _staff(session: Session, demand: Demand, docking: Docking) -> list[User]:
    return [*society_recipients(session, docking.society_id), *association_recipients(session, demand.region_code)]


def confirm_docking(
    session: Session, actor: Actor, demand_id: int, *, note: str | None = None, now: datetime | None = None
) -> Demand:
    """Accepted → docked, by the local association (or the center): both sides get each other's contact."""
    now = now or clock.now()
    demand, docking = _docking(session, actor, demand_id, "confirm_docking")
    text = clean_reason(note, required=False, label="确认意见")
    event = move_demand(session, actor, demand, "confirm_docking", now=now, reason=text)
    docking.status = DockingStatus.CONFIRMED
    docking.confirmed_at = now
    docking.confirmed_by_user_id = actor.user_id
    flush(session)
    society = session.get_one(Society, docking.society_id)
    enterprise = session.get_one(Enterprise, demand.enterprise_id)
    to_enterprise = say.docked_to_enterprise(
        demand, society.name, _contact_line(society.contact_name, society.contact_phone), now
    )
    announce(session, event, enterprise_recipients(session, demand), to_enterprise)
    contact = _contact_line(
        demand.contact_name or enterprise.contact_name,
        demand.contact_phone or enterprise.contact_phone,
        demand.contact_email,
    )
    team = session.scalars(select(DockingExpert.expert_id).where(DockingExpert.docking_id == docking.id)).all()
    staff = [*society_recipients(session, docking.society_id), *expert_recipients(session, team)]
    announce(session, event, staff, say.docked_to_society(demand, enterprise.name, contact, now))
    return demand


def _amount(amount: Decimal | int | float | str | None) -> Decimal | None:
    if amount is None or amount == "":
        return None
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ValidationFailed("协议金额应为数字（单位：元）", fields={"field": "amount"}) from exc
    if value < 0 or value > MAX_AMOUNT:
        raise ValidationFailed("协议金额应在 0 到 9999 亿元之间", fields={"field": "amount"})
    return value


def record_agreement(
    session: Session,
    actor: Actor,
    demand_id: int,
    signed_on: date,
    amount: Decimal | int | float | str | None = None,
    *,
    now: datetime | None = None,
) -> Demand:
    """Docked → contracted: the cooperation agreement's date (not in the future) and amount (yuan, optional)."""
    now = now or clock.now()
    demand, docking = _docking(session, actor, demand_id, "record_agreement")
    if signed_on > now.astimezone(BEIJING).date():
        raise ValidationFailed("协议签订日期不能晚于今天", fields={"field": "signed_on"})
    confirmed = docking.confirmed_at.astimezone(BEIJING).date() if docking.confirmed_at else None
    if confirmed is not None and signed_on < confirmed:
        raise ValidationFailed(
            f"协议签订日期不能早于对接确认日期（{confirmed.isoformat()}）", fields={"field": "signed_on"}
        )
    value = _amount(amount)
    data = {"signed_on": signed_on.isoformat(), "amount": str(value) if value is not None else None}
    event = move_demand(session, actor, demand, "record_agreement", now=now, data=data)
    docking.status = DockingStatus.CONTRACTED
    docking.agreement_signed_on = signed_on
    docking.agreement_amount = value
    flush(session)
    notice = say.contracted_to_party(demand, signed_on, value, now)
    announce(session, event, enterprise_recipients(session, demand), notice)
    announce(session, event, _staff(session, demand, docking), notice)
    return demand


def report_outcome(
    session: Session, actor: Actor, demand_id: int, outcome: str, *, now: datetime | None = None
) -> Demand:
    """Contracted → completed, with what the cooperation achieved; the enterprise is asked to rate it."""
    now = now or clock.now()
    demand, docking = _docking(session, actor, demand_id, "report_outcome")
    text = clean_text(outcome or "", max_length=MAX_OUTCOME_CHARS, label="合作成果")
    if not text:
        raise ValidationFailed("请填写合作成果", fields={"field": "outcome"})
    event = move_demand(session, actor, demand, "report_outcome", now=now, reason=text)
    docking.status = DockingStatus.COMPLETED
    docking.outcome = text
    docking.completed_at = now
    flush(session)
    announce(session, event, enterprise_recipients(session, demand), say.completed_to_enterprise(demand, text, now))
    announce(session, event, _staff(session, demand, docking), say.completed_to_staff(demand, text, now))
    return demand


def rate(
    session: Session,
    actor: Actor,
    demand_id: int,
    rating: int,
    comment: str | None = None,
    *,
    now: datetime | None = None,
) -> Demand:
    """Completed → closed by the enterprise's rating (1–5) and optional comment."""
    now = now or clock.now()
    demand, docking = _docking(session, actor, demand_id, "rate")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationFailed("评分请填写 1 到 5 之间的整数", fields={"field": "rating"})
    text = clean_reason(comment, required=False, label="评价意见")
    event = move_demand(session, actor, demand, "rate", now=now, reason=text, data={"rating": rating})
    docking.status = DockingStatus.CLOSED
    docking.rating = rating
    docking.rating_comment = text
    docking.closed_at = now
    flush(session)
    announce(session, event, enterprise_recipients(session, demand), say.rated_to_enterprise(demand, rating, now))
    announce(session, event, _staff(session, demand, docking), say.rated_to_staff(demand, rating, text, now))
    return demand
