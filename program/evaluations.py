"""Performance evaluation rounds (seed arts. 15–16): configure, compute, score, publish.

Roles: the department (省科协学会学术部) creates a round over a period, sets its indicator set (name,
weight, source: computed from Zhuli's data or entered by reviewers), names the round's reviewers,
computes the figures and publishes. Reviewers are users the department names per round — its own
staff, the center's, or an expert account (the experts it organises, or the account of an entrusted
agency, art. 15); only a round's reviewers enter scores, each their own. A unit's total is the
weighted mean of its indicator scores (an entered indicator: the mean of its reviewers' scores); the
grade follows the thresholds of :class:`core.settings.EvaluationSettings`. Publishing fixes the results,
opens the rectifications they owe (:mod:`program.rectification`) and tells every unit its result.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core import clock
from core.errors import Conflict, IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from core.settings import EvaluationSettings, get_settings
from ingestion.normalize import clean_text
from models import (
    EvaluationIndicator,
    EvaluationResult,
    EvaluationReviewer,
    EvaluationRound,
    EvaluationScore,
    IndicatorSource,
    Role,
    RoundStatus,
    User,
)
from program import evaluation_messages as say
from program.grading import GRADE_LABELS, grade_of, indicator_scores, total_of
from program.indicators import DEFAULT_SET, METRICS, RELATIVE, figures, score_of
from program.rectification import open_rectification
from program.units import participating_units, unit_by_ids, unit_recipients
from workflow.notify import announce
from workflow.transitions import record_event

MAX_INDICATORS = 20
MAX_PERIOD_DAYS = 3 * 366
REVIEWER_ROLES = frozenset({Role.DEPARTMENT, Role.CENTER, Role.EXPERT})
STAFF = frozenset({Role.DEPARTMENT, Role.CENTER})


class IndicatorInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=40, description="指标名称")
    weight: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2, description="权重")
    source: IndicatorSource = Field(description="computed：由系统数据计算；entered：由评审打分")
    metric: str | None = Field(default=None, max_length=32, description="计算指标（source=computed 时必填）")


class RoundInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=100, description="评价名称")
    period_start: date = Field(description="评价期起始日")
    period_end: date = Field(description="评价期截止日")
    indicators: list[IndicatorInput] | None = Field(default=None, max_length=MAX_INDICATORS)
    """Empty: the default computed set (:data:`program.indicators.DEFAULT_SET`)."""


class ScoreInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    result_id: int = Field(ge=1, le=2**31 - 1)
    indicator_id: int = Field(ge=1, le=2**31 - 1)
    score: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2, description="得分（0-100）")
    comment: str = Field(default="", max_length=2000)


def round_not_found(round_id: int) -> NotFound:
    return NotFound(f"找不到编号为 {round_id} 的绩效评价（或不在您的办理范围内）")


def policy_or_default(policy: EvaluationSettings | None) -> EvaluationSettings:
    return policy if policy is not None else get_settings().evaluation


def is_reviewer(session: Session, actor: Actor, round_id: int) -> bool:
    found = session.scalar(
        select(EvaluationReviewer.id).where(
            EvaluationReviewer.round_id == round_id, EvaluationReviewer.user_id == actor.user_id
        )
    )
    return found is not None


def visible_round(session: Session, actor: Actor, round_id: int, *, lock: bool = False) -> EvaluationRound:
    """The round for the department and the center, and for the reviewers it names; else NotFound.

    ``lock``: re-read under a row lock (``FOR UPDATE`` on PostgreSQL; SQLite serialises writers), so two
    moves on one round (two publishes, a publish and a score) queue and the second sees the first's state.
    """
    found = session.get(EvaluationRound, round_id, with_for_update=lock, populate_existing=lock)
    if found is None or not (actor.role in STAFF or is_reviewer(session, actor, round_id)):
        raise round_not_found(round_id)
    return found


def _department(actor: Actor, what: str) -> None:
    if actor.role is not Role.DEPARTMENT:
        raise PermissionDenied(f"只有省科协学会学术部可以{what}")


def _open(found: EvaluationRound, what: str) -> None:
    if found.status is not RoundStatus.OPEN:
        raise IllegalTransition(f"该绩效评价已发布，不能再{what}")


def _check_indicators(items: list[IndicatorInput]) -> list[IndicatorInput]:
    if not items:
        raise ValidationFailed("请至少设置一项评价指标", fields={"field": "indicators"})
    if len(items) > MAX_INDICATORS:
        raise ValidationFailed(f"评价指标最多 {MAX_INDICATORS} 项", fields={"field": "indicators"})
    names = [clean_text(i.name, max_length=40, label="指标名称", single_line=True) for i in items]
    if any(not n for n in names):
        raise ValidationFailed("指标名称不能为空", fields={"field": "indicators"})
    if len(set(names)) != len(names):
        raise ValidationFailed("指标名称不能重复", fields={"field": "indicators"})
    for item in items:
        if item.source is IndicatorSource.COMPUTED and item.metric not in METRICS:
            known = "、".join(f"{k}（{v}）" for k, v in METRICS.items())
            raise ValidationFailed(f"「{item.name}」的计算指标应为：{known}", fields={"field": "metric"})
        if item.source is IndicatorSource.ENTERED and item.metric:
            raise ValidationFailed(f"「{item.name}」由评审打分，不应填写计算指标", fields={"field": "metric"})
    return [i.model_copy(update={"name": n}) for i, n in zip(items, names, strict=True)]


def _store_indicators(session: Session, round_id: int, items: list[IndicatorInput]) -> None:
    session.execute(delete(EvaluationIndicator).where(EvaluationIndicator.round_id == round_id))
    for position, item in enumerate(items, 1):
        metric = item.metric if item.source is IndicatorSource.COMPUTED else None
        session.add(
            EvaluationIndicator(
                round_id=round_id, position=position, name=item.name, weight=item.weight, source=item.source,
                metric=metric,
            )
        )  # fmt: skip
    session.flush()


def default_indicators() -> list[IndicatorInput]:
    return [
        IndicatorInput(name=METRICS[m], weight=w, source=IndicatorSource.COMPUTED, metric=m) for m, w in DEFAULT_SET
    ]


def create_round(session: Session, actor: Actor, data: RoundInput, *, now: datetime | None = None) -> EvaluationRound:
    now = now or clock.now()
    _department(actor, "发起绩效评价")
    title = clean_text(data.title, max_length=100, label="评价名称", single_line=True)
    if not title:
        raise ValidationFailed("请填写评价名称", fields={"field": "title"})
    if data.period_start > data.period_end:
        raise ValidationFailed("评价期起始日不能晚于截止日", fields={"field": "period_start"})
    if (data.period_end - data.period_start).days > MAX_PERIOD_DAYS:
        raise ValidationFailed("评价期最长三年", fields={"field": "period_end"})
    items = _check_indicators(data.indicators if data.indicators is not None else default_indicators())
    found = EvaluationRound(
        title=title, period_start=data.period_start, period_end=data.period_end, created_by_user_id=actor.user_id,
        created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(found)
    session.flush()
    _store_indicators(session, found.id, items)
    period = {"period_start": data.period_start.isoformat(), "period_end": data.period_end.isoformat()}
    _event(session, actor, found, "evaluation.create", now, data=period)
    return found


def _event(session: Session, actor: Actor, found: EvaluationRound, action: str, now: datetime, **kw: object) -> None:
    record_event(
        session, actor, entity_type="evaluation_round", entity_id=found.id, demand_id=None, action=action, now=now,
        **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def set_indicators(
    session: Session, actor: Actor, round_id: int, items: list[IndicatorInput], *, now: datetime | None = None
) -> EvaluationRound:
    """Replace the round's indicator set; refused once a reviewer scored (the scores would lose their indicator)."""
    now = now or clock.now()
    found = visible_round(session, actor, round_id, lock=True)
    _department(actor, "设置评价指标")
    _open(found, "修改评价指标")
    scored = session.scalar(
        select(func.count(EvaluationScore.id))
        .join(EvaluationIndicator, EvaluationIndicator.id == EvaluationScore.indicator_id)
        .where(EvaluationIndicator.round_id == round_id)
    )
    if scored:
        raise Conflict("评审已开始打分，不能再修改评价指标")
    _store_indicators(session, round_id, _check_indicators(items))
    found.computed_at = None  # computed values name the old indicators: compute again
    _event(session, actor, found, "evaluation.indicators", now, data={"count": len(items)})
    return found


