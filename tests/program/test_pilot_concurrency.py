"""Pilot moves at the same moment on real connections: one decision wins, the last survey always closes the survey."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from accounts import Actor
from core.db import Database
from core.errors import DomainError
from models import (
    AuditEvent,
    LocalAssociation,
    PilotApplication,
    PilotStatus,
    PilotSurvey,
    Role,
)
from program import pilot_decisions, pilots
from program.pilot_schemas import DecisionIn, SurveyIn
from tests.factories import make_expert, make_society, make_user

NOW = datetime(2026, 12, 1, 2, tzinfo=UTC)


def _at_once(calls: list[Callable[[], None]]) -> list[str]:
    start, outcomes = threading.Barrier(len(calls)), []

    def run(call: Callable[[], None]) -> None:
        start.wait()
        try:
            call()
            outcomes.append("done")
        except DomainError as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(outcomes)


def test_two_decisions_at_once_record_one(fresh_database: Database) -> None:
    with fresh_database.unit_of_work() as session:
        society = make_society(session, is_active=False)
        application = PilotApplication(
            society_id=society.id, year=2027, title="并发申报", status=PilotStatus.RECOMMENDED
        )
        session.add(application)
        session.flush()
        app_id, society_id = application.id, society.id
        actors = [Actor.of_user(make_user(session, Role.DEPARTMENT)) for _ in range(2)]

    def decide(actor: Actor, selected: bool) -> Callable[[], None]:
        def call() -> None:
            decision = DecisionIn(selected=selected, meeting_date=date(2026, 11, 30), meeting_number="第12次")
            with fresh_database.unit_of_work() as session:
                pilot_decisions.decide(session, actor, app_id, decision, now=NOW)

        return call

    assert _at_once([decide(actors[0], True), decide(actors[1], False)]) == ["IllegalTransition", "done"]
    with fresh_database.read_session() as session:
        decided = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "pilot.decide")
        assert session.scalar(decided) == 1
        status = session.scalar(select(PilotApplication.status).where(PilotApplication.id == app_id))
        from models import Society

        pilot = session.scalar(select(Society.is_pilot).where(Society.id == society_id))
        assert (status is PilotStatus.SELECTED) == bool(pilot)


def test_the_last_two_surveys_filed_at_once_close_the_survey(fresh_database: Database) -> None:
    with fresh_database.unit_of_work() as session:
        association = LocalAssociation(name="永春县科学技术协会", region_code="350525")
        session.add(association)
        session.flush()
        application = PilotApplication(
            local_association_id=association.id, year=2027, title="永春县申报", status=PilotStatus.FORMAT_PASSED
        )
        session.add(application)
        session.flush()
        experts = [make_user(session, Role.EXPERT, expert_id=make_expert(session).id) for _ in range(2)]
        for user in experts:
            session.add(PilotSurvey(application_id=application.id, expert_user_id=user.id))
        app_id, actors = application.id, [Actor.of_user(u) for u in experts]
    form = SurveyIn(layout_score=4, demand_score=5, effect_score=4, foundation_score=3, comments="产业集中")

    def file(actor: Actor) -> Callable[[], None]:
        def call() -> None:
            with fresh_database.unit_of_work() as session:
                pilots.file_survey(session, actor, app_id, form, now=NOW)

        return call

    assert _at_once([file(a) for a in actors]) == ["done", "done"]
    with fresh_database.read_session() as session:
        status = session.scalar(select(PilotApplication.status).where(PilotApplication.id == app_id))
        assert status is PilotStatus.SURVEYED
