"""The unit of work commits on success and rolls back on error, on real connections."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from core.db import Database
from directory.profiles import SocietyIn, upsert_society
from models import Society


def _count(db: Database) -> int:
    with db.unit_of_work() as s:
        return s.scalar(select(func.count()).select_from(Society)) or 0


def test_unit_of_work_commits_on_success(fresh_database: Database) -> None:
    with fresh_database.unit_of_work() as s:
        upsert_society(s, SocietyIn(code="TEA", name="福建省茶叶学会"))
    assert _count(fresh_database) == 1


def _write_then_fail(db: Database) -> None:
    with db.unit_of_work() as s:
        upsert_society(s, SocietyIn(code="TEA", name="福建省茶叶学会"))
        raise RuntimeError("boom")


def test_unit_of_work_rolls_back_on_error(fresh_database: Database) -> None:
    with pytest.raises(RuntimeError):
        _write_then_fail(fresh_database)
    assert _count(fresh_database) == 0


def test_concurrent_writers_both_succeed(fresh_database: Database) -> None:
    """Two threads writing at once: both commit (SQLite serialises them with BEGIN IMMEDIATE)."""
    errors: list[BaseException] = []

    def write(code: str) -> None:
        try:
            for i in range(10):
                with fresh_database.unit_of_work() as s:
                    s.scalar(select(func.count()).select_from(Society))  # read, then write
                    upsert_society(s, SocietyIn(code=f"{code}{i}", name=f"学会{code}{i}"))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(c,)) for c in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _count(fresh_database) == 20


def test_an_open_read_session_does_not_hold_up_writers(fresh_database: Database) -> None:
    """A long read (an index build, a page) runs beside writes instead of making them queue."""
    with fresh_database.read_session() as reader:
        assert reader.scalar(select(func.count()).select_from(Society)) == 0  # transaction open
        done = threading.Event()

        def write() -> None:
            with fresh_database.unit_of_work() as s:
                upsert_society(s, SocietyIn(code="TEA", name="福建省茶叶学会"))
            done.set()

        writer = threading.Thread(target=write)
        writer.start()
        assert done.wait(10), "the writer waited for the reader"
        writer.join()
    assert _count(fresh_database) == 1


def test_a_read_session_never_commits(fresh_database: Database) -> None:
    with fresh_database.read_session() as reader:
        reader.add(Society(code="X1", name="不该留下的学会"))
        reader.flush()
    assert _count(fresh_database) == 0
