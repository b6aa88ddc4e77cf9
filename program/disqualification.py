"""Taking away an unqualified pilot's qualification by a formal decision (seed art. 18).

The department records the decision (document number and date, reason) on a published 不合格 result
of a current pilot: a society loses ``is_pilot``, a demonstration area's region loses
``is_demonstration``; the decision is audited and the unit and the center are told. From then on the
society gets no new offers (:func:`program.eligibility.offerable_society`, the one rule the offer rounds
and the center's reroute use). Its offers still *pending* expire at once, so their demands go on to the
next societies without waiting for the deadline; offers it already *accepted* and its dockings go on —
the enterprises have a team at work and the decision is not theirs to bear.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core import clock
from core.clock import BEIJING
from core.errors import Conflict, IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from ingestion.normalize import clean_text
from models import (
    Disqualification,
    EvaluationGrade,
    EvaluationResult,
    LocalAssociation,
    Offer,
    OfferStatus,
    Region,
    Role,
    Society,
)
from program import evaluation_messages as say
from program.units import unit_by_ids, unit_recipients
from workflow.notify import announce, center_recipients
from workflow.rounds import round_closed
from workflow.transitions import lock_demand, move_offer, record_event

MAX_REASON_CHARS = 2000


class DisqualificationInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    result_id: int = Field(ge=1, le=2**31 - 1, description="所依据的绩效评价结果（须为不合格）")
    document_no: str = Field(min_length=1, max_length=60, description="文件文号")
    document_date: date = Field(description="文件日期")
    reason: str = Field(min_length=1, max_length=MAX_REASON_CHARS, description="取消原因")


def _expire_pending_offers(session: Session, society_id: int, now: datetime) -> int:
    """The society's pending offers expire now; each round left without open offers goes on."""
    system = Actor.system()
    pending = session.scalars(
        select(Offer).where(Offer.society_id == society_id, Offer.status == OfferStatus.PENDING).order_by(Offer.id)
    ).all()
    for offer in pending:
        move_offer(session, system, offer, "expire", now=now, reason="该学会试点资格已被取消，推荐失效")
        round_closed(session, system, lock_demand(session, offer.demand_id), now=now)
    return len(pending)


def disqualify(
    session: Session, actor: Actor, data: DisqualificationInput, *, now: datetime | None = None
) -> Disqualification:
    now = now or clock.now()
    if actor.role is not Role.DEPARTMENT:
        raise PermissionDenied("只有省科协学会学术部可以取消试点资格")
    result = session.get(EvaluationResult, data.result_id, with_for_update=True)  # one decision per result
    if result is None:
        raise NotFound(f"找不到编号为 {data.result_id} 的绩效评价结果")
    if result.published_at is None or result.grade is not EvaluationGrade.FAIL:
        raise IllegalTransition("只有已发布且等级为「不合格」的评价结果才能作为取消试点资格的依据")
    if session.scalar(select(Disqualification.id).where(Disqualification.result_id == result.id)) is not None:
        raise Conflict("该评价结果已据以作出取消试点资格的决定")
    if data.document_date > now.astimezone(BEIJING).date():
        raise ValidationFailed("文件日期不能晚于今天", fields={"field": "document_date"})
    number = clean_text(data.document_no, max_length=60, label="文件文号", single_line=True)
    reason = clean_text(data.reason, max_length=MAX_REASON_CHARS, label="取消原因")
    if not number or not reason:
        raise ValidationFailed("请填写文件文号和取消原因")
    unit = unit_by_ids(session, result.society_id, result.local_association_id)
    name = unit.name
    expired = 0
    if result.society_id is not None:
        society = session.get_one(Society, result.society_id)
        if not society.is_pilot:
            raise IllegalTransition(f"{name}当前不是试点学会，无需取消试点资格")
        society.is_pilot = False
    else:
        la = session.get_one(LocalAssociation, result.local_association_id)
        region = session.get_one(Region, la.region_code)
        if not region.is_demonstration:
            raise IllegalTransition(f"{name}所在地区当前不是示范县区，无需取消")
        region.is_demonstration = False
    decision = Disqualification(
        society_id=result.society_id, local_association_id=result.local_association_id, result_id=result.id,
        document_no=number, document_date=data.document_date, reason=reason, decided_by_user_id=actor.user_id,
        decided_at=now,
    )  # fmt: skip
    session.add(decision)
    session.flush()
    event = record_event(
        session, actor, entity_type="disqualification", entity_id=decision.id, demand_id=None,
        action="pilot.disqualify", from_state="pilot", to_state="disqualified", reason=reason,
        data={"document_no": number, "document_date": data.document_date.isoformat(), "result_id": result.id,
              "society_id": result.society_id, "local_association_id": result.local_association_id},
        now=now,
    )  # fmt: skip
    if result.society_id is not None:
        expired = _expire_pending_offers(session, result.society_id, now)
    notice = say.disqualified_to_unit(name, decision)
    announce(session, event, [*unit_recipients(session, unit), *center_recipients(session)], notice)
    if expired:
        event.data = {**event.data, "expired_offers": expired}
    return decision


def list_disqualifications(session: Session, actor: Actor) -> list[Disqualification]:
    if actor.role not in (Role.DEPARTMENT, Role.CENTER):
        raise PermissionDenied("只有省科协学会学术部和省科技咨询服务中心可以查看")
    return list(session.scalars(select(Disqualification).order_by(Disqualification.decided_at.desc())))
