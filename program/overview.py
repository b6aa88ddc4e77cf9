"""The programme's state per participating unit, for the dashboard panel and ``GET /api/program/overview``.

One row per unit: its report on the month owed now (status, due date) and its overdue reports, its
latest evaluation and the deadline of the rectification it owes (:mod:`program.evaluation_views`).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core import clock
from core.settings import ProgramSettings, get_settings
from models import ReportStatus
from program.evaluation_views import LatestEvaluation, latest_evaluations
from program.periods import last_completed
from program.report_schemas import UnitRef
from program.report_standing import standings, units_in_view
from program.units import UnitKind, participating_units

NOT_OWED = "无需报送"
"""The label of a month that began before the unit was selected."""


class UnitState(BaseModel):
    unit: UnitRef
    report_id: int | None
    """The unit's report on the month owed now (``ProgramOverview.month``), if it has one."""
    report_status: ReportStatus | None
    report_status_label: str
    report_overdue: bool
    overdue_reports: int
    """Reports (over the months looked back) past their due day and not handed in."""
    overdue_months: list[str]
    escalated: bool
    """Some report is overdue long enough that the provincial center was told."""
    latest_evaluation: LatestEvaluation | None = None
    """The unit's latest published evaluation result and the rectification it owes (if any)."""


class ProgramOverview(BaseModel):
    generated_at: datetime
    month_label: str
    """The month units report on now."""
    due_date: date
    units: int
    handed_in: int
    """Units that handed in the report on that month (submitted or accepted)."""
    overdue_units: int
    """Units with at least one overdue report."""
    rows: list[UnitState]


def program_overview(
    session: Session, actor: Actor, *, now: datetime | None = None, policy: ProgramSettings | None = None
) -> ProgramOverview:
    """Where each unit ``actor`` may see stands now (a unit: itself; the center and department: all)."""
    now = now or clock.now()
    policy = policy or get_settings().program
    month = last_completed(now)
    in_view = units_in_view(session, actor)
    units = participating_units(session) if in_view is None else in_view
    rows = {
        unit.key: UnitState(
            unit=UnitRef.of(unit),
            report_id=None,
            report_status=None,
            report_status_label="未报送" if unit.owes(month) else NOT_OWED,
            report_overdue=False,
            overdue_reports=0,
            overdue_months=[],
            escalated=False,
        )
        for unit in units
    }
    for s in standings(session, now, policy, units):
        row = rows[s.unit.key]
        if s.month == month:
            row.report_id, row.report_status, row.report_status_label = s.report_id, s.status, s.status_label
            row.report_overdue = s.overdue
        if s.overdue:
            row.overdue_reports += 1
            row.overdue_months.append(s.month.label)
            row.escalated = row.escalated or s.days_overdue >= policy.report_escalation_days
    latest = latest_evaluations(session, now=now)
    for key, row in rows.items():
        row.latest_evaluation = latest.get(key)
    states = sorted(rows.values(), key=lambda r: (-r.overdue_reports, r.unit.kind is not UnitKind.SOCIETY, r.unit.name))
    return ProgramOverview(
        generated_at=now,
        month_label=month.label,
        due_date=month.due_date(policy.report_due_day),
        units=len(states),
        handed_in=sum(r.report_status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED) for r in states),
        overdue_units=sum(r.overdue_reports > 0 for r in states),
        rows=states,
    )
