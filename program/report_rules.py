"""The rules of the monthly reports: the moves and who may make them, scope, and the read models.

:mod:`program.reports` makes the moves; this module says what is allowed and how a report reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core.errors import NotFound, PermissionDenied
from core.settings import ProgramSettings
from models import ProgressReport, ReportStatus, Role
from program import figures as figs
from program.periods import Month
from program.report_schemas import FigureOut, ReportDetail, UnitRef
from program.units import Unit, record_visibility, unit_by_ids
from workflow import states
from workflow.scopes import EVERYWHERE

S = ReportStatus
UNIT_ROLES = frozenset({Role.SOCIETY, Role.LOCAL_ASSOCIATION})
REVIEWERS = frozenset({Role.CENTER})
READERS = EVERYWHERE | UNIT_ROLES
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
CONCURRENT_CHANGE = "该月度进展刚刚被他人办理过，请刷新后再试"
FIRST_YEAR = 2016
"""The programme's rules date from March 2016: no report is owed before."""


@dataclass(frozen=True, slots=True)
class Move:
    sources: frozenset[ReportStatus]
    target: ReportStatus | None
    """None: the move keeps the status (an edit)."""
    roles: frozenset[Role]
    label: str


MOVES: dict[str, Move] = {
    "edit": Move(EDITABLE, None, UNIT_ROLES, "修改月度进展"),
    "refresh": Move(EDITABLE, None, UNIT_ROLES, "重新计算指标"),
    "submit": Move(EDITABLE, S.SUBMITTED, UNIT_ROLES, "报送月度进展"),
    "accept": Move(frozenset({S.SUBMITTED}), S.ACCEPTED, REVIEWERS, "审核通过月度进展"),
    "return": Move(frozenset({S.SUBMITTED}), S.RETURNED, REVIEWERS, "退回月度进展"),
}


def check(move_name: str, report: ProgressReport, actor: Actor) -> Move:
    """Refuse a move this role may not make (403), or one the report's status does not allow (409)."""
    move = MOVES[move_name]
    states.check(move, report.status, actor, what="月度进展", label=lambda status: status.label)
    return move


def not_found(report_id: int) -> NotFound:
    return NotFound(f"找不到编号为 {report_id} 的月度进展（或不在您的办理范围内）")


def require_reader(actor: Actor) -> None:
    if actor.role not in READERS:
        raise PermissionDenied("月度进展仅向试点学会、示范区科协和省级管理部门开放")


def visible_report(session: Session, actor: Actor, report_id: int, *, lock: bool = False) -> ProgressReport:
    require_reader(actor)
    stmt = select(ProgressReport).where(
        ProgressReport.id == report_id, record_visibility(session, actor, ProgressReport)
    )
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    report = session.scalar(stmt)
    if report is None:
        raise not_found(report_id)
    return report


def report_unit(session: Session, report: ProgressReport) -> Unit:
    return unit_by_ids(session, report.society_id, report.local_association_id)


def text_of(value: object) -> str | None:
    return None if value is None else str(value)


def figure_rows(report: ProgressReport) -> list[FigureOut]:
    rows = []
    for figure in figs.FIGURES:
        corrected = (report.corrections or {}).get(figure.key)
        computed = text_of((report.stats or {}).get(figure.key))
        value = corrected["value"] if corrected else computed
        rows.append(
            FigureOut(
                key=figure.key,
                label=figure.label,
                help=figure.help,
                computed=computed,
                corrected=corrected["value"] if corrected else None,
                reason=corrected["reason"] if corrected else None,
                value=value,
            )
        )
    return rows


def summary_fields(session: Session, report: ProgressReport, policy: ProgramSettings) -> dict[str, object]:
    month = Month(report.year, report.month)
    first = report.first_submitted_at
    return {
        "id": report.id,
        "unit": UnitRef.of(report_unit(session, report)),
        "year": report.year,
        "month": report.month,
        "month_label": month.label,
        "status": report.status,
        "status_label": report.status.label,
        "due_date": month.due_date(policy.report_due_day),
        "submitted_at": report.submitted_at,
        "first_submitted_at": first,
        "on_time": None if first is None else first < month.due_at(policy.report_due_day),
        "corrected": len(report.corrections or {}),
    }


def detail(session: Session, actor: Actor, report: ProgressReport, policy: ProgramSettings) -> ReportDetail:
    editable = actor.role in UNIT_ROLES and report.status in EDITABLE
    return ReportDetail(
        **summary_fields(session, report, policy),
        summary=report.summary,
        figures=figure_rows(report),
        computed_at=report.computed_at,
        reviewed_at=report.reviewed_at,
        review_reason=report.review_reason,
        may_edit=editable,
        may_submit=editable,
        may_review=actor.role in REVIEWERS and report.status is S.SUBMITTED,
    )
