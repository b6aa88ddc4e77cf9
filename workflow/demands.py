"""A demand's own moves: draft, submit, screening (approve / return / reject), supplement, withdraw, close.

Each function is one transition of :data:`workflow.states.DEMAND_TRANSITIONS`: scope first
(:mod:`workflow.scopes`, NotFound), then role and state (:func:`workflow.states.check`), then the
change, its AuditEvent and its notifications, all in the caller's transaction. Services flush, never
commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core import clock
from core.errors import PermissionDenied, ValidationFailed
from core.settings import WorkflowSettings
from directory.regions import get_region
from ingestion.normalize import clean_text
from ingestion.pii import Pii, extract_pii
from ingestion.pipeline import NOTICE_CONTACT, prepare_demand_text
from models import (
    AuditEvent,
    Demand,
    DemandStatus,
    Docking,
    DockingStatus,
    Enterprise,
    Offer,
    OfferStatus,
    RegionLevel,
    Role,
)
from workflow import messages
from workflow.jobs import enqueue_job
from workflow.notify import (
    Notice,
    announce,
    association_name,
    association_recipients,
    enterprise_recipients,
    society_recipients,
)
from workflow.rounds import start_offers
from workflow.schemas import DemandInput
from workflow.scopes import visible_demand
from workflow.states import DEMAND_TRANSITIONS, check
from workflow.transitions import move_demand, move_offer, record_event

MAX_REASON_CHARS = 1000
MATCH_JOB = "demand.match"


@dataclass(frozen=True)
class DraftCreated:
    """The new draft, and the sentences to show the user (e.g. their phone number was moved out of the text)."""

    demand: Demand
    notices: list[str]


def _private_details(pii: Pii) -> dict[str, list[str]]:
    found = {
        "mobiles": pii.mobiles,
        "landlines": pii.landlines,
        "emails": pii.emails,
        "id_numbers": pii.id_numbers,
        "wechat_ids": pii.wechat_ids,
        "qq_numbers": pii.qq_numbers,
    }
    return {k: list(v) for k, v in found.items() if v}


def clean_reason(reason: str | None, *, required: bool, label: str) -> str | None:
    text = clean_text(reason or "", max_length=MAX_REASON_CHARS, label=label)
    if required and not text:
        raise ValidationFailed(f"请填写{label}", fields={"field": "reason"})
    return text or None


def create_draft(session: Session, actor: Actor, data: DemandInput, *, now: datetime | None = None) -> DraftCreated:
    """A new draft demand of the actor's enterprise, cleaned and redacted by :func:`prepare_demand_text`.

    Contact details found in the text are moved to the demand's contact fields / ``private_details``
    (shown to a society only after its docking is confirmed); ``notices`` says so to the user.
    """
    now = now or clock.now()
    if actor.role is not Role.ENTERPRISE or actor.enterprise_id is None:
        raise PermissionDenied("只有企业（或以企业身份登记的地方政府）用户可以提出需求")
    enterprise = session.get(Enterprise, actor.enterprise_id)
    if enterprise is None:
        raise PermissionDenied("您的账号未关联企业，请先完成企业绑定")
    prepared = prepare_demand_text(data.title, data.description)
    pii = prepared.pii
    expected = None
    notices = list(prepared.notices)
    if data.expected_outcome:
        expected, outcome_pii = extract_pii(clean_text(data.expected_outcome, label="期望效果"))
        pii = pii.merge(outcome_pii)
        expected = expected or None
        if not outcome_pii.is_empty and NOTICE_CONTACT not in notices:
            notices.append(NOTICE_CONTACT)
    region = get_region(session, data.region_code or enterprise.region_code)
    if region.level is RegionLevel.PROVINCE:
        raise ValidationFailed("请选择需求所在的设区市或县（市、区）", fields={"field": "region_code"})
    if data.deadline is not None and data.deadline < now.date():
        raise ValidationFailed("期望完成时间已经过去，请重新填写", fields={"field": "deadline"})
    demand = Demand(
        enterprise_id=enterprise.id,
        region_code=region.code,
        title=prepared.title,
        description=prepared.description,
        expected_outcome=expected,
        category=prepared.category,
        industry=prepared.industry,
        keywords=prepared.keywords,
        budget_min=data.budget_min,
        budget_max=data.budget_max,
        budget_negotiable=data.budget_negotiable,
        deadline=data.deadline,
        attachments=[a.model_dump(exclude_none=True) for a in data.attachments],
        status=DemandStatus.DRAFT,
        source=data.source,
        is_government=enterprise.is_government if data.is_government is None else data.is_government,
        contact_name=data.contact_name or None,
        contact_phone=data.contact_phone or pii.contact_phone,
        contact_email=data.contact_email or pii.contact_email,
        private_details=_private_details(pii),
        status_changed_at=now,
    )
    session.add(demand)
    session.flush()
    record_event(
        session,
        actor,
        entity_type="demand",
        entity_id=demand.id,
        demand_id=demand.id,
        action="demand.create",
        to_state=DemandStatus.DRAFT.value,
        now=now,
    )
    return DraftCreated(demand=demand, notices=notices)


def _enterprise_name(session: Session, demand: Demand) -> str:
    enterprise = session.get(Enterprise, demand.enterprise_id)
    return enterprise.name if enterprise is not None else "企业"


def _ask_for_screening(
    session: Session, demand: Demand, event: AuditEvent, to_enterprise: Notice, to_association: Notice
) -> None:
    """After a (re)submission: tell both sides and have the matcher prepare suggestions, once per submission."""
    announce(session, event, enterprise_recipients(session, demand), to_enterprise)
    announce(session, event, association_recipients(session, demand.region_code), to_association)
    enqueue_job(
        session,
        MATCH_JOB,
        {"demand_id": demand.id, "submission_event_id": event.id},
        dedupe_key=f"{MATCH_JOB}:{demand.id}:{event.id}",
    )


def submit(session: Session, actor: Actor, demand_id: int, *, now: datetime | None = None) -> Demand:
    """Draft → submitted: the local association is asked to screen it; matching starts in the background."""
    now = now or clock.now()
    demand = visible_demand(session, actor, demand_id)
    event = move_demand(session, actor, demand, "submit", now=now)
    demand.submitted_at = now
    demand.submitted_by_user_id = actor.user_id
    session.flush()
    handler = association_name(session, demand.region_code)
    region = get_region(session, demand.region_code).full_name
    _ask_for_screening(
        session,
        demand,
        event,
        messages.submitted_to_enterprise(demand, handler, now),
        messages.submitted_to_association(demand, _enterprise_name(session, demand), region, now),
    )
    return demand


def supplement(session: Session, actor: Actor, demand_id: int, text: str, *, now: datetime | None = None) -> Demand:
    """Returned → submitted: the enterprise's answer is added to the description (kept and audited)."""
    now = now or clock.now()
    demand = visible_demand(session, actor, demand_id)
    check(DEMAND_TRANSITIONS["supplement"], demand.status, actor)
    added, pii = extract_pii(clean_text(text or "", label="补充内容"))
    if not added.strip():
        raise ValidationFailed("请填写补充内容：审核单位需要了解的情况", fields={"field": "text"})
    stamp = messages.beijing(now)[:10]
    prepared = prepare_demand_text(demand.title, f"{demand.description}\n【{stamp} 补充】{added}")
    merged = _private_details(pii)
    for key, values in merged.items():
        demand.private_details = {
            **demand.private_details,
            key: list(dict.fromkeys([*demand.private_details.get(key, []), *values])),
        }
    demand.description = prepared.description
    demand.keywords = prepared.keywords
    demand.category = prepared.category
    demand.industry = prepared.industry
    demand.contact_phone = demand.contact_phone or pii.contact_phone
    demand.contact_email = demand.contact_email or pii.contact_email
    event = move_demand(session, actor, demand, "supplement", now=now, reason=added, data={"added": added})
    demand.submitted_at = now
    session.flush()
    _ask_for_screening(
        session,
        demand,
        event,
        messages.supplemented_to_enterprise(demand, association_name(session, demand.region_code), now),
        messages.supplemented_to_association(demand, _enterprise_name(session, demand), added, now),
    )
    return demand


