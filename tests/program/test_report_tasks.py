"""Reminders before the due day, the overdue notice and the escalation to the center, on a fake clock;
each told once however often the worker runs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.settings import ProgramSettings, Settings
from models import AuditEvent, Notification, ProgressReport, ReportStatus
from program.report_tasks import chase_overdue_reports, remind_reports
from tests.program.world import World, bj
from workflow.jobs import PERIODIC, JobContext


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    program = ProgramSettings(
        report_due_day=10, report_reminder_days=3, report_escalation_days=5, report_lookback_months=1
    )
    return Settings(data_dir=tmp_path / "var", demo_data=False, program=program)


@pytest.fixture
def november(world: World, session: Session) -> World:
    """Society B handed in its November report; Jinjiang has a draft; society A has nothing."""
    session.add_all(
        [
            ProgressReport(
                society_id=world.society_b.id,
                year=2026,
                month=11,
                summary="十一月进展",
                stats={},
                status=ReportStatus.SUBMITTED,
                submitted_at=bj(12, 3),
                first_submitted_at=bj(12, 3),
            ),
            ProgressReport(
                local_association_id=world.jinjiang.id,
                year=2026,
                month=11,
                summary="",
                stats={},
                status=ReportStatus.DRAFT,
            ),
        ]
    )
    session.flush()
    return world


def run(task: object, session: Session, settings: Settings, at: datetime) -> int:
    assert callable(task)
    count = task(session, JobContext(engine=None, settings=settings, now=at))
    session.flush()
    assert isinstance(count, int)
    return count


def notices(session: Session, kind: str) -> list[tuple[int | None, str]]:
    rows = session.execute(
        select(Notification.recipient_user_id, Notification.payload).where(Notification.kind == kind)
    ).all()
    return sorted((user, payload["text"]) for user, payload in rows)


def test_the_tasks_are_registered_with_the_worker() -> None:
    import program.tasks  # noqa: F401 - what the worker imports

    assert PERIODIC["program.remind_reports"][1] is remind_reports
    assert PERIODIC["program.chase_overdue_reports"][1] is chase_overdue_reports


def test_units_are_reminded_once_within_the_days_before_the_due_day(
    november: World, session: Session, settings: Settings
) -> None:
    world = november
    assert run(remind_reports, session, settings, bj(12, 6)) == 0  # too early
    assert run(remind_reports, session, settings, bj(12, 8)) == 2
    assert run(remind_reports, session, settings, bj(12, 9)) == 0  # once
    told = notices(session, "report.reminder")
    assert [user for user, _ in told] == sorted([world.users["society_a"].id, world.users["jinjiang"].id])
    assert all("12月10日前报送" in text for _, text in told)
    assert run(remind_reports, session, settings, bj(12, 11, 1)) == 0  # the due day is over: no reminder


def test_overdue_units_are_told_and_escalated_to_the_center_once(
    november: World, session: Session, settings: Settings
) -> None:
    world = november
    assert run(chase_overdue_reports, session, settings, bj(12, 10, 23)) == 0  # still the due day
    assert run(chase_overdue_reports, session, settings, bj(12, 11, 1)) == 2
    assert run(chase_overdue_reports, session, settings, bj(12, 12)) == 0
    assert [u for u, _ in notices(session, "report.overdue")] == sorted(
        [world.users["society_a"].id, world.users["jinjiang"].id]
    )
    assert notices(session, "report.escalated") == []
    assert run(chase_overdue_reports, session, settings, bj(12, 15, 23)) == 0  # four days overdue
    assert run(chase_overdue_reports, session, settings, bj(12, 16, 1)) == 2  # five: the center is told
    assert run(chase_overdue_reports, session, settings, bj(12, 20)) == 0
    escalated = notices(session, "report.escalated")
    assert [u for u, _ in escalated] == [world.users["center"].id] * 2
    texts = " ".join(t for _, t in escalated)
    assert world.society_a.name in texts
    assert "晋江市科协" in texts
    assert "逾期5天" in texts


def test_a_report_handed_in_late_leaves_the_overdue_list(november: World, session: Session, client: TestClient) -> None:
    world = november

    def overdue(who: str, at: datetime) -> list[dict[str, object]]:
        with clock.frozen_at(at):
            response = client.get("/api/program/reports/overdue", headers=world.headers(who, at))
        assert response.status_code == 200, response.text
        body: list[dict[str, object]] = response.json()
        return body

    assert overdue("center", bj(12, 10, 23)) == []
    first = overdue("center", bj(12, 16, 1))
    rows = [(r["unit"]["name"], r["days_overdue"], r["escalated"]) for r in first]  # type: ignore[index]
    assert rows == [(world.society_a.name, 5, True), ("晋江市科协", 5, True)]  # societies first
    jinjiang_row = next(r for r in first if r["unit"]["name"] == "晋江市科协")  # type: ignore[index]
    assert jinjiang_row["status_label"] == "草稿"
    assert jinjiang_row["report_id"] is not None
    own = overdue("society_a", bj(12, 16, 1))
    assert [r["unit"]["name"] for r in own] == [world.society_a.name]  # type: ignore[index]
    assert overdue("society_b", bj(12, 16, 1)) == []

    report_id = jinjiang_row["report_id"]
    with clock.frozen_at(bj(12, 17)):
        headers = world.headers("jinjiang", bj(12, 17))
        client.patch(f"/api/program/reports/{report_id}", json={"summary": "补报十一月进展"}, headers=headers)
        submitted = client.post(f"/api/program/reports/{report_id}/submit", headers=headers)
    assert submitted.json()["on_time"] is False
    later = overdue("center", bj(12, 18))
    assert [r["unit"]["name"] for r in later] == [world.society_a.name]  # type: ignore[index]


def test_the_escalation_is_an_audit_event_recorded_once(november: World, session: Session, settings: Settings) -> None:
    world = november

    def escalations() -> list[tuple[str, int, str, dict[str, object]]]:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.action == "report.escalate")).all()
        return sorted((e.entity_type, e.entity_id, e.actor_role.value, e.data) for e in rows)

    run(chase_overdue_reports, session, settings, bj(12, 11, 1))  # overdue, not yet escalated
    assert escalations() == []
    run(chase_overdue_reports, session, settings, bj(12, 16, 1))
    draft = session.scalar(select(ProgressReport.id).where(ProgressReport.local_association_id == world.jinjiang.id))
    first = escalations()
    assert [(kind, unit, role) for kind, unit, role, _ in first] == [
        ("local_association", world.jinjiang.id, "system"),
        ("society", world.society_a.id, "system"),
    ]
    jinjiang, society_a = first[0][3], first[1][3]
    assert (jinjiang["month"], jinjiang["report_id"], jinjiang["days_overdue"]) == ("2026-11", draft, 5)
    assert (society_a["month"], society_a["report_id"], society_a["due_date"]) == ("2026-11", None, "2026-12-10")
    assert run(chase_overdue_reports, session, settings, bj(12, 16, 2)) == 0  # the next run
    run(chase_overdue_reports, session, settings, bj(12, 25))
    assert escalations() == first
