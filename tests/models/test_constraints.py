"""Constraints live in the database: bad rows are refused there even when Python is bypassed."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from models import Demand, InboundMessage, Offer, ProgressReport, User
from models.enums import Role
from tests.factories import make_demand, make_enterprise, make_society


def _insert_raw(session: Session, sql: str, **params: object) -> None:
    with session.begin_nested():
        session.execute(text(sql), params)


def _add_in_savepoint(session: Session, row: object) -> None:
    """Add and flush inside a SAVEPOINT, so a refused row leaves the test's transaction usable."""
    with session.begin_nested():
        session.add(row)
        session.flush()


def _message(msg_id: int, key: str) -> InboundMessage:
    return InboundMessage(msg_id=msg_id, dedupe_key=key, openid="o1", msg_type="text", raw_xml="<xml/>")


def test_duplicate_msgid_is_refused(session: Session) -> None:
    _add_in_savepoint(session, _message(6112233445566, "msg:1"))
    with pytest.raises(IntegrityError):
        _add_in_savepoint(session, _message(6112233445566, "msg:2"))


def test_unknown_county_code_is_refused_by_foreign_key(session: Session) -> None:
    with pytest.raises(IntegrityError):
        make_enterprise(session, region_code="359999")


def test_illegal_enum_value_is_refused_by_check_constraint(session: Session) -> None:
    demand = make_demand(session)
    with pytest.raises(IntegrityError):
        _insert_raw(session, "UPDATE demands SET status = 'teleported' WHERE id = :id", id=demand.id)


def test_illegal_enum_value_is_refused_in_python_too(session: Session) -> None:
    demand = make_demand(session)
    demand.status = "teleported"  # type: ignore[assignment]
    with pytest.raises(StatementError):
        _add_in_savepoint(session, demand)


def test_credit_code_must_have_18_characters_in_the_database(session: Session) -> None:
    with pytest.raises(IntegrityError):
        _insert_raw(
            session,
            "INSERT INTO enterprises (name, credit_code, region_code, industry, profile, is_government, "
            "created_at, updated_at) VALUES ('x', '123', '350582', '', '{}', false, CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP)",
        )


def test_budget_range_must_be_ordered(session: Session) -> None:
    with pytest.raises(IntegrityError), session.begin_nested():
        make_demand(session, budget_min=50, budget_max=10)


def test_non_draft_demand_needs_a_category(session: Session) -> None:
    with pytest.raises(IntegrityError), session.begin_nested():
        make_demand(session, category=None)
    draft_id = make_demand(session, category=None, status="draft").id
    session.expire_all()
    stored = session.get(Demand, draft_id)
    assert stored is not None
    assert stored.category is None


def test_one_offer_per_society_and_demand(session: Session) -> None:
    demand = make_demand(session)
    society = make_society(session)
    session.add(Offer(demand_id=demand.id, society_id=society.id, rank=1, score=0.5))
    session.flush()
    with pytest.raises(IntegrityError):
        _add_in_savepoint(session, Offer(demand_id=demand.id, society_id=society.id, rank=2, score=0.4))


def test_society_user_needs_a_society_scope(session: Session) -> None:
    with pytest.raises(IntegrityError):
        _add_in_savepoint(session, User(username="s1", display_name="学会用户", role=Role.SOCIETY))


def test_progress_report_belongs_to_exactly_one_organisation(session: Session) -> None:
    with pytest.raises(IntegrityError):
        _add_in_savepoint(session, ProgressReport(year=2026, month=10, summary="无归属"))
    society = make_society(session)
    with pytest.raises(IntegrityError):
        _add_in_savepoint(session, ProgressReport(society_id=society.id, year=2026, month=13, summary="十三月"))