def approve(
    session: Session,
    actor: Actor,
    demand_id: int,
    *,
    note: str | None = None,
    now: datetime | None = None,
    policy: WorkflowSettings | None = None,
) -> Demand:
    """Submitted → approved (screening passed), and at once → offered to the best societies of the
    snapshot the association saw (:func:`workflow.rounds.start_offers`; without a snapshot the
    ``demand.offer`` job makes the offers in the worker)."""
    now = now or clock.now()
    demand = visible_demand(session, actor, demand_id)
    reason = clean_reason(note, required=False, label="审核意见")
    event = move_demand(session, actor, demand, "approve", now=now, reason=reason)
    handler = event.data["by"]
    announce(
        session, event, enterprise_recipients(session, demand), messages.approved_to_enterprise(demand, handler, now)
    )
    start_offers(session, demand, now=now, policy=policy)
    return demand


RefusalNotice = Callable[[Demand, str, str, datetime], Notice]


def _screen_with_reason(
    session: Session,
    actor: Actor,
    demand_id: int,
    name: str,
    reason: str,
    label: str,
    notice: RefusalNotice,
    now: datetime | None,
) -> Demand:
    now = now or clock.now()
    demand = visible_demand(session, actor, demand_id)
    text = clean_reason(reason, required=True, label=label) or ""
    event = move_demand(session, actor, demand, name, now=now, reason=text)
    announce(session, event, enterprise_recipients(session, demand), notice(demand, event.data["by"], text, now))
    return demand


