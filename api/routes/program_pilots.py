"""Pilot application and selection (seed arts. 12–13) over REST, and the public list of the results.

Routes parse, call one function of :mod:`program.pilots` / :mod:`program.pilot_views` and render. Who
may make each move is read from :data:`program.pilot_rules.TRANSITIONS`, the table the service
enforces; scope (own society, own county, assigned surveys) is the service's, and anything outside it
is 404.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, File, Form, Query, UploadFile, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from api.access import PUBLIC, ActorDep, allow
from api.console.web import templates
from api.deps import ReadSessionDep, SessionDep, SettingsDep
from api.params import IdPath
from models import PilotApplication, PilotMaterial, PilotStatus, Role
from program import pilot_decisions, pilot_views, pilots
from program.pilot_files import Upload
from program.pilot_rules import STATUS_LABELS, TRANSITIONS
from program.pilot_views import PilotDetail, PilotPage, PublicPilot

router = APIRouter(tags=["试点遴选"])

READERS = allow(Role.LOCAL_ASSOCIATION, Role.SOCIETY, Role.EXPERT, Role.CENTER, Role.DEPARTMENT)
APPLICANT_ROLES = allow(Role.LOCAL_ASSOCIATION, Role.SOCIETY)


def may(move: str) -> dict[str, Any]:
    return allow(*TRANSITIONS[move].roles)


class PilotMoved(BaseModel):
    id: int
    status: PilotStatus
    status_label: str


class ReviewIn(BaseModel):
    passed: bool = Field(description="是否通过形式审查")
    note: str | None = Field(default=None, max_length=pilots.MAX_NOTE_CHARS, description="审查意见（退回时必填）")


class AssignIn(BaseModel):
    expert_user_ids: list[int] = Field(min_length=1, max_length=20, description="调研专家的用户编号")


class NoteIn(BaseModel):
    note: str = Field(min_length=2, max_length=pilots.MAX_NOTE_CHARS, description="推荐意见")


class PublishIn(BaseModel):
    year: int = Field(ge=2016, le=2100, description="公布哪一年度的遴选结果")


class Published(BaseModel):
    year: int
    published: list[int]


def moved(application: PilotApplication) -> PilotMoved:
    return PilotMoved(id=application.id, status=application.status, status_label=STATUS_LABELS[application.status])


@router.get("/api/pilot-applications", summary="试点申报列表（按角色范围）", **READERS)
def list_applications(
    actor: ActorDep,
    session: ReadSessionDep,
    year: Annotated[int | None, Query(ge=2016, le=2100, description="申报年度")] = None,
    state: Annotated[PilotStatus | None, Query(alias="status", description="状态")] = None,
) -> PilotPage:
    return pilot_views.list_applications(session, actor, year=year, status=state)


@router.post(
    "/api/pilot-applications", status_code=status.HTTP_201_CREATED, summary="提交试点申报（县级科协、省级学会）",
    **APPLICANT_ROLES,
)  # fmt: skip
def apply(data: pilots.PilotApplicationIn, actor: ActorDep, session: SessionDep, settings: SettingsDep) -> PilotMoved:
    return moved(pilots.apply(session, settings, actor, data))


@router.get("/api/pilot-applications/{application_id}", summary="试点申报详情（材料、调研、办理记录）", **READERS)
def application_detail(application_id: IdPath, actor: ActorDep, session: ReadSessionDep) -> PilotDetail:
    return pilot_views.application_detail(session, actor, application_id)


@router.post(
    "/api/pilot-applications/{application_id}/files",
    summary="上传申报材料（PDF、DOCX、XLSX、JPG、PNG；按文件内容校验类型）",
    **may("upload"),
)
def upload_file(
    application_id: IdPath,
    material: Annotated[PilotMaterial, Form(description="材料类别")],
    file: Annotated[UploadFile, File(description="材料文件")],
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> PilotDetail:
    # One byte past the limit is enough for the service to refuse the file with its own message.
    data = file.file.read(settings.pilots.max_file_bytes + 1)
    upload = Upload(material=material, filename=file.filename or "", data=data)
    pilots.upload(session, settings, actor, application_id, [upload])
    return pilot_views.application_detail(session, actor, application_id)


@router.get(
    "/api/pilot-applications/{application_id}/files/{file_id}", summary="下载申报材料", response_class=Response,
    **READERS,
)  # fmt: skip
def download_file(
    application_id: IdPath, file_id: IdPath, actor: ActorDep, session: ReadSessionDep, settings: SettingsDep
) -> Response:
    name, media_type, data = pilot_views.material_file(session, settings, actor, application_id, file_id)
    return Response(data, media_type=media_type, headers={"content-disposition": _attachment(name)})


def _attachment(name: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(name)}"


@router.post(
    "/api/pilot-applications/{application_id}/resubmit", summary="修改后重新提交被退回的申报", **may("resubmit")
)
def resubmit(
    application_id: IdPath,
    actor: ActorDep,
    session: SessionDep,
    data: Annotated[pilots.PilotApplicationIn | None, Body(description="修改后的申报内容（可选）")] = None,
) -> PilotMoved:
    return moved(pilots.resubmit(session, actor, application_id, data))


@router.post(
    "/api/pilot-applications/{application_id}/format-review", summary="形式审查（通过或退回）", **may("pass_format")
)
def format_review(application_id: IdPath, data: ReviewIn, actor: ActorDep, session: SessionDep) -> PilotMoved:
    return moved(pilots.review_format(session, actor, application_id, passed=data.passed, note=data.note))


@router.post("/api/pilot-applications/{application_id}/surveyors", summary="指派实地调研专家", **may("assign_survey"))
def assign_surveyors(application_id: IdPath, data: AssignIn, actor: ActorDep, session: SessionDep) -> PilotMoved:
    return moved(pilots.assign_surveyors(session, actor, application_id, data.expert_user_ids))


@router.post(
    "/api/pilot-applications/{application_id}/survey", summary="填写调研反馈意见表（专家）", **may("file_survey")
)
def file_survey(application_id: IdPath, data: pilots.SurveyIn, actor: ActorDep, session: SessionDep) -> PilotMoved:
    return moved(pilots.file_survey(session, actor, application_id, data))


@router.post("/api/pilot-applications/{application_id}/recommend", summary="推荐入选（学会学术部）", **may("recommend"))
def recommend(application_id: IdPath, data: NoteIn, actor: ActorDep, session: SessionDep) -> PilotMoved:
    return moved(pilots.recommend(session, actor, application_id, data.note))


@router.post("/api/pilot-applications/{application_id}/decision", summary="登记主席办公会议决定", **may("decide"))
def decide(application_id: IdPath, data: pilots.DecisionIn, actor: ActorDep, session: SessionDep) -> PilotMoved:
    return moved(pilot_decisions.decide(session, actor, application_id, data))


@router.post("/api/pilot-applications/publish", summary="公布某年度遴选结果", **allow(Role.DEPARTMENT))
def publish(data: PublishIn, actor: ActorDep, session: SessionDep) -> Published:
    return Published(year=data.year, published=[a.id for a in pilot_decisions.publish(session, actor, data.year)])


@router.get("/api/public/pilots", summary="已公布的试点名单（无需登录）", **PUBLIC)
def public_pilots(session: ReadSessionDep) -> list[PublicPilot]:
    return pilot_views.public_list(session)


@router.get("/pilots", response_class=HTMLResponse, summary="试点名单公示页（无需登录）", **PUBLIC)
def public_page(session: ReadSessionDep) -> str:
    items = pilot_views.public_list(session)
    years = sorted({i.year for i in items}, reverse=True)
    return templates.get_template("public/pilots.html").render(items=items, years=years)
