"""Pilot application and selection (seed arts. 12–13): every step of :data:`program.pilot_rules.TRANSITIONS`.

Each function checks scope (404), role (403) and status (409) before it changes anything, writes its
AuditEvent (``entity_type="pilot_application"``) and enqueues the notices it causes in the caller's
transaction. A selection takes effect at once: a selected county becomes a demonstration area, a
selected society a pilot society (active, with a ProfileChange so the matcher's data follows): the
department's closing steps (decision, publication) are in :mod:`program.pilot_decisions`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core import clock
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.settings import Settings
from models import (
    AuditEvent,
    LocalAssociation,
    PilotApplication,
    PilotStatus,
    PilotSurvey,
    Region,
    RegionLevel,
    Role,
    Society,
    User,
)
from program import pilot_files
from program.pilot_files import MATERIAL_LABELS, Upload
from program.pilot_rules import (
    STATUS_LABELS,
    applicant_recipients,
    check,
    department_recipients,
    own_association,
    reviewers,
    visible,
)
from program.pilot_schemas import MAX_NOTE_CHARS, DecisionIn, PilotApplicationIn, SurveyIn
from workflow.notify import Notice, announce
from workflow.transitions import flush, record_event

ENTITY = "pilot_application"
__all__ = ["DecisionIn", "PilotApplicationIn", "SurveyIn", "MAX_NOTE_CHARS"]


def applicant_name(session: Session, application: PilotApplication) -> str:
    if application.society_id is not None:
        society = session.get(Society, application.society_id)
        return society.name if society is not None else "申报学会"
    association = session.get(LocalAssociation, application.local_association_id)
    return association.name if association is not None else "申报县（市、区）科协"


def audit(
    session: Session,
    actor: Actor,
    application: PilotApplication,
    action: str,
    before: PilotStatus | None,
    *,
    now: datetime,
    reason: str | None = None,
    data: dict[str, object] | None = None,
) -> AuditEvent:
    return record_event(
        session, actor, entity_type=ENTITY, entity_id=application.id, demand_id=None, action=f"pilot.{action}",
        from_state=before.value if before else None, to_state=application.status.value, reason=reason,
        data=data, now=now,
    )  # fmt: skip


def tell(session: Session, event: AuditEvent, users: Sequence[User], application: PilotApplication, text: str) -> None:
    status = STATUS_LABELS[application.status]
    notice = Notice(
        kind=event.action,
        title=f"试点申报：{status}",
        text=f"「{application.title}」（{application.year}年度）{text}",
        fields=(("申报", application.title), ("状态", status)),
        link=f"/console/pilots/{application.id}",
    )
    announce(session, event, users, notice)


def clean_note(text: str | None, *, required: bool, label: str) -> str | None:
    cleaned = (text or "").strip()
    if required and len(cleaned) < 2:
        raise ValidationFailed(f"请填写{label}", fields={"field": "reason"})
    if len(cleaned) > MAX_NOTE_CHARS:
        raise ValidationFailed(f"{label}不超过 {MAX_NOTE_CHARS} 个字", fields={"field": "reason"})
    return cleaned or None


def _fill(application: PilotApplication, data: PilotApplicationIn) -> None:
    for key, value in data.model_dump(exclude={"year"}).items():
        setattr(application, key, value)


def apply(
    session: Session,
    settings: Settings,
    actor: Actor,
    data: PilotApplicationIn,
    uploads: Sequence[Upload] = (),
    *,
    now: datetime | None = None,
) -> PilotApplication:
    """A county's association or a provincial society applies for ``data.year`` (art. 12), with any
    materials at once; the provincial center is told to review the format."""
    now = now or clock.now()
    for item in uploads:  # every file is checked before anything is written
        pilot_files.check_upload(item, settings.pilots)
    society_id, association_id = None, None
    if actor.role is Role.SOCIETY and actor.society_id is not None:
        society_id = actor.society_id
    elif actor.role is Role.LOCAL_ASSOCIATION and actor.region_code is not None:
        region = session.get(Region, actor.region_code)
        if region is None or region.level is not RegionLevel.COUNTY:
            raise PermissionDenied("示范县（市、区）由县级科协申报；设区市科协请在县级申报中填写审核推荐意见")
        association = own_association(session, actor)
        if association is None:
            association = LocalAssociation(name=f"{region.name}科学技术协会", region_code=region.code)
            session.add(association)
            flush(session)
        association_id = association.id
    else:
        raise PermissionDenied("试点由省级学会或县（市、区）科协申报")
    taken = select(PilotApplication.id).where(PilotApplication.year == data.year)
    taken = taken.where(
        PilotApplication.society_id == society_id
        if society_id is not None
        else PilotApplication.local_association_id == association_id
    )
    if session.scalar(taken) is not None:
        raise Conflict(f"本单位已提交 {data.year} 年度的试点申报，请在原申报上修改", fields={"year": data.year})
    application = PilotApplication(
        society_id=society_id, local_association_id=association_id, year=data.year, status=PilotStatus.SUBMITTED,
        submitted_by_user_id=actor.user_id, submitted_at=now,
    )  # fmt: skip
    _fill(application, data)
    session.add(application)
    flush(session)
    stored = pilot_files.store(session, settings, application, list(uploads), user_id=actor.user_id, now=now)
    event = audit(
        session, actor, application, "submit", None, now=now,
        data={"files": [f.id for f in stored], "applicant": applicant_name(session, application)},
    )  # fmt: skip
    tell(
        session,
        event,
        reviewers(session),
        application,
        f"由{applicant_name(session, application)}提交，请进行形式审查。",
    )
    return application


def upload(
    session: Session,
    settings: Settings,
    actor: Actor,
    application_id: int,
    uploads: Sequence[Upload],
    *,
    now: datetime | None = None,
) -> PilotApplication:
    """Add (or replace) materials of an application not yet past the format review."""
    now = now or clock.now()
    application = visible(session, actor, application_id, lock=True)
    check("upload", application, actor)
    if not uploads:
        raise ValidationFailed("请选择要上传的申报材料文件", fields={"field": "file"})
    stored = pilot_files.store(session, settings, application, list(uploads), user_id=actor.user_id, now=now)
    labels = "、".join(MATERIAL_LABELS[f.material] for f in stored)
    audit(session, actor, application, "upload", application.status, now=now, data={"files": [f.id for f in stored]},
           reason=labels)  # fmt: skip
    return application


def resubmit(
    session: Session,
    actor: Actor,
    application_id: int,
    data: PilotApplicationIn | None = None,
    *,
    now: datetime | None = None,
) -> PilotApplication:
    """A returned application, corrected (fields, and materials uploaded meanwhile), goes back to review."""
    now = now or clock.now()
    application = visible(session, actor, application_id, lock=True)
    check("resubmit", application, actor)
    if data is not None:
        if data.year != application.year:
            raise ValidationFailed("申报年度不能修改", fields={"field": "year"})
        _fill(application, data)
    before = application.status
    application.status = PilotStatus.SUBMITTED
    application.submitted_at = now
    application.submitted_by_user_id = actor.user_id
    flush(session)
    event = audit(session, actor, application, "resubmit", before, now=now)
    tell(session, event, reviewers(session), application, "已修改并重新提交，请再次进行形式审查。")
    return application


def review_format(
    session: Session, actor: Actor, application_id: int, *, passed: bool, note: str | None, now: datetime | None = None
) -> PilotApplication:
    """The provincial center's format review (art. 13): every applicant needs its 申报函 and 工作方案,
    a demonstration area also its 产业需求; an incomplete application can only be returned (with reasons)."""
    now = now or clock.now()
    application = visible(session, actor, application_id, lock=True)
    check("pass_format" if passed else "return_format", application, actor)
    reason = clean_note(note, required=not passed, label="退回原因")
    if passed:
        missing = pilot_files.missing_materials(session, application)
        if missing:
            names = "、".join(MATERIAL_LABELS[m] for m in missing)
            raise Conflict(f"申报材料不齐（缺少：{names}），不能通过形式审查，请退回申报单位补充")
    before = application.status
    application.status = PilotStatus.FORMAT_PASSED if passed else PilotStatus.FORMAT_FAILED
    application.review_note = reason
    application.reviewed_at = now
    flush(session)
    event = audit(session, actor, application, "pass_format" if passed else "return_format", before, now=now,
                   reason=reason)  # fmt: skip
    if passed:
        follow = "通过形式审查。" + ("省科协将组织专家实地调研。" if application.local_association_id else "")
        tell(session, event, applicant_recipients(session, application), application, follow)
        tell(session, event, department_recipients(session), application, "已通过形式审查。")
    else:
        text = f"未通过形式审查，已退回。原因：{reason}。请修改后重新提交。"
        tell(session, event, applicant_recipients(session, application), application, text)
    return application


def assign_surveyors(
    session: Session, actor: Actor, application_id: int, expert_user_ids: Sequence[int], *, now: datetime | None = None
) -> PilotApplication:
    """The center names the experts (expert users) who survey a demonstration-area application."""
    now = now or clock.now()
    application = visible(session, actor, application_id, lock=True)
    check("assign_survey", application, actor)
    if application.local_association_id is None:
        raise Conflict("实地调研只针对示范县（市、区）申报，学会申报无需调研")
    wanted = list(dict.fromkeys(expert_user_ids))
    if not wanted:
        raise ValidationFailed("请至少选择一位调研专家", fields={"field": "expert_user_ids"})
    experts = list(session.scalars(select(User).where(User.id.in_(wanted), User.role == Role.EXPERT, User.is_active)))
    if len(experts) != len(wanted):
        unknown = sorted(set(wanted) - {u.id for u in experts})
        raise ValidationFailed(f"编号为 {unknown} 的用户不是在用的专家账号", fields={"field": "expert_user_ids"})
    have = set(session.scalars(select(PilotSurvey.expert_user_id).where(PilotSurvey.application_id == application.id)))
    added = [u for u in experts if u.id not in have]
    if not added:
        raise Conflict("所选专家均已指派为该申报的调研专家")
    for user in added:
        session.add(
            PilotSurvey(
                application_id=application.id,
                expert_user_id=user.id,
                assigned_by_user_id=actor.user_id,
                assigned_at=now,
            )
        )
    flush(session)
    names = "、".join(u.display_name for u in added)
    data: dict[str, object] = {"experts": [u.id for u in added]}
    event = audit(session, actor, application, "assign_survey", application.status, now=now, data=data, reason=names)
    tell(session, event, added, application, "请您开展实地调研，并在系统中填写调研反馈意见表。")
    return application


def file_survey(
    session: Session, actor: Actor, application_id: int, form: SurveyIn, *, now: datetime | None = None
) -> PilotApplication:
    """An assigned expert files the feedback form; with the last one in, the application is 「已实地调研」."""
    now = now or clock.now()
    application = visible(session, actor, application_id, lock=True)
    check("file_survey", application, actor)
    survey = session.scalar(
        select(PilotSurvey).where(
            PilotSurvey.application_id == application.id, PilotSurvey.expert_user_id == actor.user_id
        )
    )
    if survey is None:  # pragma: no cover - visibility already requires the assignment
        raise PermissionDenied("您未被指派调研该申报")
    if survey.submitted_at is not None:
        raise Conflict("您已提交过该申报的调研反馈意见表")
    for key, value in form.model_dump().items():
        setattr(survey, key, value)
    survey.submitted_at = now
    flush(session)
    open_ones = session.scalar(
        select(PilotSurvey.id).where(PilotSurvey.application_id == application.id, PilotSurvey.submitted_at.is_(None))
    )
    before = application.status
    if open_ones is None:
        application.status = PilotStatus.SURVEYED
        flush(session)
    scores = {k: v for k, v in form.model_dump().items() if k.endswith("_score")}
    event = audit(session, actor, application, "file_survey", before, now=now, data={"scores": scores})
    if application.status is PilotStatus.SURVEYED:
        text = "的专家实地调研已全部完成，请学会学术部讨论推荐。"
        tell(session, event, [*department_recipients(session), *reviewers(session)], application, text)
    return application


def recommend(
    session: Session, actor: Actor, application_id: int, note: str | None, *, now: datetime | None = None
) -> PilotApplication:
    """The department recommends the application to the chairman's office meeting (art. 13)."""
    now = now or clock.now()
    application = visible(session, actor, application_id, lock=True)
    check("recommend", application, actor)
    if application.local_association_id is not None and application.status is not PilotStatus.SURVEYED:
        raise Conflict("示范县（市、区）申报须先完成专家实地调研，才能推荐")
    reason = clean_note(note, required=True, label="推荐意见")
    before = application.status
    application.status = PilotStatus.RECOMMENDED
    application.recommendation_note = reason
    application.recommended_at = now
    flush(session)
    event = audit(session, actor, application, "recommend", before, now=now, reason=reason)
    tell(
        session,
        event,
        applicant_recipients(session, application),
        application,
        "已由学会学术部推荐，提交主席办公会议研究。",
    )
    return application