def add_reviewer(
    session: Session, actor: Actor, round_id: int, user_id: int, *, now: datetime | None = None
) -> EvaluationReviewer:
    now = now or clock.now()
    found = visible_round(session, actor, round_id, lock=True)
    _department(actor, "指定评审")
    _open(found, "指定评审")
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.role not in REVIEWER_ROLES:
        raise ValidationFailed(
            "评审应为在用的学会学术部、省科技咨询服务中心或专家（受托机构）账号", fields={"field": "user_id"}
        )
    if is_reviewer(session, Actor.of_user(user), round_id):
        raise Conflict(f"{user.display_name or user.username}已是本次评价的评审")
    reviewer = EvaluationReviewer(round_id=round_id, user_id=user_id, added_at=now)
    session.add(reviewer)
    session.flush()
    event = record_event(
        session, actor, entity_type="evaluation_round", entity_id=found.id, demand_id=None,
        action="evaluation.reviewer", data={"user_id": user_id}, now=now,
    )  # fmt: skip
    announce(session, event, [user], say.reviewer_named(found))
    return reviewer


def indicators_of(session: Session, round_id: int) -> list[EvaluationIndicator]:
    return list(
        session.scalars(
            select(EvaluationIndicator)
            .where(EvaluationIndicator.round_id == round_id)
            .order_by(EvaluationIndicator.position)
        )
    )


