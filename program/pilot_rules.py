"""The pilot selection's state machine (seed art. 13) as data, who may see an application, who is told.

Steps: the applicant (a county's association or a provincial society) submits → the provincial center
reviews the format (pass, or return with reasons; a returned application is corrected and submitted
again) → for a demonstration area, experts the center assigns survey it in the field (the application
stays 「形式审查通过」 while the survey runs and becomes 「已实地调研」 when every assigned expert has
filed the feedback form) → the department (学会学术部) recommends → the department records the
chairman's office meeting's decision → the department publishes the year's list.

Anything outside an actor's scope is :class:`~core.errors.NotFound`, exactly like an unknown id.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, select, true
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core.errors import NotFound
from models import LocalAssociation, PilotApplication, PilotStatus, PilotSurvey, Role, User
from workflow import states
from workflow.notify import center_recipients, society_recipients
from workflow.states import Transition

P = PilotStatus
R = Role

STATUS_LABELS: dict[PilotStatus, str] = {
    P.SUBMITTED: "已提交，待形式审查",
    P.FORMAT_PASSED: "形式审查通过",
    P.FORMAT_FAILED: "形式审查未通过，已退回修改",
    P.SURVEYED: "已完成实地调研",
    P.RECOMMENDED: "学会学术部已推荐",
    P.SELECTED: "已入选",
    P.NOT_SELECTED: "未入选",
    P.REVOKED: "已取消试点资格",
}
APPLICANTS = frozenset({R.LOCAL_ASSOCIATION, R.SOCIETY})


def _t(name: str, sources: set[PilotStatus], target: PilotStatus, roles: set[Role], label: str) -> Transition[P]:
    return Transition(name, frozenset(sources), target, frozenset(roles), label)


TRANSITIONS: dict[str, Transition[PilotStatus]] = {
    t.name: t
    for t in (
        _t("resubmit", {P.FORMAT_FAILED}, P.SUBMITTED, set(APPLICANTS), "修改后重新提交"),
        _t("upload", {P.SUBMITTED, P.FORMAT_FAILED}, P.SUBMITTED, set(APPLICANTS), "上传申报材料"),
        _t("pass_format", {P.SUBMITTED}, P.FORMAT_PASSED, {R.CENTER}, "通过形式审查"),
        _t("return_format", {P.SUBMITTED}, P.FORMAT_FAILED, {R.CENTER}, "退回申报"),
        _t("assign_survey", {P.FORMAT_PASSED}, P.FORMAT_PASSED, {R.CENTER}, "指派实地调研专家"),
        _t("file_survey", {P.FORMAT_PASSED}, P.FORMAT_PASSED, {R.EXPERT}, "填写调研反馈意见表"),
        _t("recommend", {P.FORMAT_PASSED, P.SURVEYED}, P.RECOMMENDED, {R.DEPARTMENT}, "推荐入选"),
        _t("decide", {P.RECOMMENDED}, P.SELECTED, {R.DEPARTMENT}, "登记主席办公会议决定"),
    )
}
"""``upload``, ``assign_survey`` and ``file_survey`` leave the status as it is (``upload`` keeps a
returned application returned); ``decide`` goes to selected or not selected. Publishing is per year
(:func:`program.pilots.publish`), not a move of one application."""


def not_found(application_id: int) -> NotFound:
    return NotFound(f"找不到编号为 {application_id} 的试点申报（或不在您的办理范围内）")


def check(name: str, application: PilotApplication, actor: Actor) -> Transition[PilotStatus]:
    """Refuse a move this role may not make (403), or one the application's status does not allow (409)."""
    transition = TRANSITIONS[name]
    states.check(transition, application.status, actor, what="试点申报", label=STATUS_LABELS.__getitem__)
    return transition


def own_association(session: Session, actor: Actor) -> LocalAssociation | None:
    if actor.role is not Role.LOCAL_ASSOCIATION or actor.region_code is None:
        return None
    return session.scalar(select(LocalAssociation).where(LocalAssociation.region_code == actor.region_code))


def visibility(session: Session, actor: Actor) -> ColumnElement[bool]:
    """A SQL condition on :class:`PilotApplication`: what ``actor`` may see."""
    if actor.role in (Role.CENTER, Role.DEPARTMENT, Role.SYSTEM):
        return true()
    if actor.role is Role.SOCIETY and actor.society_id is not None:
        return PilotApplication.society_id == actor.society_id
    if actor.role is Role.LOCAL_ASSOCIATION:
        association = own_association(session, actor)
        return PilotApplication.local_association_id == association.id if association is not None else false()
    if actor.role is Role.EXPERT and actor.user_id is not None:
        return exists().where(
            PilotSurvey.application_id == PilotApplication.id, PilotSurvey.expert_user_id == actor.user_id
        )
    return false()


def visible(session: Session, actor: Actor, application_id: int, *, lock: bool = False) -> PilotApplication:
    """The application if ``actor`` may see it (re-read under a row lock for a move), else 404."""
    stmt = select(PilotApplication).where(PilotApplication.id == application_id, visibility(session, actor))
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    found = session.scalar(stmt)
    if found is None:
        raise not_found(application_id)
    return found


def applicant_recipients(session: Session, application: PilotApplication) -> list[User]:
    """The applicant's active staff: the society's users, or the county association's."""
    if application.society_id is not None:
        return society_recipients(session, application.society_id)
    association = session.get(LocalAssociation, application.local_association_id)
    if association is None:
        return []
    return list(
        session.scalars(
            select(User)
            .where(User.role == Role.LOCAL_ASSOCIATION, User.region_code == association.region_code, User.is_active)
            .order_by(User.id)
        )
    )


def department_recipients(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.role == Role.DEPARTMENT, User.is_active).order_by(User.id)))


def reviewers(session: Session) -> list[User]:
    return center_recipients(session)
