"""Monthly progress reports of the participating units (seed art. 14) and the programme's overview.

Routes parse, call one :mod:`program` function and render. A unit (pilot society, demonstration
area's association) sees and edits only its own reports (anything else is 404); the provincial
center reviews; the center and the department see all, the overdue list and the month's XLSX.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, status
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.access import ActorDep, allow
from api.deps import ReadSessionDep, SessionDep, SettingsDep
from api.params import IdPath, PageQuery, SizeQuery
from models import ReportStatus, Role
from program import report_export, reports
from program.overview import ProgramOverview, program_overview
from program.report_schemas import MAX_REASON_CHARS, ReportDetail, ReportDue, ReportEdit, ReportPage
from program.report_standing import overdue_reports
from workflow.schemas import Page

router = APIRouter(prefix="/api/program", tags=["试点工作"])

UNITS = (Role.SOCIETY, Role.LOCAL_ASSOCIATION)
READERS = (*UNITS, Role.CENTER, Role.DEPARTMENT)
YearQuery = Annotated[int, Query(ge=2016, le=9999, description="年份")]
MonthQuery = Annotated[int, Query(ge=1, le=12, description="月份（1-12）")]


class PrepareIn(BaseModel):
    year: int = Field(ge=2016, le=9999, description="报告年份")
    month: int = Field(ge=1, le=12, description="报告月份")


class ReturnIn(BaseModel):
    reason: str = Field(min_length=1, max_length=MAX_REASON_CHARS, description="退回理由")


class AcceptIn(BaseModel):
    reason: str | None = Field(default=None, max_length=MAX_REASON_CHARS, description="审核意见（可选）")


@router.get("/reports", summary="月度进展列表（本单位的，或全部）", **allow(*READERS))
def list_reports(
    actor: ActorDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    year: Annotated[int | None, Query(ge=2016, le=9999, description="年份")] = None,
    month: Annotated[int | None, Query(ge=1, le=12, description="月份")] = None,
    report_status: Annotated[ReportStatus | None, Query(alias="status", description="状态")] = None,
    page: PageQuery = 1,
    size: SizeQuery = 20,
) -> ReportPage:
    return reports.list_reports(
        session,
        actor,
        Page(number=page, size=size),
        year=year,
        month=month,
        status=report_status,
        policy=settings.program,
    )


@router.post(
    "/reports",
    status_code=status.HTTP_201_CREATED,
    summary="起草一个月的进展报告（系统预填指标）",
    **allow(*UNITS),
)
def prepare_report(data: PrepareIn, actor: ActorDep, session: SessionDep, settings: SettingsDep) -> ReportDetail:
    return reports.prepare(session, actor, data.year, data.month, policy=settings.program)


@router.get("/reports/overdue", summary="逾期未报送的月度进展", **allow(*READERS))
def list_overdue(actor: ActorDep, session: ReadSessionDep, settings: SettingsDep) -> list[ReportDue]:
    return overdue_reports(session, actor, policy=settings.program)


@router.get(
    "/reports/export",
    summary="导出某月全部单位的进展报告（XLSX）",
    response_class=Response,
    **allow(Role.CENTER, Role.DEPARTMENT),
)
def export_reports(
    year: YearQuery, month: MonthQuery, actor: ActorDep, session: ReadSessionDep, settings: SettingsDep
) -> Response:
    data = report_export.export_month(session, actor, year, month, policy=settings.program)
    name = report_export.export_filename(year, month)
    disposition = f"attachment; filename=\"reports-{year:04d}-{month:02d}.xlsx\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=report_export.XLSX_MEDIA_TYPE, headers={"content-disposition": disposition})


@router.get("/reports/{report_id}", summary="月度进展详情", **allow(*READERS))
def get_report(report_id: IdPath, actor: ActorDep, session: ReadSessionDep, settings: SettingsDep) -> ReportDetail:
    return reports.report_detail(session, actor, report_id, policy=settings.program)


@router.patch("/reports/{report_id}", summary="修改进展情况、更正指标（须说明理由）", **allow(*UNITS))
def edit_report(
    report_id: IdPath, data: ReportEdit, actor: ActorDep, session: SessionDep, settings: SettingsDep
) -> ReportDetail:
    return reports.edit(session, actor, report_id, data, policy=settings.program)


@router.post("/reports/{report_id}/refresh", summary="按最新数据重新计算指标", **allow(*UNITS))
def refresh_report(report_id: IdPath, actor: ActorDep, session: SessionDep, settings: SettingsDep) -> ReportDetail:
    return reports.refresh(session, actor, report_id, policy=settings.program)


@router.post("/reports/{report_id}/submit", summary="报送（或修改后重新报送）", **allow(*UNITS))
def submit_report(report_id: IdPath, actor: ActorDep, session: SessionDep, settings: SettingsDep) -> ReportDetail:
    return reports.submit(session, actor, report_id, policy=settings.program)


@router.post("/reports/{report_id}/accept", summary="审核通过（省科技咨询服务中心）", **allow(Role.CENTER))
def accept_report(
    report_id: IdPath, actor: ActorDep, session: SessionDep, settings: SettingsDep, data: AcceptIn | None = None
) -> ReportDetail:
    note = data.reason if data else None
    return reports.review(session, actor, report_id, "accept", reason=note, policy=settings.program)


@router.post("/reports/{report_id}/return", summary="退回修改（须说明理由）", **allow(Role.CENTER))
def return_report(
    report_id: IdPath, data: ReturnIn, actor: ActorDep, session: SessionDep, settings: SettingsDep
) -> ReportDetail:
    return reports.review(session, actor, report_id, "return", reason=data.reason, policy=settings.program)


@router.get("/overview", summary="各试点单位的工作状态（月度进展）", **allow(*READERS))
def overview(actor: ActorDep, session: ReadSessionDep, settings: SettingsDep) -> ProgramOverview:
    return program_overview(session, actor, policy=settings.program)