def results_of(session: Session, round_id: int) -> list[EvaluationResult]:
    return list(
        session.scalars(
            select(EvaluationResult).where(EvaluationResult.round_id == round_id).order_by(EvaluationResult.id)
        )
    )


def compute(
    session: Session,
    actor: Actor,
    round_id: int,
    *,
    now: datetime | None = None,
    policy: EvaluationSettings | None = None,
) -> list[EvaluationResult]:
    """Fill the computed indicators of every evaluated unit (adding units new since the last run)."""
    now, policy = now or clock.now(), policy_or_default(policy)
    found = visible_round(session, actor, round_id, lock=True)
    _department(actor, "计算评价指标")
    _open(found, "重新计算")
    results = {(r.society_id, r.local_association_id): r for r in results_of(session, round_id)}
    for unit in participating_units(session):
        if (unit.society_id, unit.local_association_id) not in results:
            row = EvaluationResult(
                round_id=round_id, society_id=unit.society_id, local_association_id=unit.local_association_id
            )
            session.add(row)
            results[(unit.society_id, unit.local_association_id)] = row
    if not results:
        raise ValidationFailed("当前没有试点学会或示范县区可参加评价")
    session.flush()
    computed = [i for i in indicators_of(session, round_id) if i.source is IndicatorSource.COMPUTED]
    metrics = {i.metric for i in computed if i.metric is not None}
    start, end, due_day = found.period_start, found.period_end, get_settings().program.report_due_day
    unit_figures = {
        r.id: figures(
            session,
            unit_by_ids(session, r.society_id, r.local_association_id),
            start,
            end,
            metrics,
            now=now,
            due_day=due_day,
        )  # fmt: skip
        for r in results.values()
    }
    for row in results.values():
        values: dict[str, object] = {}
        for indicator in computed:
            assert indicator.metric is not None
            fig = unit_figures[row.id][indicator.metric]
            best = (
                max((f[indicator.metric].value or 0.0) for f in unit_figures.values())
                if indicator.metric in RELATIVE
                else 0.0
            )
            values[str(indicator.id)] = {
                "value": fig.value, "score": score_of(indicator.metric, fig, best, policy), "detail": fig.detail,
            }  # fmt: skip
        row.computed = values
    found.computed_at = now
    _event(session, actor, found, "evaluation.compute", now, data={"units": len(results)})
    return list(results.values())


