"""The computed indicators of an evaluated unit, read from real rows (both backends)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from core.settings import EvaluationSettings
from models import Evaluation, EvaluationGrade, ProgressReport
from program.evaluation_views import latest_evaluations
from program.indicators import Figure, figures, score_of
from program.rectification import add_months
from program.units import unit_by_ids
from tests.factories import make_society


def _report(session: Session, society_id: int, month: int, first: datetime) -> None:
    session.add(
        ProgressReport(
            society_id=society_id, year=2026, month=month, summary="进展", first_submitted_at=first, submitted_at=first
        )
    )


def test_punctuality_counts_reports_first_handed_in_by_the_reports_due_day(session: Session) -> None:
    society = make_society(session, is_pilot=True)
    _report(session, society.id, 1, datetime(2026, 2, 10, 15, 59, tzinfo=UTC))  # 23:59 Beijing on the 10th: in time
    _report(session, society.id, 2, datetime(2026, 3, 10, 16, 0, tzinfo=UTC))  # 00:00 on the 11th: late
    session.flush()  # March never handed in; April not due yet on 20 April
    unit = unit_by_ids(session, society.id, None)
    now = datetime(2026, 4, 20, 2, tzinfo=UTC)
    got = figures(session, unit, date(2026, 1, 1), date(2026, 4, 30), {"punctuality"}, now=now, due_day=10)
    assert got["punctuality"] == Figure(1 / 3, "应报 3 期，按时 1 期")
    assert score_of("punctuality", got["punctuality"], 0.0, EvaluationSettings()) == 33.33


def test_scores_of_figures_follow_their_rules() -> None:
    policy = EvaluationSettings(docking_target_days=30)
    assert score_of("docking_days", Figure(20.0, ""), 0.0, policy) == 100.0
    assert score_of("docking_days", Figure(60.0, ""), 0.0, policy) == 50.0
    assert score_of("contracts", Figure(2.0, ""), 8.0, policy) == 25.0
    assert score_of("rating", Figure(4.5, ""), 0.0, policy) == 90.0
    assert score_of("docking_rate", Figure(None, "期内无推荐的需求"), 0.0, policy) == 0.0


def test_rectification_is_due_three_months_later_even_at_a_month_end() -> None:
    assert add_months(date(2027, 1, 10), 3) == date(2027, 4, 10)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 10, 31), 3) == date(2028, 1, 31)


def test_the_overview_falls_back_to_the_annual_evaluation_of_a_unit_without_a_round(session: Session) -> None:
    society = make_society(session, is_pilot=True)
    session.add(
        Evaluation(
            society_id=society.id, year=2025, score=Decimal("55.00"), grade=EvaluationGrade.FAIL,
            rectification_due=date(2026, 6, 20),
        )
    )  # fmt: skip
    session.flush()
    latest = latest_evaluations(session, now=datetime(2026, 7, 1, tzinfo=UTC))[f"s{society.id}"]
    assert (latest.title, latest.grade_label, latest.rectification_overdue) == ("2025年度绩效评价", "不合格", True)
