"""The programme package's foundations: its periods (Beijing months, due days) and its units."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from models import LocalAssociation, ProgressReport, Role
from program.periods import Month, last_completed, owed_months
from program.units import UnitKind, participating_units, record_visibility, unit_of_actor
from tests.factories import make_society

ROOT = Path(__file__).resolve().parents[2]


def test_months_are_beijing_months() -> None:
    # 16:30 UTC on 31 October is already 1 November in Beijing.
    assert Month.of(datetime(2026, 10, 31, 16, 30, tzinfo=UTC)) == Month(2026, 11)
    assert Month(2026, 11).start == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    assert Month(2026, 12).end == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    assert Month(2026, 12).next() == Month(2027, 1)
    assert Month(2027, 1).previous() == Month(2026, 12)


def test_a_report_is_due_by_the_end_of_the_due_day_of_the_next_month() -> None:
    november = Month(2026, 11)
    assert november.due_date(10) == date(2026, 12, 10)
    assert november.due_at(10) == datetime(2026, 12, 10, 16, 0, tzinfo=UTC)  # midnight Beijing
    assert Month(2026, 12).due_date(10) == date(2027, 1, 10)


def test_owed_months_are_the_completed_ones_newest_first() -> None:
    now = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    assert last_completed(now) == Month(2026, 11)
    assert owed_months(now, 3) == [Month(2026, 11), Month(2026, 10), Month(2026, 9)]


def test_participating_units_are_pilot_societies_and_demonstration_associations(session: Session) -> None:
    pilot = make_society(session, is_pilot=True)
    make_society(session, is_pilot=False)
    make_society(session, is_pilot=True, is_active=False)
    jinjiang = LocalAssociation(name="晋江市科协", region_code="350582")  # a demonstration area
    gulou = LocalAssociation(name="鼓楼区科协", region_code="350102")  # not one
    session.add_all([jinjiang, gulou])
    session.flush()
    units = participating_units(session)
    keys = {u.key for u in units}
    assert f"s{pilot.id}" in keys
    assert f"l{jinjiang.id}" in keys
    assert f"l{gulou.id}" not in keys
    assert all(u.kind is UnitKind.SOCIETY for u in units if u.key.startswith("s"))
    la_actor = Actor(user_id=None, role=Role.LOCAL_ASSOCIATION, region_code="350582")
    unit = unit_of_actor(session, la_actor)
    assert unit is not None
    assert unit.id == jinjiang.id


def test_record_visibility_keeps_units_to_their_own(session: Session) -> None:
    a, b = make_society(session, is_pilot=True), make_society(session, is_pilot=True)
    for society in (a, b):
        session.add(ProgressReport(society_id=society.id, year=2026, month=9, summary="九月", stats={}))
    session.flush()
    actor = Actor(user_id=None, role=Role.SOCIETY, society_id=a.id)
    seen = session.scalars(
        select(ProgressReport.society_id).where(
            record_visibility(session, actor, ProgressReport), ProgressReport.society_id.in_([a.id, b.id])
        )
    ).all()
    assert seen == [a.id]
    center = Actor(user_id=None, role=Role.CENTER)
    everything = session.scalars(
        select(ProgressReport.society_id).where(
            record_visibility(session, center, ProgressReport), ProgressReport.society_id.in_([a.id, b.id])
        )
    ).all()
    assert sorted(everything) == sorted([a.id, b.id])
    enterprise = Actor(user_id=None, role=Role.ENTERPRISE, enterprise_id=1)
    assert (
        session.scalars(select(ProgressReport).where(record_visibility(session, enterprise, ProgressReport))).all()
        == []
    )


def test_the_worker_imports_the_programme_tasks() -> None:
    code = (
        "from core.db import Database; from core.settings import Settings; "
        "from workflow.worker.runner import Worker; import sys; "
        "Worker(Database.from_url('sqlite://'), Settings(demo_data=False), engine=None); "
        "print('program.tasks' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("True")


def test_the_console_form_becomes_an_edit_or_a_chinese_refusal() -> None:
    from core.errors import ValidationFailed
    from program.report_schemas import edit_from_form

    edit = edit_from_form("进展", {"experts": "3", "amount": "1,200.5"}, {"experts": "漏登", "amount": "补充协议"})
    assert edit.summary == "进展"
    assert edit.corrections["experts"] is not None
    assert edit.corrections["experts"].reason == "漏登"
    assert edit.corrections["amount"] is not None
    assert str(edit.corrections["amount"].value) == "1200.5"
    assert edit.corrections["docked"] is None  # left empty: no correction
    for values, reasons, words in (
        ({"experts": "三"}, {"experts": "x"}, "须为数字"),
        ({"experts": "-1"}, {"experts": "x"}, "不小于 0"),
        ({"amount": "1.234"}, {"amount": "x"}, "最多两位小数"),
        ({"amount": "NaN"}, {"amount": "x"}, "不小于 0"),
        ({"amount": "1e40"}, {"amount": "x"}, "不小于 0"),
        ({"experts": "4"}, {}, "须说明理由"),
        ({"experts": "4"}, {"experts": "长" * 501}, "不能超过"),
    ):
        with pytest.raises(ValidationFailed, match=words):
            edit_from_form("", values, reasons)