def enter_scores(
    session: Session, actor: Actor, round_id: int, items: list[ScoreInput], *, now: datetime | None = None
) -> int:
    """The actor's own scores of entered indicators (new or changed); returns how many were stored."""
    now = now or clock.now()
    found = visible_round(session, actor, round_id, lock=True)
    if not is_reviewer(session, actor, round_id):
        raise PermissionDenied("只有本次评价指定的评审可以打分")
    _open(found, "打分")
    if not items:
        raise ValidationFailed("请填写至少一项得分")
    entered = {i.id for i in indicators_of(session, round_id) if i.source is IndicatorSource.ENTERED}
    results = {r.id for r in results_of(session, round_id)}
    for item in items:
        if item.indicator_id not in entered:
            raise ValidationFailed(
                f"指标 {item.indicator_id} 不是本次评价由评审打分的指标", fields={"field": "indicator_id"}
            )
        if item.result_id not in results:
            raise ValidationFailed(
                f"参评单位 {item.result_id} 不在本次评价中（请先计算指标）", fields={"field": "result_id"}
            )
    for item in items:
        comment = clean_text(item.comment, max_length=2000, label="评审意见")
        row = session.scalar(
            select(EvaluationScore).where(
                EvaluationScore.result_id == item.result_id,
                EvaluationScore.indicator_id == item.indicator_id,
                EvaluationScore.reviewer_user_id == actor.user_id,
            )
        )
        if row is None:
            assert actor.user_id is not None
            row = EvaluationScore(
                result_id=item.result_id, indicator_id=item.indicator_id, reviewer_user_id=actor.user_id
            )
            session.add(row)
        row.score, row.comment, row.entered_at = item.score, comment, now
    session.flush()
    _event(session, actor, found, "evaluation.score", now, data={"scores": len(items)})
    return len(items)


def publish(
    session: Session,
    actor: Actor,
    round_id: int,
    *,
    now: datetime | None = None,
    policy: EvaluationSettings | None = None,
) -> list[EvaluationResult]:
    """Fix every unit's score and grade, open the rectifications owed, and tell each unit its result."""
    now, policy = now or clock.now(), policy_or_default(policy)
    found = visible_round(session, actor, round_id, lock=True)
    _department(actor, "发布评价结果")
    _open(found, "发布")
    if found.computed_at is None:
        raise IllegalTransition("请先计算评价指标，再发布结果")
    indicators, results = indicators_of(session, round_id), results_of(session, round_id)
    totals = {r.id: total_of(indicator_scores(session, r, indicators), indicators) for r in results}
    missing = sum(1 for t in totals.values() if t is None)
    if missing:
        raise IllegalTransition(f"还有 {missing} 个参评单位的评审打分未完成，不能发布")
    found.status, found.published_at, found.published_by_user_id = RoundStatus.PUBLISHED, now, actor.user_id
    _event(session, actor, found, "evaluation.publish", now, data={"units": len(results)})
    for result in results:
        total = totals[result.id]
        assert total is not None
        result.score, result.grade, result.published_at = total, grade_of(total, policy), now
        session.flush()
        rectification = (
            open_rectification(session, result, now=now, policy=policy)
            if result.grade.value in policy.rectification_grades
            else None
        )
        event = record_event(
            session, actor, entity_type="evaluation_result", entity_id=result.id, demand_id=None,
            action="evaluation.result", to_state=result.grade.value, data={"score": str(total)}, now=now,
        )  # fmt: skip
        unit = unit_by_ids(session, result.society_id, result.local_association_id)
        notice = say.result_to_unit(found, result, GRADE_LABELS[result.grade], rectification)
        announce(session, event, unit_recipients(session, unit), notice)
    return results
