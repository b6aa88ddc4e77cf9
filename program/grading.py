"""A unit's score and grade in a round: indicator scores, their weighted mean, the grade thresholds.

An indicator computed from Zhuli's data scores what :func:`program.indicators.score_of` gave it; an
entered one the mean of its reviewers' scores. The total is the weighted mean over the round's
indicators (missing while any is unscored); the grade follows the thresholds of
:class:`core.settings.EvaluationSettings` (the one home of 优秀 / 良好 / 合格 / 不合格).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.settings import EvaluationSettings
from models import EvaluationGrade, EvaluationIndicator, EvaluationResult, EvaluationScore, IndicatorSource

GRADE_LABELS = {
    EvaluationGrade.EXCELLENT: "优秀",
    EvaluationGrade.GOOD: "良好",
    EvaluationGrade.PASS: "合格",
    EvaluationGrade.FAIL: "不合格",
}


def grade_of(score: Decimal, policy: EvaluationSettings) -> EvaluationGrade:
    if score >= Decimal(str(policy.excellent_from)):
        return EvaluationGrade.EXCELLENT
    if score >= Decimal(str(policy.good_from)):
        return EvaluationGrade.GOOD
    if score >= Decimal(str(policy.pass_from)):
        return EvaluationGrade.PASS
    return EvaluationGrade.FAIL


def indicator_scores(
    session: Session, result: EvaluationResult, indicators: list[EvaluationIndicator]
) -> dict[int, float | None]:
    """Each indicator's 0–100 score for the result (None: an entered one nobody scored yet)."""
    rows = session.execute(
        select(EvaluationScore.indicator_id, func.avg(EvaluationScore.score))
        .where(EvaluationScore.result_id == result.id)
        .group_by(EvaluationScore.indicator_id)
    ).all()
    means: dict[int, Decimal] = {row[0]: row[1] for row in rows}
    out: dict[int, float | None] = {}
    for i in indicators:
        if i.source is IndicatorSource.COMPUTED:
            cell = (result.computed or {}).get(str(i.id))
            out[i.id] = float(cell["score"]) if cell else None
        else:
            mean = means.get(i.id)
            out[i.id] = round(float(mean), 2) if mean is not None else None
    return out


def total_of(scores: dict[int, float | None], indicators: list[EvaluationIndicator]) -> Decimal | None:
    """The weighted mean of the indicator scores; None while one is missing."""
    if any(scores.get(i.id) is None for i in indicators):
        return None
    weight = sum((i.weight for i in indicators), Decimal(0))
    total = sum((Decimal(str(scores[i.id])) * i.weight for i in indicators), Decimal(0)) / weight
    return total.quantize(Decimal("0.01"))
