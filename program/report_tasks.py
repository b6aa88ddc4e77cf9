"""Periodic tasks of the monthly progress reports: a reminder before the due day, a notice the day
after it, and the escalation to the provincial center after ``report_escalation_days``.

Each notice has its own dedupe key (``reminder:report:<unit>:<YYYY-MM>``, ``overdue:...``,
``escalate:...``), so every run may look at every owed report and each party is told once; a report
handed in meanwhile is simply not looked at any more. The escalation is also an audit event
(``report.escalate`` on the unit, ``data`` naming the month), written once per unit and month.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from models import AuditEvent, LocalAssociation, Society
from program import report_messages as say
from program.periods import last_completed
from program.report_standing import Standing, standings
from program.units import UnitKind, unit_recipients
from workflow.jobs import JobContext, periodic
from workflow.notify import center_recipients, tell
from workflow.transitions import record_event

ESCALATE = "report.escalate"


@periodic("program.remind_reports", every_seconds=3600)
def remind_reports(session: Session, ctx: JobContext) -> int:
    """Remind each unit that has not handed in last month's report ``report_reminder_days`` before it is due."""
    policy = ctx.settings.program
    month = last_completed(ctx.now)
    due_at = month.due_at(policy.report_due_day)
    if not due_at - timedelta(days=policy.report_reminder_days) <= ctx.now < due_at:
        return 0
    sent = 0
    for standing in standings(session, ctx.now, policy):
        if standing.month != month or standing.handed_in:
            continue
        notice = say.reminder(standing.unit, month, standing.due_date, standing.report_id)
        users = unit_recipients(session, standing.unit)
        source = f"reminder:report:{standing.unit.key}:{month}"
        sent += tell(session, users, notice, source=source, demand_id=None, now=ctx.now)
    return sent


@periodic("program.chase_overdue_reports", every_seconds=3600)
def chase_overdue_reports(session: Session, ctx: JobContext) -> int:
    """Tell a unit once its report is overdue, and the center once it is ``report_escalation_days`` overdue."""
    policy = ctx.settings.program
    sent = 0
    center = None
    for standing in standings(session, ctx.now, policy):
        if not standing.overdue:
            continue
        unit, month = standing.unit, standing.month
        notice = say.overdue(unit, month, standing.due_date, standing.report_id)
        source = f"overdue:report:{unit.key}:{month}"
        sent += tell(session, unit_recipients(session, unit), notice, source=source, demand_id=None, now=ctx.now)
        if standing.days_overdue >= policy.report_escalation_days:
            center = center if center is not None else center_recipients(session)
            notice = say.escalation(unit, month, standing.due_date, standing.days_overdue)
            _audit_escalation(session, standing, ctx.now)
            source = f"escalate:report:{unit.key}:{month}"
            sent += tell(session, center, notice, source=source, demand_id=None, now=ctx.now)
    return sent


def _audit_escalation(session: Session, standing: Standing, now: datetime) -> None:
    """Record the escalation of ``standing`` as an audit event on its unit, unless a run did already.

    The unit's row is locked first, so two runs at once record it once."""
    unit, month = standing.unit, standing.month
    model = Society if unit.kind is UnitKind.SOCIETY else LocalAssociation
    session.get(model, unit.id, with_for_update=True)
    entity = "society" if unit.kind is UnitKind.SOCIETY else "local_association"
    earlier = session.scalars(
        select(AuditEvent.data).where(
            AuditEvent.entity_type == entity, AuditEvent.entity_id == unit.id, AuditEvent.action == ESCALATE
        )
    ).all()
    if any(data.get("month") == str(month) for data in earlier):
        return
    record_event(
        session, Actor.system(), entity_type=entity, entity_id=unit.id, demand_id=None, action=ESCALATE,
        from_state="overdue", to_state="escalated",
        data={"month": str(month), "report_id": standing.report_id, "due_date": standing.due_date.isoformat(),
              "days_overdue": standing.days_overdue, "unit": unit.name},
        now=now,
    )  # fmt: skip
