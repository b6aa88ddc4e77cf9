"""Monthly progress reports (seed art. 14: "每个月汇总报送上月进展情况").

Every participating unit owes one report per month, due by ``program.report_due_day`` of the next
month. A report is prepared as a draft with the figures Zhuli computes (:mod:`program.figures`); the
unit writes the narrative, may correct a figure only with a reason (the computed value is kept) and
submits; the provincial center accepts or returns it with a reason; a returned report is edited and
submitted again. Each move is checked against :data:`MOVES`, audited (``report.<move>`` events) and
tells the other side in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from accounts.actor import Actor
from core import clock
from core.errors import Conflict, ValidationFailed
from core.settings import ProgramSettings, get_settings
from models import AuditEvent, ProgressReport, ReportStatus
from program import figures as figs
from program import report_messages as say
from program.periods import Month
from program.report_rules import (
    CONCURRENT_CHANGE,
    FIRST_YEAR,
    S,
    check,
    detail,
    report_unit,
    require_reader,
    summary_fields,
    text_of,
    visible_report,
)
from program.report_schemas import ReportDetail, ReportEdit, ReportPage, ReportSummary
from program.units import record_visibility, require_unit, unit_recipients
from workflow.notify import center_recipients, tell
from workflow.schemas import Page
from workflow.transitions import record_event


def _audit(
    session: Session,
    actor: Actor,
    report: ProgressReport,
    action: str,
    before: ReportStatus | None,
    *,
    now: datetime,
    reason: str | None = None,
    data: dict[str, object] | None = None,
) -> AuditEvent:
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict(CONCURRENT_CHANGE) from exc
    return record_event(
        session,
        actor,
        entity_type="progress_report",
        entity_id=report.id,
        demand_id=None,
        action=f"report.{action}",
        from_state=before.value if before else None,
        to_state=report.status.value,
        reason=reason,
        data={"year": report.year, "month": report.month, **(data or {})},
        now=now,
    )


def report_detail(
    session: Session, actor: Actor, report_id: int, *, policy: ProgramSettings | None = None
) -> ReportDetail:
    return detail(session, actor, visible_report(session, actor, report_id), policy or get_settings().program)


def list_reports(
    session: Session,
    actor: Actor,
    page: Page,
    *,
    year: int | None = None,
    month: int | None = None,
    status: ReportStatus | None = None,
    policy: ProgramSettings | None = None,
) -> ReportPage:
    """The reports ``actor`` may see, newest month first (a unit: its own; the center: all)."""
    require_reader(actor)
    policy = policy or get_settings().program
    conditions = [record_visibility(session, actor, ProgressReport)]
    if year is not None:
        conditions.append(ProgressReport.year == year)
    if month is not None:
        conditions.append(ProgressReport.month == month)
    if status is not None:
        conditions.append(ProgressReport.status == status)
    total = session.scalar(select(func.count(ProgressReport.id)).where(*conditions)) or 0
    rows = session.scalars(
        select(ProgressReport)
        .where(*conditions)
        .order_by(ProgressReport.year.desc(), ProgressReport.month.desc(), ProgressReport.id)
        .offset((page.number - 1) * page.size)
        .limit(page.size)
    ).all()
    items = [ReportSummary(**summary_fields(session, r, policy)) for r in rows]
    return ReportPage(items=items, total=int(total), page=page.number, size=page.size)


def prepare(
    session: Session,
    actor: Actor,
    year: int,
    month: int,
    *,
    now: datetime | None = None,
    policy: ProgramSettings | None = None,
) -> ReportDetail:
    """A draft of the unit's report on ``year``/``month`` with the figures computed now."""
    now = now or clock.now()
    unit = require_unit(session, actor)
    if not 1 <= month <= 12 or not FIRST_YEAR <= year <= 9999:
        raise ValidationFailed(f"报告月份有误：{year}年{month}月", fields={"field": "month"})
    period = Month(year, month)
    if period.end > now:
        raise ValidationFailed(f"{period.label}尚未结束，只能报送已结束月份的进展", fields={"field": "month"})
    own = ProgressReport.society_id if unit.society_id is not None else ProgressReport.local_association_id
    existing = session.scalar(
        select(ProgressReport.id).where(own == unit.id, ProgressReport.year == year, ProgressReport.month == month)
    )
    if existing is not None:
        raise Conflict(f"本单位{period.label}的月度进展已存在（编号 {existing}），请在原报告上修改")
    report = ProgressReport(
        society_id=unit.society_id,
        local_association_id=unit.local_association_id,
        year=year,
        month=month,
        summary="",
        stats=figs.compute(session, unit, period),
        corrections={},
        status=S.DRAFT,
        computed_at=now,
        submitted_at=None,
    )
    try:
        with session.begin_nested():
            session.add(report)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"本单位{period.label}的月度进展已存在，请刷新后在原报告上修改") from exc
    _audit(session, actor, report, "prepare", None, now=now)
    return detail(session, actor, report, policy or get_settings().program)