def return_for_info(
    session: Session, actor: Actor, demand_id: int, reason: str, *, now: datetime | None = None
) -> Demand:
    """Submitted → returned: the enterprise is asked for more information (it answers with :func:`supplement`)."""
    label = "需要补充的内容"
    return _screen_with_reason(
        session, actor, demand_id, "return_for_info", reason, label, messages.returned_to_enterprise, now
    )


def reject(session: Session, actor: Actor, demand_id: int, reason: str, *, now: datetime | None = None) -> Demand:
    """Submitted → rejected, with the reason the enterprise is told."""
    label = "不予通过的原因"
    return _screen_with_reason(session, actor, demand_id, "reject", reason, label, messages.rejected_to_enterprise, now)


def withdraw(
    session: Session, actor: Actor, demand_id: int, *, reason: str | None = None, now: datetime | None = None
) -> Demand:
    """Any state before contracted → withdrawn, by the enterprise; open offers and the docking close with it."""
    now = now or clock.now()
    demand = visible_demand(session, actor, demand_id)
    text = clean_reason(reason, required=False, label="撤回原因")
    was = demand.status
    event = move_demand(session, actor, demand, "withdraw", now=now, reason=text)
    open_offers = list(
        session.scalars(
            select(Offer)
            .where(Offer.demand_id == demand.id, Offer.status.in_([OfferStatus.PENDING, OfferStatus.ACCEPTED]))
            .order_by(Offer.id)
        )
    )
    for offer in open_offers:
        move_offer(session, actor, offer, "withdraw", now=now, reason=text)
    docking = session.scalar(select(Docking).where(Docking.demand_id == demand.id))
    if docking is not None and docking.status in (DockingStatus.PROPOSED, DockingStatus.CONFIRMED):
        before = docking.status
        docking.status = DockingStatus.CANCELLED
        record_event(
            session,
            actor,
            entity_type="docking",
            entity_id=docking.id,
            demand_id=demand.id,
            action="docking.cancel",
            from_state=before.value,
            to_state=DockingStatus.CANCELLED.value,
            reason=text,
            now=now,
        )
    announce(session, event, enterprise_recipients(session, demand), messages.withdrawn_to_enterprise(demand, now))
    staff_notice = messages.withdrawn_to_staff(demand, _enterprise_name(session, demand), text, now)
    if was is not DemandStatus.DRAFT:
        announce(session, event, association_recipients(session, demand.region_code), staff_notice)
    for offer in open_offers:
        announce(session, event, society_recipients(session, offer.society_id), staff_notice)
    return demand


def close(
    session: Session, actor: Actor, demand_id: int, *, reason: str | None = None, now: datetime | None = None
) -> Demand:
    """Completed → closed without the enterprise's rating (by staff, or by the system after the timeout)."""
    now = now or clock.now()
    demand = visible_demand(session, actor, demand_id)
    text = clean_reason(reason, required=False, label="结项说明")
    event = move_demand(session, actor, demand, "close", now=now, reason=text)
    docking = session.scalar(select(Docking).where(Docking.demand_id == demand.id))
    if docking is not None and docking.status is DockingStatus.COMPLETED:
        docking.status = DockingStatus.CLOSED
        docking.closed_at = now
    announce(session, event, enterprise_recipients(session, demand), messages.closed_to_enterprise(demand, text, now))
    return demand
