"""Reading pilot applications, scoped to the actor: the list, the detail with its timeline, the public list."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core.errors import NotFound
from core.settings import Settings
from models import (
    AuditEvent,
    LocalAssociation,
    PilotApplication,
    PilotFile,
    PilotStatus,
    PilotSurvey,
    Role,
    Society,
    User,
)
from program import pilot_files
from program.pilot_files import MATERIAL_LABELS, MEDIA_TYPES, TYPE_LABELS
from program.pilot_rules import STATUS_LABELS, TRANSITIONS, visibility, visible

ACTION_TEXTS = {
    "pilot.submit": "提交了申报",
    "pilot.upload": "上传了申报材料",
    "pilot.resubmit": "修改后重新提交了申报",
    "pilot.pass_format": "通过了形式审查",
    "pilot.return_format": "退回了申报",
    "pilot.assign_survey": "指派了实地调研专家",
    "pilot.file_survey": "提交了调研反馈意见表",
    "pilot.recommend": "推荐入选",
    "pilot.decide": "登记了主席办公会议决定",
    "pilot.publish": "公布了遴选结果",
}
SCORE_LABELS = {
    "layout_score": "地域布局合理",
    "demand_score": "产业需求集中",
    "effect_score": "示范效应显著",
    "foundation_score": "工作基础良好",
}


class FileView(BaseModel):
    id: int
    material: str
    material_label: str
    filename: str
    file_type: str
    file_type_label: str
    size_bytes: int
    uploaded_at: datetime
    current: bool


class SurveyView(BaseModel):
    expert_user_id: int
    expert_name: str
    submitted: bool
    scores: dict[str, int]
    total: int | None
    comments: str
    submitted_at: datetime | None


class TimelineItem(BaseModel):
    at: datetime
    action: str
    text: str
    actor_name: str
    reason: str | None


class PilotSummary(BaseModel):
    id: int
    kind: str
    """``county`` (demonstration area) or ``society`` (pilot society)."""
    kind_label: str
    applicant: str
    region_code: str | None
    society_id: int | None
    year: int
    title: str
    status: PilotStatus
    status_label: str
    stage_label: str
    """The status, with the field survey under way shown as such."""
    submitted_at: datetime | None
    published_at: datetime | None


class PilotDetail(PilotSummary):
    contact_name: str | None
    contact_phone: str | None
    key_industries: list[str]
    application_letter: str
    industry_demands: str
    work_plan: str
    government_opinion: str
    city_review: str
    review_note: str | None
    recommendation_note: str | None
    meeting_date: date | None
    meeting_number: str | None
    decided_at: datetime | None
    required_materials: list[dict[str, str]]
    missing_materials: list[str]
    files: list[FileView]
    surveys: list[SurveyView]
    actions: list[str]
    """The moves this actor may make now (names of :data:`program.pilot_rules.TRANSITIONS`)."""
    timeline: list[TimelineItem]


class PilotPage(BaseModel):
    items: list[PilotSummary]
    total: int


class PublicPilot(BaseModel):
    year: int
    kind_label: str
    applicant: str
    meeting_date: date | None
    published_at: datetime


def _names(session: Session, rows: list[PilotApplication]) -> dict[int, tuple[str, str | None]]:
    society_ids = {r.society_id for r in rows if r.society_id is not None}
    la_ids = {r.local_association_id for r in rows if r.local_association_id is not None}
    societies = {
        row[0]: row[1] for row in session.execute(select(Society.id, Society.name).where(Society.id.in_(society_ids)))
    }
    associations = {
        la.id: (la.name, la.region_code)
        for la in session.scalars(select(LocalAssociation).where(LocalAssociation.id.in_(la_ids)))
    }
    out: dict[int, tuple[str, str | None]] = {}
    for r in rows:
        if r.society_id is not None:
            out[r.id] = (societies.get(r.society_id, "申报学会"), None)
        else:
            out[r.id] = associations.get(r.local_association_id or 0, ("申报县（市、区）科协", None))
    return out


def _stage(session: Session, application: PilotApplication) -> str:
    if application.status is PilotStatus.FORMAT_PASSED and application.local_association_id is not None:
        counts = session.execute(
            select(func.count(), func.count(PilotSurvey.submitted_at)).where(
                PilotSurvey.application_id == application.id
            )
        ).one()
        if counts[0]:
            return f"实地调研中（已反馈 {counts[1]}/{counts[0]}）"
        return "形式审查通过，待安排实地调研"
    if application.published_at is not None:
        return f"{STATUS_LABELS[application.status]}（已公布）"
    return STATUS_LABELS[application.status]


def _summary(session: Session, application: PilotApplication, name: tuple[str, str | None]) -> PilotSummary:
    county = application.local_association_id is not None
    return PilotSummary(
        id=application.id, kind="county" if county else "society",
        kind_label="示范县（市、区）" if county else "试点学会",
        applicant=name[0], region_code=name[1], society_id=application.society_id, year=application.year,
        title=application.title, status=application.status, status_label=STATUS_LABELS[application.status],
        stage_label=_stage(session, application), submitted_at=application.submitted_at,
        published_at=application.published_at,
    )  # fmt: skip


def list_applications(
    session: Session, actor: Actor, *, year: int | None = None, status: PilotStatus | None = None
) -> PilotPage:
    conditions = [visibility(session, actor)]
    if year is not None:
        conditions.append(PilotApplication.year == year)
    if status is not None:
        conditions.append(PilotApplication.status == status)
    rows = list(
        session.scalars(
            select(PilotApplication).where(*conditions).order_by(PilotApplication.year.desc(), PilotApplication.id)
        )
    )
    names = _names(session, rows)
    return PilotPage(items=[_summary(session, r, names[r.id]) for r in rows], total=len(rows))


def _actions(session: Session, actor: Actor, application: PilotApplication) -> list[str]:
    moves = [n for n, t in TRANSITIONS.items() if actor.role in t.roles and application.status in t.sources]
    county = application.local_association_id is not None
    if not county:
        moves = [m for m in moves if m not in ("assign_survey", "file_survey")]
    if county and application.status is PilotStatus.FORMAT_PASSED and "recommend" in moves:
        moves.remove("recommend")
    if "file_survey" in moves:
        mine = session.scalar(
            select(PilotSurvey.submitted_at).where(
                PilotSurvey.application_id == application.id, PilotSurvey.expert_user_id == actor.user_id
            )
        )
        if mine is not None:
            moves.remove("file_survey")
    return moves


def _surveys(session: Session, application_id: int) -> list[SurveyView]:
    rows = session.execute(
        select(PilotSurvey, User.display_name)
        .join(User, User.id == PilotSurvey.expert_user_id)
        .where(PilotSurvey.application_id == application_id)
        .order_by(PilotSurvey.id)
    ).all()
    views = []
    for survey, name in rows:
        scores = {k: getattr(survey, k) for k in SCORE_LABELS if getattr(survey, k) is not None}
        views.append(
            SurveyView(
                expert_user_id=survey.expert_user_id,
                expert_name=name,
                submitted=survey.submitted_at is not None,
                scores=scores,
                total=sum(scores.values()) if survey.submitted_at else None,
                comments=survey.comments,
                submitted_at=survey.submitted_at,
            )  # fmt: skip
        )
    return views


def _timeline(session: Session, application_id: int) -> list[TimelineItem]:
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "pilot_application", AuditEvent.entity_id == application_id)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [
        TimelineItem(
            at=e.at,
            action=e.action,
            text=ACTION_TEXTS.get(e.action, e.action),
            actor_name=str(e.data.get("by", "")),
            reason=e.reason,
        )  # fmt: skip
        for e in events
    ]


def application_detail(session: Session, actor: Actor, application_id: int) -> PilotDetail:
    application = visible(session, actor, application_id)
    name = _names(session, [application])[application.id]
    current = {f.id for f in pilot_files.current_files(session, application.id).values()}
    files = [
        FileView(
            id=f.id,
            material=f.material.value,
            material_label=MATERIAL_LABELS[f.material],
            filename=f.filename,
            file_type=f.file_type,
            file_type_label=TYPE_LABELS.get(f.file_type, f.file_type),
            size_bytes=f.size_bytes,
            uploaded_at=f.uploaded_at,
            current=f.id in current,
        )  # fmt: skip
        for f in pilot_files.files_of(session, application.id)
    ]
    surveys = _surveys(session, application.id)
    if actor.role in (Role.LOCAL_ASSOCIATION, Role.SOCIETY):
        surveys = []  # the experts' feedback is for the department's discussion, not the applicant
    elif actor.role is Role.EXPERT:
        surveys = [s for s in surveys if s.expert_user_id == actor.user_id]
    return PilotDetail(
        **_summary(session, application, name).model_dump(),
        contact_name=application.contact_name, contact_phone=application.contact_phone,
        key_industries=list(application.key_industries or []), application_letter=application.application_letter,
        industry_demands=application.industry_demands, work_plan=application.work_plan,
        government_opinion=application.government_opinion, city_review=application.city_review,
        review_note=application.review_note, recommendation_note=application.recommendation_note,
        meeting_date=application.meeting_date, meeting_number=application.meeting_number,
        decided_at=application.decided_at,
        required_materials=[
            {"material": m.value, "label": MATERIAL_LABELS[m]} for m in pilot_files.materials_for(application)
        ],
        missing_materials=[m.value for m in pilot_files.missing_materials(session, application)],
        files=files, surveys=surveys, actions=_actions(session, actor, application),
        timeline=_timeline(session, application.id),
    )  # fmt: skip


def material_file(
    session: Session, settings: Settings, actor: Actor, application_id: int, file_id: int
) -> tuple[str, str, bytes]:
    """(filename, media type, bytes) of one file of an application the actor may see."""
    visible(session, actor, application_id)
    row = session.scalar(select(PilotFile).where(PilotFile.id == file_id, PilotFile.application_id == application_id))
    if row is None:
        raise NotFound(f"找不到编号为 {file_id} 的申报材料")
    return row.filename, MEDIA_TYPES.get(row.file_type, "application/octet-stream"), pilot_files.read(settings, row)


def public_list(session: Session) -> list[PublicPilot]:
    """The published selections (no login): every year's selected demonstration areas and pilot societies."""
    rows = list(
        session.scalars(
            select(PilotApplication)
            .where(PilotApplication.published_at.is_not(None), PilotApplication.status == PilotStatus.SELECTED)
            .order_by(
                PilotApplication.year.desc(), PilotApplication.local_association_id.is_(None), PilotApplication.id
            )
        )
    )
    names = _names(session, rows)
    return [
        PublicPilot(
            year=r.year,
            kind_label="示范县（市、区）" if r.local_association_id is not None else "试点学会",
            applicant=names[r.id][0],
            meeting_date=r.meeting_date,
            published_at=r.published_at,
        )  # fmt: skip
        for r in rows
        if r.published_at is not None
    ]
