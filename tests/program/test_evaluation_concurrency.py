"""Two departments publishing the same round at the same moment, on real connections: one publication."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from accounts import Actor
from core.db import Database
from core.errors import DomainError
from models import AuditEvent, Rectification, Role
from program import evaluations
from program.evaluations import IndicatorInput, RoundInput
from tests.factories import make_society, make_user

NOW = datetime(2027, 1, 10, 2, tzinfo=UTC)


def test_two_publishes_at_once_publish_once(fresh_database: Database) -> None:
    with fresh_database.unit_of_work() as session:
        make_society(session, is_pilot=True)
        department = Actor.of_user(make_user(session, Role.DEPARTMENT))
        other = Actor.of_user(make_user(session, Role.DEPARTMENT))
        rate = IndicatorInput(name="对接率", weight=100, source="computed", metric="docking_rate")
        data = RoundInput(
            title="并发测试", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), indicators=[rate]
        )
        round_id = evaluations.create_round(session, department, data, now=NOW).id
        evaluations.compute(session, department, round_id, now=NOW)
    start, outcomes = threading.Barrier(2), []

    def publish(actor: Actor) -> None:
        start.wait()
        try:
            with fresh_database.unit_of_work() as session:
                evaluations.publish(session, actor, round_id, now=NOW)
            outcomes.append("published")
        except DomainError as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=publish, args=(a,)) for a in (department, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["IllegalTransition", "published"]
    with fresh_database.read_session() as session:
        published = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "evaluation.publish")
        assert session.scalar(published) == 1
        assert session.scalar(select(func.count()).select_from(Rectification)) == 1  # the 0-score society owes one
