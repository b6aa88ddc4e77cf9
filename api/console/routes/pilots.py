"""Pilot application and selection in the console: apply with materials, review, survey, recommend, decide, publish.

Every page and action calls one function of :mod:`program.pilots` / :mod:`program.pilot_views` (the
same ones the REST API calls); the service decides who may see and do what. A refused application
form comes back filled in with the Chinese reason; a refused action goes back to the page it came from.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from accounts import admin
from accounts.admin import UserFilters
from api.console import flash
from api.console.deps import ViewerDep
from api.console.web import render
from api.deps import ReadSessionDep, SessionDep, SettingsDep
from api.errors import explain_validation_error
from api.params import IdPath
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.settings import Settings
from models import PilotMaterial, Role
from program import pilot_decisions, pilot_views, pilots
from program.pilot_files import COUNTY_MATERIALS, MATERIAL_LABELS, SOCIETY_MATERIALS, TYPE_LABELS, Upload
from program.pilot_views import SCORE_LABELS

router = APIRouter()

FORM_LABELS = {
    "year": "申报年度", "title": "申报名称", "contact_name": "联系人", "contact_phone": "联系电话",
    "key_industries": "重点产业方向", "application_letter": "申报函要点", "industry_demands": "需求概述",
    "work_plan": "工作方案概述", "government_opinion": "县委（政府）意见", "city_review": "市科协审核推荐意见",
    "layout_score": "地域布局合理", "demand_score": "产业需求集中", "effect_score": "示范效应显著",
    "foundation_score": "工作基础良好", "comments": "调研意见", "meeting_number": "会议期次",
    "meeting_date": "会议日期",
}  # fmt: skip
TEXT_FIELDS = (
    "title", "contact_name", "contact_phone", "key_industries", "application_letter", "industry_demands",
    "work_plan", "government_opinion", "city_review",
)  # fmt: skip


def _pydantic_message(exc: ValidationError) -> str:
    parts = [
        f"{FORM_LABELS.get(str(e['loc'][0]), str(e['loc'][0]))}：{explain_validation_error(e)}" for e in exc.errors()
    ]
    return "输入内容有误（" + "；".join(parts) + "）"


def _accept(settings: Settings) -> str:
    return ",".join(f".{t}" for t in settings.pilots.file_types) + (
        ",.jpeg" if "jpg" in settings.pilots.file_types else ""
    )


def _upload_hints(settings: Settings) -> dict[str, Any]:
    return {
        "accept": _accept(settings),
        "max_mb": f"{settings.pilots.max_file_bytes / (1024 * 1024):g}",
        "types": "、".join(TYPE_LABELS[t] for t in settings.pilots.file_types if t in TYPE_LABELS),
    }


@router.get("/console/pilots", response_class=HTMLResponse)
def pilots_page(
    request: Request,
    viewer: ViewerDep,
    session: ReadSessionDep,
    year: Annotated[int | None, Query(ge=2016, le=2100)] = None,
) -> Response:
    data = pilot_views.list_applications(session, viewer.actor, year=year)
    context = {
        "title": "试点申报",
        "data": data,
        "year": year,
        "can_apply": viewer.actor.role in (Role.SOCIETY, Role.LOCAL_ASSOCIATION),
    }
    return render(request, "pilots/list.html", context, viewer=viewer)


def _form_page(
    request: Request, viewer: ViewerDep, settings: Settings, values: dict[str, Any], error: str | None = None
) -> Response:
    county = viewer.actor.role is Role.LOCAL_ASSOCIATION
    materials = [(m.value, MATERIAL_LABELS[m]) for m in (COUNTY_MATERIALS if county else SOCIETY_MATERIALS)]
    context = {"title": "新建试点申报", "values": values, "error": error, "county": county, "materials": materials,
               **_upload_hints(settings)}  # fmt: skip
    return render(request, "pilots/new.html", context, viewer=viewer, status_code=422 if error else 200)


@router.get("/console/pilots/new", response_class=HTMLResponse)
def new_application(request: Request, viewer: ViewerDep, settings: SettingsDep) -> Response:
    if viewer.actor.role not in (Role.SOCIETY, Role.LOCAL_ASSOCIATION):
        raise PermissionDenied("试点由省级学会或县（市、区）科协申报")
    return _form_page(request, viewer, settings, {"year": date.today().year + 1})


def _read(material: PilotMaterial, item: UploadFile | None, limit: int) -> list[Upload]:
    if item is None or not item.filename:
        return []
    # One byte past the limit is enough for the service to refuse the file with its own message.
    return [Upload(material=material, filename=item.filename, data=item.file.read(limit + 1))]


FileField = Annotated[UploadFile | None, File()]
TextField = Annotated[str, Form(max_length=5000)]


@router.post("/console/pilots", response_class=HTMLResponse)
def create_application(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    settings: SettingsDep,
    year: Annotated[str, Form(max_length=8)] = "",
    title: TextField = "",
    contact_name: TextField = "",
    contact_phone: TextField = "",
    key_industries: TextField = "",
    application_letter: TextField = "",
    industry_demands: TextField = "",
    work_plan: TextField = "",
    government_opinion: TextField = "",
    city_review: TextField = "",
    file_recommendation_letter: FileField = None,
    file_industry_demands: FileField = None,
    file_application_letter: FileField = None,
    file_enterprise_demands: FileField = None,
    file_work_plan: FileField = None,
) -> Response:
    """The application form with its materials: refused as a whole (nothing written) and shown again, filled in."""
    values: dict[str, Any] = {
        "year": year, "title": title, "contact_name": contact_name, "contact_phone": contact_phone,
        "key_industries": key_industries, "application_letter": application_letter,
        "industry_demands": industry_demands, "work_plan": work_plan,
        "government_opinion": government_opinion, "city_review": city_review,
    }  # fmt: skip
    given = {
        PilotMaterial.RECOMMENDATION_LETTER: file_recommendation_letter,
        PilotMaterial.INDUSTRY_DEMANDS: file_industry_demands,
        PilotMaterial.APPLICATION_LETTER: file_application_letter,
        PilotMaterial.ENTERPRISE_DEMANDS: file_enterprise_demands,
        PilotMaterial.WORK_PLAN: file_work_plan,
    }
    county = viewer.actor.role is Role.LOCAL_ASSOCIATION
    uploads = [
        u
        for m in (COUNTY_MATERIALS if county else SOCIETY_MATERIALS)
        for u in _read(m, given[m], settings.pilots.max_file_bytes)
    ]
    try:
        industries = key_industries.replace("，", ",").replace("、", ",").split(",")
        data = pilots.PilotApplicationIn.model_validate({**values, "key_industries": industries})
        application = pilots.apply(session, settings, viewer.actor, data, uploads)
    except ValidationError as exc:
        return _form_page(request, viewer, settings, values, _pydantic_message(exc))
    except (ValidationFailed, Conflict) as exc:
        # Refused before anything was written (the service checks every file and the year first).
        return _form_page(request, viewer, settings, values, exc.message)
    return flash.redirect(f"/console/pilots/{application.id}", "申报已提交，省科技咨询服务中心将进行形式审查")


@router.get("/console/pilots/{application_id}", response_class=HTMLResponse)
def application_page(
    request: Request, application_id: IdPath, viewer: ViewerDep, session: ReadSessionDep, settings: SettingsDep
) -> Response:
    detail = pilot_views.application_detail(session, viewer.actor, application_id)
    context: dict[str, Any] = {
        "title": detail.title,
        "p": detail,
        "score_labels": SCORE_LABELS,
        **_upload_hints(settings),
    }
    if "assign_survey" in detail.actions:
        context["experts"] = _expert_users(session, viewer)
    return render(request, "pilots/detail.html", context, viewer=viewer)


def _expert_users(session: Session, viewer: ViewerDep) -> list[tuple[int, str]]:
    page = admin.list_users(session, viewer.actor, UserFilters(role=Role.EXPERT, is_active=True), page=1, size=200)
    return [(u.id, u.display_name) for u in page.items]


@router.get("/console/pilots/{application_id}/files/{file_id}")
def download(
    application_id: IdPath, file_id: IdPath, viewer: ViewerDep, session: ReadSessionDep, settings: SettingsDep
) -> Response:
    name, media_type, data = pilot_views.material_file(session, settings, viewer.actor, application_id, file_id)
    return Response(
        data, media_type=media_type, headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}"}
    )


@router.post("/console/pilots/{application_id}/files")
def upload(
    application_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    settings: SettingsDep,
    material: Annotated[PilotMaterial, Form()],
    file: FileField = None,
) -> Response:
    uploads = _read(material, file, settings.pilots.max_file_bytes)
    pilots.upload(session, settings, viewer.actor, application_id, uploads)
    return flash.redirect(f"/console/pilots/{application_id}", f"已上传「{MATERIAL_LABELS[material]}」")


@router.post("/console/pilots/{application_id}/resubmit")
def resubmit(application_id: IdPath, viewer: ViewerDep, session: SessionDep) -> Response:
    pilots.resubmit(session, viewer.actor, application_id)
    return flash.redirect(f"/console/pilots/{application_id}", "已重新提交，等待形式审查")


@router.post("/console/pilots/{application_id}/review")
def review(
    application_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    decision: Annotated[str, Form(pattern="^(pass|return)$")],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    passed = decision == "pass"
    pilots.review_format(session, viewer.actor, application_id, passed=passed, note=note or None)
    return flash.redirect(f"/console/pilots/{application_id}", "已通过形式审查" if passed else "已退回申报单位修改")


@router.post("/console/pilots/{application_id}/surveyors")
def assign(
    application_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    experts: Annotated[list[int], Form(min_length=1, max_length=20)],
) -> Response:
    pilots.assign_surveyors(session, viewer.actor, application_id, experts)
    return flash.redirect(f"/console/pilots/{application_id}", "已指派调研专家，专家将收到通知")


@router.post("/console/pilots/{application_id}/survey")
def survey(
    application_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    layout_score: Annotated[int, Form(ge=1, le=5)],
    demand_score: Annotated[int, Form(ge=1, le=5)],
    effect_score: Annotated[int, Form(ge=1, le=5)],
    foundation_score: Annotated[int, Form(ge=1, le=5)],
    comments: Annotated[str, Form(min_length=2, max_length=5000)],
) -> Response:
    form = pilots.SurveyIn(layout_score=layout_score, demand_score=demand_score, effect_score=effect_score,
                           foundation_score=foundation_score, comments=comments)  # fmt: skip
    pilots.file_survey(session, viewer.actor, application_id, form)
    return flash.redirect(f"/console/pilots/{application_id}", "已提交调研反馈意见表")


@router.post("/console/pilots/{application_id}/recommend")
def recommend(
    application_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    note: Annotated[str, Form(min_length=2, max_length=2000)],
) -> Response:
    pilots.recommend(session, viewer.actor, application_id, note)
    return flash.redirect(f"/console/pilots/{application_id}", "已推荐，提交主席办公会议研究")


@router.post("/console/pilots/{application_id}/decision")
def decide(
    application_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    selected: Annotated[bool, Form()],
    meeting_date: Annotated[date, Form()],
    meeting_number: Annotated[str, Form(min_length=1, max_length=64)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    decision = pilots.DecisionIn(
        selected=selected, meeting_date=meeting_date, meeting_number=meeting_number, note=note or None
    )
    pilot_decisions.decide(session, viewer.actor, application_id, decision)
    done = "已登记：入选，即时生效" if selected else "已登记：未入选"
    return flash.redirect(f"/console/pilots/{application_id}", done)


@router.post("/console/pilots/publish")
def publish(viewer: ViewerDep, session: SessionDep, year: Annotated[int, Form(ge=2016, le=2100)]) -> Response:
    published = pilot_decisions.publish(session, viewer.actor, year)
    return flash.redirect(
        f"/console/pilots?year={year}", f"已公布 {year} 年度遴选结果（{len(published)} 项），公示页：/pilots"
    )
