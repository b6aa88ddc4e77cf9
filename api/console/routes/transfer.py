"""Importing and exporting the directory: upload → row-level report (dry run) → commit; XLSX exports.

The provincial center and the department keep the directory (:mod:`ingestion.transfer` decides who
may). A dry run writes nothing; a file that passes is held (:mod:`api.console.uploads`) so the commit
imports exactly the rows the officer saw in the report.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from api.console import flash, uploads
from api.console.deps import ViewerDep
from api.console.web import render
from api.deps import ReadSessionDep, SessionDep, SettingsDep
from directory.editing import MANAGERS, require_role
from ingestion.columns import EXPERT_COLUMNS, SOCIETY_COLUMNS
from ingestion.import_report import ImportKind, ImportReport
from ingestion.tabular import CSV_SUFFIXES, DEFAULT_LIMITS, XLSX_SUFFIXES
from ingestion.transfer import XLSX_MEDIA_TYPE, export_experts, export_societies, import_directory

router = APIRouter()

ACCEPT = ",".join(sorted(XLSX_SUFFIXES | CSV_SUFFIXES))
MAX_MB = DEFAULT_LIMITS.max_file_bytes // (1024 * 1024)
KINDS = {kind.value: kind for kind in ImportKind}
SHOWN_ROWS = 200
"""Row outcomes listed under a report (the counts cover every row)."""


def _page(
    request: Request,
    viewer: ViewerDep,
    *,
    kind: ImportKind = ImportKind.EXPERTS,
    report: ImportReport | None = None,
    token: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "title": "导入导出",
        "kind": kind,
        "kinds": list(ImportKind),
        "columns": EXPERT_COLUMNS if kind is ImportKind.EXPERTS else SOCIETY_COLUMNS,
        "report": report,
        "token": token,
        "accept": ACCEPT,
        "max_mb": MAX_MB,
        "shown_rows": SHOWN_ROWS,
    }
    return render(request, "imports.html", context, viewer=viewer, status_code=status_code)


@router.get("/console/imports", response_class=HTMLResponse)
def imports_page(request: Request, viewer: ViewerDep, kind: str = "experts") -> Response:
    require_role(viewer.actor, MANAGERS, "导入或导出专家库")
    return _page(request, viewer, kind=KINDS.get(kind, ImportKind.EXPERTS))


@router.post("/console/imports/check", response_class=HTMLResponse)
def check_upload(
    request: Request,
    viewer: ViewerDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    kind: Annotated[ImportKind, Form()],
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Dry run: the report of what the file would do; a file that passes is held for the commit."""
    if file is None or not file.filename:
        return flash.redirect(f"/console/imports?kind={kind.value}", "请选择要导入的 .xlsx 或 .csv 文件", kind="error")
    # One byte past the limit is enough for the importer to refuse the file with its own message.
    data = file.file.read(DEFAULT_LIMITS.max_file_bytes + 1)
    report = import_directory(session, viewer.actor, kind, data, filename=file.filename, dry_run=True)
    token = uploads.hold(settings, viewer.actor, kind, file.filename, data) if report.ok else None
    return _page(request, viewer, kind=kind, report=report, token=token, status_code=200 if report.ok else 422)


@router.post("/console/imports/commit", response_class=HTMLResponse)
def commit_upload(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=64)],
) -> Response:
    """Import the held file for real; the report of a file that no longer passes is shown instead."""
    held = uploads.take(settings, viewer.actor, token)
    report = import_directory(session, viewer.actor, held.kind, held.data, filename=held.filename, dry_run=False)
    if not report.ok:
        return _page(request, viewer, kind=held.kind, report=report, status_code=422)
    uploads.release(settings, token)
    return flash.redirect(f"/console/imports?kind={held.kind.value}", report.summary())


def _xlsx(data: bytes, name: str) -> Response:
    return Response(data, media_type=XLSX_MEDIA_TYPE, headers={"content-disposition": f'attachment; filename="{name}"'})


@router.get("/console/exports/experts.xlsx")
def export_experts_file(viewer: ViewerDep, session: ReadSessionDep) -> Response:
    return _xlsx(export_experts(session, viewer.actor), "experts.xlsx")


@router.get("/console/exports/societies.xlsx")
def export_societies_file(viewer: ViewerDep, session: ReadSessionDep) -> Response:
    return _xlsx(export_societies(session, viewer.actor), "societies.xlsx")
