"""Monthly progress reports in the console: a unit drafts, corrects and hands in its own; the
provincial center reviews (accept / return with a reason); the overdue list and the month's XLSX.

Every route parses its form, calls one :mod:`program` function and renders or redirects with a flash.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.console import flash
from api.console.deps import ViewerDep
from api.console.web import render
from api.deps import ReadSessionDep, SessionDep, SettingsDep
from api.params import IdPath
from core.errors import ValidationFailed
from models import ReportStatus, Role
from program import report_export, reports
from program.figures import FIGURES
from program.overview import program_overview
from program.report_desk import report_desk
from program.report_schemas import MAX_REASON_CHARS, edit_from_form
from program.report_standing import overdue_reports
from workflow import Page

router = APIRouter()

MonthField = Annotated[str, Form(pattern=r"^\d{4}-\d{2}$")]
MonthQuery = Annotated[str, Query(pattern=r"^(\d{4}-\d{2})?$")]
TABS = {"submitted": "待审核", "all": "全部"}


def _month(value: str) -> tuple[int, int]:
    year, month = (int(part) for part in value.split("-"))
    if not 1 <= month <= 12:
        raise ValidationFailed(f"报告月份有误：{value}")
    return year, month


@router.get("/console/reports", response_class=HTMLResponse)
def report_list(
    request: Request,
    viewer: ViewerDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    tab: Annotated[str, Query(pattern="^(submitted|all)$")] = "submitted",
    month: MonthQuery = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """A unit's own reports (and the months it may still draft); the center's review queue or all reports."""
    year_month = _month(month) if month else (None, None)
    reviewer = viewer.actor.role in (Role.CENTER, Role.DEPARTMENT)
    status = ReportStatus.SUBMITTED if reviewer and tab == "submitted" and not month else None
    desk = report_desk(
        session,
        viewer.actor,
        Page(number=page, size=settings.console.page_size),
        status=status,
        year=year_month[0],
        month=year_month[1],
        policy=settings.program,
    )
    context = {
        "title": "月度进展",
        "desk": desk,
        "reviewer": reviewer,
        "tab": "all" if month else tab,
        "tabs": TABS,
        "month": month,
    }
    return render(request, "reports/list.html", context, viewer=viewer)


@router.post("/console/reports")
def prepare_report(viewer: ViewerDep, session: SessionDep, settings: SettingsDep, month: MonthField) -> Response:
    year, number = _month(month)
    report = reports.prepare(session, viewer.actor, year, number, policy=settings.program)
    message = f"已起草{report.month_label}进展报告，各项指标已按本单位数据预填，请核对后填写进展情况并报送"
    return flash.redirect(f"/console/reports/{report.id}", message)


@router.get("/console/reports/overdue", response_class=HTMLResponse)
def overdue_list(request: Request, viewer: ViewerDep, session: ReadSessionDep, settings: SettingsDep) -> Response:
    rows = overdue_reports(session, viewer.actor, policy=settings.program)
    context = {"title": "逾期未报送", "rows": rows, "policy": settings.program}
    return render(request, "reports/overdue.html", context, viewer=viewer)


@router.get("/console/reports/export")
def export_file(viewer: ViewerDep, session: ReadSessionDep, settings: SettingsDep, month: MonthQuery = "") -> Response:
    if not month:
        raise ValidationFailed("请选择要导出的月份")
    year, number = _month(month)
    data = report_export.export_month(session, viewer.actor, year, number, policy=settings.program)
    name = report_export.export_filename(year, number)
    disposition = f"attachment; filename=\"reports-{month}.xlsx\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=report_export.XLSX_MEDIA_TYPE, headers={"content-disposition": disposition})


@router.get("/console/program-panel", response_class=HTMLResponse)
def program_panel(request: Request, viewer: ViewerDep, session: ReadSessionDep, settings: SettingsDep) -> Response:
    """The dashboard's panel of the programme's units (an htmx fragment)."""
    data = program_overview(session, viewer.actor, policy=settings.program)
    return render(request, "reports/_panel.html", {"data": data}, viewer=viewer)


@router.get("/console/reports/{report_id}", response_class=HTMLResponse)
def report_page(
    request: Request, report_id: IdPath, viewer: ViewerDep, session: ReadSessionDep, settings: SettingsDep
) -> Response:
    detail = reports.report_detail(session, viewer.actor, report_id, policy=settings.program)
    context = {"title": f"{detail.unit.name} · {detail.month_label}进展", "r": detail, "figures": FIGURES}
    return render(request, "reports/detail.html", context, viewer=viewer)


@router.post("/console/reports/{report_id}")
def save_report(
    report_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    settings: SettingsDep,
    summary: Annotated[str, Form(max_length=50_000)] = "",
    fix: Annotated[list[str], Form(max_length=len(FIGURES))] = [],  # noqa: B006 — FastAPI copies form defaults
    why: Annotated[list[str], Form(max_length=len(FIGURES))] = [],  # noqa: B006
) -> Response:
    """Save the narrative and the corrections: one ``fix`` (value) and ``why`` (reason) per figure, in order."""
    if len(fix) != len(FIGURES) or len(why) != len(FIGURES):
        raise ValidationFailed("表单内容不完整（页面可能已过期），请刷新后重试")
    keys = [f.key for f in FIGURES]
    change = edit_from_form(summary, dict(zip(keys, fix, strict=True)), dict(zip(keys, why, strict=True)))
    reports.edit(session, viewer.actor, report_id, change, policy=settings.program)
    return flash.redirect(f"/console/reports/{report_id}", "已保存")


@router.post("/console/reports/{report_id}/refresh")
def refresh_report(report_id: IdPath, viewer: ViewerDep, session: SessionDep, settings: SettingsDep) -> Response:
    reports.refresh(session, viewer.actor, report_id, policy=settings.program)
    return flash.redirect(f"/console/reports/{report_id}", "已按最新数据重新计算各项指标（更正保留）")


@router.post("/console/reports/{report_id}/submit")
def submit_report(report_id: IdPath, viewer: ViewerDep, session: SessionDep, settings: SettingsDep) -> Response:
    reports.submit(session, viewer.actor, report_id, policy=settings.program)
    return flash.redirect(f"/console/reports/{report_id}", "已报送省科技咨询服务中心，请等待审核")


@router.post("/console/reports/{report_id}/accept")
def accept_report(report_id: IdPath, viewer: ViewerDep, session: SessionDep, settings: SettingsDep) -> Response:
    reports.review(session, viewer.actor, report_id, "accept", policy=settings.program)
    return flash.redirect(f"/console/reports/{report_id}", "已审核通过，报送单位将收到通知")


@router.post("/console/reports/{report_id}/return")
def return_report(
    report_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    settings: SettingsDep,
    reason: Annotated[str, Form(min_length=2, max_length=MAX_REASON_CHARS)],
) -> Response:
    reports.review(session, viewer.actor, report_id, "return", reason=reason, policy=settings.program)
    return flash.redirect(f"/console/reports/{report_id}", "已退回，报送单位将收到退回理由")
