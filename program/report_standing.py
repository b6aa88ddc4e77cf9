"""Where every unit stands with its reports on the months it owes now: handed in, due, overdue.

One reading for the overdue list, the reminders and escalations (:mod:`program.report_tasks`) and the
dashboard's overview (:mod:`program.overview`), so all of them agree. A report counts as handed in once
submitted or accepted; a draft, a returned report or none at all is still owed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core import clock
from core.errors import PermissionDenied
from core.settings import ProgramSettings, get_settings
from models import ProgressReport, ReportStatus, Role
from program.periods import Month, owed_months
from program.report_schemas import ReportDue, UnitRef
from program.units import Unit, UnitKind, participating_units, unit_of_actor
from workflow.scopes import EVERYWHERE

HANDED_IN = frozenset({ReportStatus.SUBMITTED, ReportStatus.ACCEPTED})
_DAY = 86400


@dataclass(frozen=True, slots=True)
class Standing:
    unit: Unit
    month: Month
    due_date: date
    due_at: datetime
    report_id: int | None
    status: ReportStatus | None
    days_overdue: int
    """Whole days since the due day ended (0 on the first day after it); -1 while not overdue."""

    @property
    def handed_in(self) -> bool:
        return self.status in HANDED_IN

    @property
    def overdue(self) -> bool:
        return self.days_overdue >= 0

    @property
    def status_label(self) -> str:
        return self.status.label if self.status is not None else "未报送"


def standings(
    session: Session, now: datetime, policy: ProgramSettings, units: list[Unit] | None = None
) -> list[Standing]:
    """Every participating unit × every month it owes (newest first), with its report if there is one."""
    units = participating_units(session) if units is None else units
    months = owed_months(now, policy.report_lookback_months)
    if not units:
        return []
    society_ids = [u.id for u in units if u.kind is UnitKind.SOCIETY]
    local_ids = [u.id for u in units if u.kind is UnitKind.LOCAL]
    oldest = months[-1]
    rows = session.execute(
        select(
            ProgressReport.id,
            ProgressReport.society_id,
            ProgressReport.local_association_id,
            ProgressReport.year,
            ProgressReport.month,
            ProgressReport.status,
        ).where(
            or_(ProgressReport.society_id.in_(society_ids), ProgressReport.local_association_id.in_(local_ids)),
            ProgressReport.year * 100 + ProgressReport.month >= oldest.year * 100 + oldest.month,
        )
    ).all()
    found = {(("s", r.society_id) if r.society_id else ("l", r.local_association_id), r.year, r.month): r for r in rows}
    result = []
    for month in months:
        due_at = month.due_at(policy.report_due_day)
        for unit in units:
            if not unit.owes(month):
                continue
            row = found.get((("s" if unit.kind is UnitKind.SOCIETY else "l", unit.id), month.year, month.month))
            status = row.status if row is not None else None
            late = now >= due_at and status not in HANDED_IN
            result.append(
                Standing(
                    unit=unit,
                    month=month,
                    due_date=month.due_date(policy.report_due_day),
                    due_at=due_at,
                    report_id=row.id if row is not None else None,
                    status=status,
                    days_overdue=int((now - due_at).total_seconds() // _DAY) if late else -1,
                )
            )
    return result


def units_in_view(session: Session, actor: Actor) -> list[Unit] | None:
    """The units whose standing ``actor`` may see: all (None) for the center, the department and the
    system; its own for a unit; refused for anyone else."""
    if actor.role in EVERYWHERE:
        return None
    if actor.role in (Role.SOCIETY, Role.LOCAL_ASSOCIATION):
        unit = unit_of_actor(session, actor)
        own = [u for u in participating_units(session) if unit is not None and u == unit]
        return own
    raise PermissionDenied("月度进展仅向试点学会、示范区科协和省级管理部门开放")


def overdue_reports(
    session: Session, actor: Actor, *, now: datetime | None = None, policy: ProgramSettings | None = None
) -> list[ReportDue]:
    """The reports owed past their due day that ``actor`` may see, longest overdue first."""
    now = now or clock.now()
    policy = policy or get_settings().program
    rows = [s for s in standings(session, now, policy, units_in_view(session, actor)) if s.overdue]
    rows.sort(key=lambda s: (-s.days_overdue, s.unit.kind is not UnitKind.SOCIETY, s.unit.name))
    return [
        ReportDue(
            unit=UnitRef.of(s.unit),
            year=s.month.year,
            month=s.month.month,
            month_label=s.month.label,
            due_date=s.due_date,
            report_id=s.report_id,
            status=s.status,
            status_label=s.status_label,
            days_overdue=s.days_overdue,
            escalated=s.days_overdue >= policy.report_escalation_days,
        )
        for s in rows
    ]
