"""Directory imports (upload with a dry run first) and exports to XLSX."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import JSONResponse, Response

from api.access import ActorDep, allow
from api.deps import ReadSessionDep, SessionDep
from directory.editing import MANAGERS
from ingestion.import_report import ImportKind, ImportReport
from ingestion.transfer import XLSX_MEDIA_TYPE, export_experts, export_societies, import_directory

router = APIRouter(prefix="/api", tags=["导入导出"])

_REJECTED: dict[int | str, dict[str, Any]] = {
    422: {"description": "文件有错误，没有写入任何数据（正文含逐行错误清单 report）"}
}


@router.post(
    "/imports/{kind}",
    summary="导入专家或学会（CSV/XLSX；默认只校验，dry_run=false 才写入）",
    response_model=ImportReport,
    **allow(*MANAGERS, responses=_REJECTED),
)
def import_file(
    kind: ImportKind,
    file: Annotated[UploadFile, File(description="要导入的 .xlsx 或 .csv 文件")],
    actor: ActorDep,
    session: SessionDep,
    dry_run: Annotated[bool, Query(description="只校验并报告将新增、更新多少条，不写入")] = True,
) -> Response:
    data = file.file.read()
    report = import_directory(session, actor, kind, data, filename=file.filename or "upload", dry_run=dry_run)
    if report.ok:
        return Response(report.model_dump_json(), media_type="application/json")
    body = {"error": "import_rejected", "detail": report.summary(), "report": report.model_dump(mode="json")}
    return JSONResponse(body, status_code=422)


_XLSX: dict[int | str, dict[str, Any]] = {200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "XLSX 文件"}}


def _xlsx(data: bytes, name: str) -> Response:
    return Response(data, media_type=XLSX_MEDIA_TYPE, headers={"content-disposition": f'attachment; filename="{name}"'})


@router.get(
    "/exports/experts.xlsx",
    summary="导出专家库（XLSX，列与导入模板一致）",
    response_class=Response,
    **allow(*MANAGERS, responses=_XLSX),
)
def export_experts_file(actor: ActorDep, session: ReadSessionDep) -> Response:
    return _xlsx(export_experts(session, actor), "experts.xlsx")


@router.get(
    "/exports/societies.xlsx",
    summary="导出学会名录（XLSX，列与导入模板一致）",
    response_class=Response,
    **allow(*MANAGERS, responses=_XLSX),
)
def export_societies_file(actor: ActorDep, session: ReadSessionDep) -> Response:
    return _xlsx(export_societies(session, actor), "societies.xlsx")
