"""The one offer-eligibility rule: a society that lost its pilot qualification gets no new offers, until
it is selected as a pilot again; the center's reroute list follows the same rule."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts import Actor
from directory.societies import SocietyFilters, list_societies
from models import Disqualification, EvaluationGrade, EvaluationResult, EvaluationRound, Role, Society
from program.eligibility import offerable_society
from tests.factories import make_society, make_user


def _disqualified(session: Session) -> Society:
    society = make_society(session, is_pilot=False)
    found = EvaluationRound(title="2026年度", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))
    session.add(found)
    session.flush()
    result = EvaluationResult(
        round_id=found.id,
        society_id=society.id,
        grade=EvaluationGrade.FAIL,
        published_at=datetime(2027, 1, 1, tzinfo=UTC),
    )
    session.add(result)
    session.flush()
    session.add(
        Disqualification(
            society_id=society.id, result_id=result.id, document_no="闽科协〔2027〕1号", document_date=date(2027, 1, 5),
            reason="不合格",
        )
    )  # fmt: skip
    session.flush()
    return society


def _offerable(session: Session, *ids: int) -> set[int]:
    return set(session.scalars(select(Society.id).where(Society.id.in_(ids), offerable_society())))


def test_a_disqualified_society_is_not_offerable_until_selected_again(session: Session) -> None:
    plain, out = make_society(session), _disqualified(session)
    retired = make_society(session, is_active=False)
    assert _offerable(session, plain.id, out.id, retired.id) == {plain.id}
    center = Actor.of_user(make_user(session, Role.CENTER))
    listed = {s.id for s in list_societies(session, center, SocietyFilters(offerable=True), size=1000).items}
    assert plain.id in listed
    assert out.id not in listed
    out.is_pilot = True  # a later pilot selection
    session.flush()
    assert _offerable(session, plain.id, out.id) == {plain.id, out.id}