def _corrections(report: ProgressReport, edit: ReportEdit, actor: Actor, now: datetime) -> dict[str, object]:
    """The report's corrections after ``edit``; raises ValidationFailed naming a bad figure."""
    result = dict(report.corrections or {})
    for key, change in edit.corrections.items():
        figure = figs.FIGURE_BY_KEY.get(key)
        if figure is None:
            known = "、".join(figs.FIGURE_KEYS)
            raise ValidationFailed(f"没有名为「{key}」的指标（可更正：{known}）", fields={"field": key})
        if change is None:
            result.pop(key, None)
            continue
        if not figure.is_amount and change.value != change.value.to_integral_value():
            raise ValidationFailed(f"「{figure.label}」须为整数", fields={"field": key})
        value = str(change.value.quantize(Decimal("0.01")) if figure.is_amount else int(change.value))
        if value == text_of((report.stats or {}).get(key)):
            result.pop(key, None)  # the same as computed: nothing to correct
            continue
        result[key] = {"value": value, "reason": change.reason, "by": actor.display_name, "at": now.isoformat()}
    return result


def edit(
    session: Session,
    actor: Actor,
    report_id: int,
    change: ReportEdit,
    *,
    now: datetime | None = None,
    policy: ProgramSettings | None = None,
) -> ReportDetail:
    """Change the narrative and/or the corrections of a draft or returned report of the actor's unit."""
    now = now or clock.now()
    policy = policy or get_settings().program
    report = visible_report(session, actor, report_id, lock=True)
    check("edit", report, actor)
    if change.summary is not None and len(change.summary) > policy.max_summary_chars:
        raise ValidationFailed(f"进展情况不能超过 {policy.max_summary_chars} 字", fields={"field": "summary"})
    before = dict(report.corrections or {})
    corrections = _corrections(report, change, actor, now)
    if change.summary is not None:
        report.summary = change.summary
    report.corrections = corrections
    changed = {
        k: {"computed": text_of((report.stats or {}).get(k)), "value": v["value"], "reason": v["reason"]}  # type: ignore[index]
        for k, v in corrections.items()
        if before.get(k) != v
    }
    removed = sorted(set(before) - set(corrections))
    _audit(session, actor, report, "edit", report.status, now=now, data={"corrected": changed, "uncorrected": removed})
    return detail(session, actor, report, policy)


def refresh(
    session: Session,
    actor: Actor,
    report_id: int,
    *,
    now: datetime | None = None,
    policy: ProgramSettings | None = None,
) -> ReportDetail:
    """Compute the figures of a draft or returned report again (its corrections stay)."""
    now = now or clock.now()
    report = visible_report(session, actor, report_id, lock=True)
    check("refresh", report, actor)
    unit = report_unit(session, report)
    report.stats = figs.compute(session, unit, Month(report.year, report.month))
    report.computed_at = now
    _audit(session, actor, report, "refresh", report.status, now=now, data={"stats": dict(report.stats)})
    return detail(session, actor, report, policy or get_settings().program)


def submit(
    session: Session,
    actor: Actor,
    report_id: int,
    *,
    now: datetime | None = None,
    policy: ProgramSettings | None = None,
) -> ReportDetail:
    """Hand the report in to the provincial center (again, after it was returned)."""
    now = now or clock.now()
    report = visible_report(session, actor, report_id, lock=True)
    before = report.status
    check("submit", report, actor)
    if not report.summary.strip():
        raise ValidationFailed("请先填写本月进展情况，再报送", fields={"field": "summary"})
    report.status = S.SUBMITTED
    report.submitted_at = now
    report.submitted_by_user_id = actor.user_id
    if report.first_submitted_at is None:
        report.first_submitted_at = now
    event = _audit(session, actor, report, "submit", before, now=now)
    unit = report_unit(session, report)
    notice = say.submitted(unit, Month(report.year, report.month), report.id, before is S.RETURNED)
    tell(session, center_recipients(session), notice, source=f"audit:{event.id}", demand_id=None, now=now)
    return detail(session, actor, report, policy or get_settings().program)


def review(
    session: Session,
    actor: Actor,
    report_id: int,
    decision: str,
    *,
    reason: str | None = None,
    now: datetime | None = None,
    policy: ProgramSettings | None = None,
) -> ReportDetail:
    """The center accepts (``accept``) or returns (``return``, with a reason) a submitted report."""
    if decision not in ("accept", "return"):
        raise ValidationFailed("审核结果只能是通过或退回")
    now = now or clock.now()
    report = visible_report(session, actor, report_id, lock=True)
    before = report.status
    move = check(decision, report, actor)
    reason = (reason or "").strip() or None
    if decision == "return" and reason is None:
        raise ValidationFailed("退回月度进展须说明理由", fields={"field": "reason"})
    assert move.target is not None
    report.status = move.target
    report.reviewed_at = now
    report.reviewed_by_user_id = actor.user_id
    report.review_reason = reason if decision == "return" else None
    event = _audit(session, actor, report, decision, before, now=now, reason=reason)
    unit = report_unit(session, report)
    period = Month(report.year, report.month)
    if decision == "return":
        assert reason is not None
        notice = say.returned(unit, period, report.id, reason)
    else:
        notice = say.accepted(unit, period, report.id)
    tell(session, unit_recipients(session, unit), notice, source=f"audit:{event.id}", demand_id=None, now=now)
    return detail(session, actor, report, policy or get_settings().program)
