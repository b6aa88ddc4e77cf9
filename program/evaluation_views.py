"""What the API and the console show of evaluations and rectifications, per role.

The department and the center see every round and result; a reviewer the rounds it was named for; a
unit (society, local association) only its own *published* results and its rectifications. Anything
else is reported as not found, like an id that does not exist.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from accounts.users import ROLE_LABELS
from core import clock
from core.clock import BEIJING
from core.errors import NotFound, PermissionDenied
from models import (
    Disqualification,
    Evaluation,
    EvaluationGrade,
    EvaluationResult,
    EvaluationReviewer,
    EvaluationRound,
    EvaluationScore,
    IndicatorSource,
    Rectification,
    RectificationStatus,
    Role,
    RoundStatus,
    User,
)
from program.evaluations import STAFF, indicators_of, results_of, visible_round
from program.grading import GRADE_LABELS, indicator_scores, total_of
from program.indicators import METRICS
from program.rectification import STATUS_LABELS, is_overdue, visible_rectification
from program.units import unit_by_ids, unit_of_actor

ROUND_LABELS = {RoundStatus.OPEN: "评价中", RoundStatus.PUBLISHED: "已发布"}


class RoundSummary(BaseModel):
    id: int
    title: str
    period_start: date
    period_end: date
    status: RoundStatus
    status_label: str
    computed_at: datetime | None
    published_at: datetime | None
    units: int


class IndicatorView(BaseModel):
    id: int
    name: str
    weight: Decimal
    source: IndicatorSource
    metric: str | None
    metric_label: str | None


class ReviewerView(BaseModel):
    user_id: int
    name: str
    role_label: str


class RectificationView(BaseModel):
    id: int
    result_id: int
    unit_name: str
    round_title: str
    due_on: date
    status: RectificationStatus
    status_label: str
    overdue: bool
    report: str
    submitted_at: datetime | None
    reviewed_at: datetime | None
    review_note: str | None


class ResultRow(BaseModel):
    id: int
    round_id: int
    round_title: str
    unit_kind: str
    """``society`` or ``local_association``."""
    unit_name: str
    society_id: int | None
    local_association_id: int | None
    scores: dict[str, float | None]
    """Indicator id → its 0–100 score (None: not scored yet)."""
    details: dict[str, str]
    """Computed indicator id → what the figure is."""
    total: Decimal | None
    """The published score, or the preview while the round is open (None while scores are missing)."""
    grade: EvaluationGrade | None
    grade_label: str | None
    published_at: datetime | None
    rectification: RectificationView | None
    disqualified: bool


class RoundDetail(RoundSummary):
    indicators: list[IndicatorView]
    reviewers: list[ReviewerView]
    results: list[ResultRow]
    my_scores: dict[str, Decimal]
    """For a reviewer: ``"<result id>:<indicator id>"`` → the score it entered."""
    can_manage: bool
    can_score: bool


class UnitResult(BaseModel):
    result: ResultRow
    indicators: list[IndicatorView]
    period_start: date
    period_end: date


def _summary(session: Session, found: EvaluationRound) -> RoundSummary:
    units = session.scalar(select(func.count(EvaluationResult.id)).where(EvaluationResult.round_id == found.id))
    return RoundSummary(
        id=found.id, title=found.title, period_start=found.period_start, period_end=found.period_end,
        status=found.status, status_label=ROUND_LABELS[found.status], computed_at=found.computed_at,
        published_at=found.published_at, units=units or 0,
    )  # fmt: skip


def list_rounds(session: Session, actor: Actor) -> list[RoundSummary]:
    query = select(EvaluationRound).order_by(EvaluationRound.id.desc())
    if actor.role not in STAFF:
        named = select(EvaluationReviewer.round_id).where(EvaluationReviewer.user_id == actor.user_id)
        query = query.where(EvaluationRound.id.in_(named))
    return [_summary(session, r) for r in session.scalars(query)]


def rectification_view(
    session: Session, row: Rectification, result: EvaluationResult, today: date
) -> RectificationView:
    found = session.get_one(EvaluationRound, result.round_id)
    return RectificationView(
        id=row.id, result_id=result.id,
        unit_name=unit_by_ids(session, result.society_id, result.local_association_id).name,
        round_title=found.title, due_on=row.due_on, status=row.status, status_label=STATUS_LABELS[row.status],
        overdue=is_overdue(row, today), report=row.report, submitted_at=row.submitted_at, reviewed_at=row.reviewed_at,
        review_note=row.review_note,
    )  # fmt: skip


def _row(session: Session, found: EvaluationRound, result: EvaluationResult, today: date) -> ResultRow:
    indicators = indicators_of(session, found.id)
    scores = indicator_scores(session, result, indicators)
    rect = session.scalar(select(Rectification).where(Rectification.result_id == result.id))
    disq = session.scalar(select(Disqualification.id).where(Disqualification.result_id == result.id))
    total = result.score if result.published_at is not None else total_of(scores, indicators)
    return ResultRow(
        id=result.id, round_id=found.id, round_title=found.title,
        unit_kind="society" if result.society_id is not None else "local_association",
        unit_name=unit_by_ids(session, result.society_id, result.local_association_id).name,
        society_id=result.society_id, local_association_id=result.local_association_id,
        scores={str(k): v for k, v in scores.items()},
        details={k: str(v.get("detail", "")) for k, v in (result.computed or {}).items()},
        total=total, grade=result.grade, grade_label=GRADE_LABELS[result.grade] if result.grade else None,
        published_at=result.published_at,
        rectification=rectification_view(session, rect, result, today) if rect is not None else None,
        disqualified=disq is not None,
    )  # fmt: skip


def _indicator_views(session: Session, round_id: int) -> list[IndicatorView]:
    return [
        IndicatorView(
            id=i.id,
            name=i.name,
            weight=i.weight,
            source=i.source,
            metric=i.metric,
            metric_label=METRICS.get(i.metric) if i.metric else None,
        )  # fmt: skip
        for i in indicators_of(session, round_id)
    ]


def round_detail(session: Session, actor: Actor, round_id: int, *, now: datetime | None = None) -> RoundDetail:
    today = (now or clock.now()).astimezone(BEIJING).date()
    found = visible_round(session, actor, round_id)
    reviewers = session.execute(
        select(User)
        .join(EvaluationReviewer, EvaluationReviewer.user_id == User.id)
        .where(EvaluationReviewer.round_id == round_id)
        .order_by(EvaluationReviewer.id)
    ).scalars()
    reviewer_views = [
        ReviewerView(user_id=u.id, name=u.display_name or u.username, role_label=ROLE_LABELS[u.role]) for u in reviewers
    ]
    mine = session.execute(
        select(EvaluationScore.result_id, EvaluationScore.indicator_id, EvaluationScore.score)
        .join(EvaluationResult, EvaluationResult.id == EvaluationScore.result_id)
        .where(EvaluationResult.round_id == round_id, EvaluationScore.reviewer_user_id == actor.user_id)
    ).all()
    is_open = found.status is RoundStatus.OPEN
    return RoundDetail(
        **_summary(session, found).model_dump(),
        indicators=_indicator_views(session, round_id),
        reviewers=reviewer_views,
        results=[_row(session, found, r, today) for r in results_of(session, round_id)],
        my_scores={f"{r}:{i}": s for r, i, s in mine},
        can_manage=is_open and actor.role is Role.DEPARTMENT,
        can_score=is_open and any(v.user_id == actor.user_id for v in reviewer_views) and found.computed_at is not None,
    )


def result_not_found(result_id: int) -> NotFound:
    return NotFound(f"找不到编号为 {result_id} 的评价结果（或不在您的办理范围内）")


def result_detail(session: Session, actor: Actor, result_id: int, *, now: datetime | None = None) -> UnitResult:
    """One result: for staff any, for a unit its own once published."""
    today = (now or clock.now()).astimezone(BEIJING).date()
    result = session.get(EvaluationResult, result_id)
    if result is None:
        raise result_not_found(result_id)
    if actor.role not in STAFF:
        unit = unit_of_actor(session, actor)
        own = unit is not None and unit.key == unit_by_ids(session, result.society_id, result.local_association_id).key
        if not own or result.published_at is None:
            raise result_not_found(result_id)
    found = session.get_one(EvaluationRound, result.round_id)
    return UnitResult(
        result=_row(session, found, result, today), indicators=_indicator_views(session, found.id),
        period_start=found.period_start, period_end=found.period_end,
    )  # fmt: skip


def my_results(session: Session, actor: Actor, *, now: datetime | None = None) -> list[ResultRow]:
    """The actor's unit's published results, newest first."""
    today = (now or clock.now()).astimezone(BEIJING).date()
    unit = unit_of_actor(session, actor)
    if unit is None:
        if actor.role in (Role.SOCIETY, Role.LOCAL_ASSOCIATION):
            return []  # an association not registered as one: never evaluated
        raise PermissionDenied("只有参评单位（试点学会、示范县区科协）可以查看本单位的评价结果")
    owner = (
        EvaluationResult.society_id == unit.society_id
        if unit.society_id is not None
        else EvaluationResult.local_association_id == unit.local_association_id
    )
    rows = session.scalars(
        select(EvaluationResult)
        .where(owner, EvaluationResult.published_at.is_not(None))
        .order_by(EvaluationResult.published_at.desc(), EvaluationResult.id.desc())
    ).all()
    return [_row(session, session.get_one(EvaluationRound, r.round_id), r, today) for r in rows]


def list_rectifications(
    session: Session, actor: Actor, *, status: RectificationStatus | None = None, now: datetime | None = None
) -> list[RectificationView]:
    """Center and department: all; a unit: its own. Oldest due first."""
    today = (now or clock.now()).astimezone(BEIJING).date()
    query = select(Rectification, EvaluationResult).join(
        EvaluationResult, EvaluationResult.id == Rectification.result_id
    )
    if actor.role not in STAFF:
        unit = unit_of_actor(session, actor)
        if unit is None:
            if actor.role in (Role.SOCIETY, Role.LOCAL_ASSOCIATION):
                return []
            raise PermissionDenied("只有参评单位和省科协、省科技咨询服务中心可以查看整改")
        query = query.where(
            EvaluationResult.society_id == unit.society_id
            if unit.society_id is not None
            else EvaluationResult.local_association_id == unit.local_association_id
        )
    if status is not None:
        query = query.where(Rectification.status == status)
    rows = session.execute(query.order_by(Rectification.due_on, Rectification.id)).all()
    return [rectification_view(session, row, result, today) for row, result in rows]


def rectification_detail(
    session: Session, actor: Actor, rectification_id: int, *, now: datetime | None = None
) -> RectificationView:
    today = (now or clock.now()).astimezone(BEIJING).date()
    row, result = visible_rectification(session, actor, rectification_id)
    return rectification_view(session, row, result, today)


class LatestEvaluation(BaseModel):
    """A unit's latest evaluation and the rectification it owes, for the programme overview."""

    title: str
    score: Decimal
    grade_label: str
    rectification_due: date | None
    rectification_status_label: str | None
    rectification_overdue: bool


