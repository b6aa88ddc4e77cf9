"""Rectification after an evaluation with problems (seed art. 17): due, submitted, accepted or returned.

A published result whose grade is in ``rectification_grades`` owes a written rectification report
within ``rectification_months`` of its publication. The unit submits it (again after a return); the
provincial center accepts it or returns it with a reason. A rectification still owed after its due day
is overdue (derived from the date, never stored). :func:`remind_rectifications` tells the unit once
``rectification_reminder_days`` before the due day and once when it is overdue (the center too), by
notifications with dedupe keys of their own: running it again sends nothing new.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core import clock
from core.clock import BEIJING
from core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from core.settings import EvaluationSettings
from ingestion.normalize import clean_text
from models import AuditEvent, EvaluationResult, EvaluationRound, Rectification, RectificationStatus, Role
from program import evaluation_messages as say
from program.units import unit_by_ids, unit_of_actor, unit_recipients
from workflow.demands import clean_reason
from workflow.jobs import JobContext, periodic
from workflow.notify import announce, center_recipients, tell
from workflow.transitions import record_event

MAX_REPORT_CHARS = 20_000
BATCH = 200
OWED = (RectificationStatus.PENDING, RectificationStatus.RETURNED)
STATUS_LABELS = {
    RectificationStatus.PENDING: "待提交整改报告",
    RectificationStatus.SUBMITTED: "已提交，待中心审核",
    RectificationStatus.RETURNED: "已退回，待重新提交",
    RectificationStatus.ACCEPTED: "整改已通过",
}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter: 30 Nov + 3 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_overdue(rectification: Rectification, today: date) -> bool:
    return rectification.status in OWED and today > rectification.due_on


def open_rectification(
    session: Session, result: EvaluationResult, *, now: datetime, policy: EvaluationSettings
) -> Rectification:
    """The rectification a just-published result owes, due ``rectification_months`` after today (Beijing)."""
    due = add_months(now.astimezone(BEIJING).date(), policy.rectification_months)
    row = Rectification(
        result_id=result.id, due_on=due, status=RectificationStatus.PENDING, created_at=now, updated_at=now
    )
    session.add(row)
    session.flush()
    return row


def rectification_not_found(rectification_id: int) -> NotFound:
    return NotFound(f"找不到编号为 {rectification_id} 的整改（或不在您的办理范围内）")


def visible_rectification(
    session: Session, actor: Actor, rectification_id: int, *, lock: bool = False
) -> tuple[Rectification, EvaluationResult]:
    """The rectification for the center and the department, and for its own unit; else NotFound
    (``lock``: under a row lock, so concurrent moves on it queue and the later one sees the earlier)."""
    row = session.get(Rectification, rectification_id, with_for_update=lock, populate_existing=lock)
    result = session.get(EvaluationResult, row.result_id) if row is not None else None
    if row is None or result is None:
        raise rectification_not_found(rectification_id)
    if actor.role in (Role.CENTER, Role.DEPARTMENT):
        return row, result
    unit = unit_of_actor(session, actor)
    if unit is None or unit.key != unit_by_ids(session, result.society_id, result.local_association_id).key:
        raise rectification_not_found(rectification_id)
    return row, result


def _event(
    session: Session,
    actor: Actor,
    row: Rectification,
    action: str,
    before: RectificationStatus,
    now: datetime,
    reason: str | None = None,
) -> AuditEvent:
    return record_event(
        session, actor, entity_type="rectification", entity_id=row.id, demand_id=None, action=action,
        from_state=before.value, to_state=row.status.value, reason=reason, now=now,
    )  # fmt: skip


def submit(
    session: Session, actor: Actor, rectification_id: int, report: str, *, now: datetime | None = None
) -> Rectification:
    """The unit's written rectification report (art. 17); also after the due day (it stays marked late)."""
    now = now or clock.now()
    row, result = visible_rectification(session, actor, rectification_id, lock=True)
    if actor.role not in (Role.SOCIETY, Role.LOCAL_ASSOCIATION):
        raise PermissionDenied("整改报告由参评单位提交")
    if row.status not in OWED:
        raise IllegalTransition(f"该整改当前状态为「{STATUS_LABELS[row.status]}」，不能提交整改报告")
    text = clean_text(report or "", max_length=MAX_REPORT_CHARS, label="整改报告")
    if not text:
        raise ValidationFailed("请填写整改情况报告", fields={"field": "report"})
    before = row.status
    row.status, row.report, row.submitted_at, row.submitted_by_user_id = (
        RectificationStatus.SUBMITTED, text, now, actor.user_id,
    )  # fmt: skip
    session.flush()
    event = _event(session, actor, row, "rectification.submit", before, now)
    late = now.astimezone(BEIJING).date() > row.due_on
    announce(session, event, center_recipients(session), say.rectification_submitted(session, result, row, late))
    return row


def review(
    session: Session,
    actor: Actor,
    rectification_id: int,
    *,
    accept: bool,
    note: str | None = None,
    now: datetime | None = None,
) -> Rectification:
    """The center accepts a submitted report, or returns it with a reason (the unit submits again)."""
    now = now or clock.now()
    row, result = visible_rectification(session, actor, rectification_id, lock=True)
    if actor.role is not Role.CENTER:
        raise PermissionDenied("整改报告由省科技咨询服务中心审核")
    if row.status is not RectificationStatus.SUBMITTED:
        raise IllegalTransition(f"该整改当前状态为「{STATUS_LABELS[row.status]}」，不能审核（仅「已提交」可以）")
    text = clean_reason(note, required=not accept, label="退回原因" if not accept else "审核意见")
    before = row.status
    row.status = RectificationStatus.ACCEPTED if accept else RectificationStatus.RETURNED
    row.reviewed_at, row.reviewed_by_user_id, row.review_note = now, actor.user_id, text
    session.flush()
    event = _event(session, actor, row, "rectification.accept" if accept else "rectification.return", before, now, text)
    unit = unit_by_ids(session, result.society_id, result.local_association_id)
    announce(session, event, unit_recipients(session, unit), say.rectification_reviewed(row, accept, text))
    return row


@periodic("program.remind_rectifications", every_seconds=3600)
def remind_rectifications(session: Session, ctx: JobContext) -> int:
    """Remind each unit once before its rectification is due, and once (with the center) when overdue."""
    today = ctx.now.astimezone(BEIJING).date()
    soon = today + timedelta(days=ctx.settings.evaluation.rectification_reminder_days)
    rows = session.execute(
        select(Rectification, EvaluationResult, EvaluationRound)
        .join(EvaluationResult, EvaluationResult.id == Rectification.result_id)
        .join(EvaluationRound, EvaluationRound.id == EvaluationResult.round_id)
        .where(Rectification.status.in_(OWED), Rectification.due_on <= soon)
        .order_by(Rectification.due_on.desc(), Rectification.id)
        .limit(BATCH)
    ).all()
    sent = 0
    for row, result, found in rows:
        unit = unit_by_ids(session, result.society_id, result.local_association_id)
        if today > row.due_on:
            notice = say.rectification_overdue(found, row)
            users = [*unit_recipients(session, unit), *center_recipients(session)]
            sent += tell(
                session, users, notice, source=f"reminder:rectification:{row.id}:overdue", demand_id=None, now=ctx.now
            )
        else:
            notice = say.rectification_due_soon(found, row)
            users = unit_recipients(session, unit)
            sent += tell(
                session, users, notice, source=f"reminder:rectification:{row.id}:due", demand_id=None, now=ctx.now
            )
    return sent
