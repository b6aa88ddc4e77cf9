"""A unit owes monthly reports only for the months that begin on or after the day it was selected
(``Society.pilot_since`` / ``Region.demonstration_since``, set by the selection); units from before
selections were recorded owe every month looked back at, as before."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.settings import Settings
from models import (
    EvaluationGrade,
    EvaluationResult,
    EvaluationRound,
    Notification,
    PilotApplication,
    PilotStatus,
    Region,
    Society,
)
from program.report_tasks import chase_overdue_reports, remind_reports
from tests.program.world import World, bj
from workflow.jobs import JobContext

GULOU = "鼓楼区科协"


def _select(client: TestClient, world: World, session: Session, kind: str, at: datetime) -> tuple[str, str]:
    """The department selects society C or Gulou (an ordinary district) at ``at``: (name, staff user)."""
    if kind == "society":
        application = PilotApplication(
            society_id=world.society_c.id, year=2027, title="试点学会申报", status=PilotStatus.RECOMMENDED
        )
        name, staff = world.society_c.name, "society_c"
    else:
        application = PilotApplication(
            local_association_id=world.gulou.id, year=2027, title="示范县区申报", status=PilotStatus.RECOMMENDED
        )
        name, staff = GULOU, "gulou"
    session.add(application)
    session.flush()
    decision = {"selected": True, "meeting_date": "2026-11-14", "meeting_number": "第12次"}
    with clock.frozen_at(at):
        response = client.post(
            f"/api/pilot-applications/{application.id}/decision", json=decision, headers=world.headers("department", at)
        )
    assert response.status_code == 200, response.text
    session.expire_all()
    return name, staff


def _get(client: TestClient, world: World, who: str, path: str, at: datetime) -> object:
    with clock.frozen_at(at):
        response = client.get(path, headers=world.headers(who, at))
    assert response.status_code == 200, response.text
    return response.json() if response.headers["content-type"].startswith("application/json") else response.content


def _overdue(client: TestClient, world: World, at: datetime) -> list[tuple[str, str]]:
    body = _get(client, world, "center", "/api/program/reports/overdue", at)
    assert isinstance(body, list)
    return sorted((r["unit"]["name"], r["month_label"]) for r in body)


def _told(session: Session, user_id: int, kind: str) -> list[str]:
    rows = session.scalars(
        select(Notification.payload).where(Notification.kind == kind, Notification.recipient_user_id == user_id)
    ).all()
    return sorted(p["text"] for p in rows)


def _run(task: object, session: Session, settings: Settings, at: datetime) -> int:
    assert callable(task)
    count = task(session, JobContext(engine=None, settings=settings, now=at))
    session.flush()
    assert isinstance(count, int)
    return count


@pytest.mark.parametrize("kind", ["society", "county"])
def test_a_newly_selected_unit_owes_from_the_first_full_month_after_its_selection(
    kind: str, client: TestClient, world: World, session: Session, settings: Settings
) -> None:
    name, staff = _select(client, world, session, kind, bj(11, 15))
    if kind == "society":
        assert session.get_one(Society, world.society_c.id).pilot_since.isoformat() == "2026-11-15"  # type: ignore[union-attr]
    else:
        assert session.get_one(Region, "350102").demonstration_since.isoformat() == "2026-11-15"  # type: ignore[union-attr]
    staff_id = world.users[staff].id

    # December: September to November are looked back at; the unit owes none of them.
    december = bj(12, 16, 1)
    overdue = _overdue(client, world, december)
    assert (world.society_a.name, "2026年11月") in overdue  # a pilot from before keeps owing
    assert [month for unit, month in overdue if unit == name] == []
    overview = _get(client, world, "center", "/api/program/overview", december)
    assert isinstance(overview, dict)
    row = next(r for r in overview["rows"] if r["unit"]["name"] == name)
    assert (row["report_status_label"], row["overdue_reports"], row["report_overdue"]) == ("无需报送", 0, False)
    book = _get(client, world, "department", "/api/program/reports/export?year=2026&month=11", december)
    assert isinstance(book, bytes)
    units = [r[0] for r in list(load_workbook(io.BytesIO(book)).active.iter_rows(values_only=True))[1:]]
    assert world.society_a.name in units
    assert name not in units
    assert _run(remind_reports, session, settings, bj(12, 8)) >= 1  # society A is reminded
    assert _run(chase_overdue_reports, session, settings, bj(12, 16, 1)) >= 1
    assert _told(session, staff_id, "report.reminder") == []
    assert _told(session, staff_id, "report.overdue") == []

    # January 2027: December, the first full month after the selection, is owed.
    assert _run(remind_reports, session, settings, bj(1, 8, year=2027)) >= 1
    assert [t for t in _told(session, staff_id, "report.reminder") if "2026年12月" in t] != []
    assert [month for unit, month in _overdue(client, world, bj(1, 11, 1, year=2027)) if unit == name] == ["2026年12月"]


def test_a_disqualified_unit_owes_nothing_after_its_decision_and_from_a_new_selection_on(
    client: TestClient, world: World, session: Session, settings: Settings
) -> None:
    society = world.society_b
    found = EvaluationRound(title="2026年度", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))
    session.add(found)
    session.flush()
    result = EvaluationResult(
        round_id=found.id, society_id=society.id, grade=EvaluationGrade.FAIL, published_at=bj(11, 30)
    )
    session.add(result)
    session.flush()
    decided = bj(12, 5)
    decision = {
        "result_id": result.id,
        "document_no": "闽科协〔2026〕9号",
        "document_date": "2026-12-04",
        "reason": "不合格",
    }
    with clock.frozen_at(decided):
        response = client.post("/api/disqualifications", json=decision, headers=world.headers("department", decided))
    assert response.status_code == 201, response.text
    staff_id = world.users["society_b"].id

    # January 2027: October to December are looked back at; the decision was taken in December.
    january = bj(1, 16, 1, year=2027)
    assert [m for unit, m in _overdue(client, world, january) if unit == society.name] == []
    assert (world.society_a.name, "2026年12月") in _overdue(client, world, january)
    assert _run(chase_overdue_reports, session, settings, january) >= 1
    assert _told(session, staff_id, "report.overdue") == []

    # Selected again on 10 February: December to February began before that, so nothing is owed.
    application = PilotApplication(society_id=society.id, year=2027, title="再次申报", status=PilotStatus.RECOMMENDED)
    session.add(application)
    session.flush()
    again = bj(2, 10, year=2027)
    choice = {"selected": True, "meeting_date": "2027-02-09", "meeting_number": "第3次"}
    with clock.frozen_at(again):
        response = client.post(
            f"/api/pilot-applications/{application.id}/decision",
            json=choice,
            headers=world.headers("department", again),
        )
    assert response.status_code == 200, response.text
    march = bj(3, 16, 1, year=2027)
    assert [m for unit, m in _overdue(client, world, march) if unit == society.name] == []
    assert (world.society_a.name, "2027年2月") in _overdue(client, world, march)
    assert _run(chase_overdue_reports, session, settings, march) >= 1
    assert _told(session, staff_id, "report.overdue") == []
    april = bj(4, 11, 1, year=2027)
    assert [m for unit, m in _overdue(client, world, april) if unit == society.name] == ["2027年3月"]