def latest_evaluations(session: Session, *, now: datetime | None = None) -> dict[str, LatestEvaluation]:
    """Unit key (``s12`` / ``l3``) → its latest published result; a unit without one falls back to its
    latest annual :class:`~models.Evaluation` (imported history)."""
    today = (now or clock.now()).astimezone(BEIJING).date()
    out: dict[str, LatestEvaluation] = {}
    for year, row in session.execute(select(Evaluation.year, Evaluation).order_by(Evaluation.year)).all():
        key = f"s{row.society_id}" if row.society_id is not None else f"l{row.local_association_id}"
        owed = row.rectification_due is not None and row.rectified_at is None
        out[key] = LatestEvaluation(
            title=f"{year}年度绩效评价", score=row.score, grade_label=GRADE_LABELS[row.grade],
            rectification_due=row.rectification_due,
            rectification_status_label=None if row.rectification_due is None else "待整改" if owed else "整改已完成",
            rectification_overdue=owed and row.rectification_due is not None and today > row.rectification_due,
        )  # fmt: skip
    published = session.execute(
        select(EvaluationResult, EvaluationRound.title, Rectification)
        .join(EvaluationRound, EvaluationRound.id == EvaluationResult.round_id)
        .outerjoin(Rectification, Rectification.result_id == EvaluationResult.id)
        .where(EvaluationResult.published_at.is_not(None))
        .order_by(EvaluationResult.published_at, EvaluationResult.id)
    ).all()
    for result, title, rect in published:
        key = f"s{result.society_id}" if result.society_id is not None else f"l{result.local_association_id}"
        assert result.score is not None
        assert result.grade is not None
        out[key] = LatestEvaluation(
            title=title, score=result.score, grade_label=GRADE_LABELS[result.grade],
            rectification_due=rect.due_on if rect else None,
            rectification_status_label=STATUS_LABELS[rect.status] if rect else None,
            rectification_overdue=is_overdue(rect, today) if rect else False,
        )  # fmt: skip
    return out


def reviewer_candidates(session: Session, actor: Actor) -> list[ReviewerView]:
    """The accounts the department may name reviewers: active department, center and expert users."""
    if actor.role is not Role.DEPARTMENT:
        return []
    users = session.scalars(
        select(User)
        .where(User.is_active.is_(True), User.role.in_([Role.DEPARTMENT, Role.CENTER, Role.EXPERT]))
        .order_by(User.role, User.username)
        .limit(500)
    )
    return [
        ReviewerView(user_id=u.id, name=u.display_name or u.username, role_label=ROLE_LABELS[u.role]) for u in users
    ]
