"""The programme's desks have work waiting at the load time, and the public list shows the selections."""

from __future__ import annotations

from sqlalchemy import select

from accounts import Actor
from core.settings import ProgramSettings
from models import PilotApplication, PilotStatus, ProgressReport, ReportStatus, User
from program.pilot_views import public_list
from program.report_standing import overdue_reports
from tests.demo.conftest import LOAD_AT, DemoWorld


def test_the_centers_report_desk_has_reviews_waiting_one_return_and_one_overdue_unit(demo_world: DemoWorld) -> None:
    db = demo_world.session
    reports = db.scalars(select(ProgressReport)).all()
    assert all(r.submitted_at is not None and r.submitted_at < LOAD_AT for r in reports)
    assert all(r.reviewed_at is None or r.submitted_at < r.reviewed_at < LOAD_AT for r in reports)  # type: ignore[operator]
    waiting = [r for r in reports if r.status is ReportStatus.SUBMITTED]
    assert waiting
    assert all(r.reviewed_at is None for r in waiting)
    returned = [r for r in reports if r.status is ReportStatus.RETURNED]
    assert len(returned) == 1
    assert returned[0].review_reason
    center = Actor.of_user(db.scalars(select(User).where(User.username == "center-ops")).one())
    overdue = overdue_reports(db, center, now=LOAD_AT, policy=ProgramSettings())
    # Every participating unit reported except one; the returned report is late until it comes back.
    assert sorted(o.status_label for o in overdue) == sorted(["未报送", ReportStatus.RETURNED.label])
    assert {(o.year, o.month) for o in overdue} == {(2026, 10)}


def test_the_public_list_shows_the_selected_pilots_a_week_after_the_meeting(demo_world: DemoWorld) -> None:
    db = demo_world.session
    selected = db.scalars(select(PilotApplication).where(PilotApplication.status == PilotStatus.SELECTED)).all()
    listed = public_list(db)
    assert len(listed) == len(selected) >= 2
    assert {p.kind_label for p in listed} == {"试点学会", "示范县（市、区）"}
    assert all(p.meeting_date is not None and p.published_at.date() > p.meeting_date for p in listed)
    assert all(a.submitted_at is not None and a.submitted_at < LOAD_AT for a in db.scalars(select(PilotApplication)))
