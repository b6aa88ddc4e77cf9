"""What the console's report page shows one actor: a unit its reports, the months it may still draft
and its overdue ones; the center and the department the review queue or a month's reports and the
overdue count. One call per page (the console renders it as it is)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core import clock
from core.settings import ProgramSettings, get_settings
from models import ProgressReport, ReportStatus
from program.periods import owed_months
from program.report_rules import UNIT_ROLES, require_reader
from program.report_schemas import ReportDue, ReportPage, UnitRef
from program.report_standing import overdue_reports
from program.reports import list_reports
from program.units import is_participating, unit_of_actor
from workflow.schemas import Page


class MonthOption(BaseModel):
    value: str
    """``YYYY-MM``."""
    label: str


class ReportDesk(BaseModel):
    unit: UnitRef | None
    """The actor's unit (None for the center and the department)."""
    participating: bool
    reports: ReportPage
    months_open: list[MonthOption]
    """Finished months (newest first) the unit has no report on yet."""
    recent_months: list[MonthOption]
    """The months a reviewer may pick for the list and the export."""
    overdue: list[ReportDue]


def report_desk(
    session: Session,
    actor: Actor,
    page: Page,
    *,
    status: ReportStatus | None = None,
    year: int | None = None,
    month: int | None = None,
    now: datetime | None = None,
    policy: ProgramSettings | None = None,
) -> ReportDesk:
    require_reader(actor)
    now = now or clock.now()
    policy = policy or get_settings().program
    reports = list_reports(session, actor, page, year=year, month=month, status=status, policy=policy)
    recent = owed_months(now, 12)
    unit = unit_of_actor(session, actor) if actor.role in UNIT_ROLES else None
    participating = unit is not None and is_participating(session, unit)
    months_open: list[MonthOption] = []
    if unit is not None and participating:
        column = ProgressReport.society_id if unit.society_id else ProgressReport.local_association_id
        have = set(session.execute(select(ProgressReport.year, ProgressReport.month).where(column == unit.id)).all())
        months_open = [
            MonthOption(value=str(m), label=m.label)
            for m in owed_months(now, policy.report_lookback_months)
            if (m.year, m.month) not in have and unit.owes(m)
        ]
    return ReportDesk(
        unit=UnitRef.of(unit) if unit is not None else None,
        participating=participating,
        reports=reports,
        months_open=months_open,
        recent_months=[MonthOption(value=str(m), label=m.label) for m in recent],
        overdue=overdue_reports(session, actor, now=now, policy=policy),
    )
