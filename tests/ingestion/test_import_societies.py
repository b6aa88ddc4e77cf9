from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.profiles import SocietyIn, upsert_society
from ingestion.importer import import_societies
from models import ProfileChange, Society
from tests.ingestion.sheets import write_csv, write_xlsx

HEADER = ["学会编号", "学会名称", "学科", "简介", "服务产业", "联系人", "联系电话", "是否试点"]
ROWS = [
    ["BAT", "福建省电池学会", "工程", "服务锂电池与储能产业", "锂电池、储能；新能源", "张三", "0591-87654321", "是"],
    ["TEA", "福建省茶叶学会", "农学", "茶产业技术服务", "茶", "李四", "13812345678", "否"],
]


def _societies(session: Session) -> dict[str, Society]:
    stmt = select(Society).execution_options(populate_existing=True)
    return {s.code: s for s in session.scalars(stmt)}


def test_societies_are_created_from_xlsx(session: Session, tmp_path: Path) -> None:
    changes = session.scalar(select(func.count()).select_from(ProfileChange)) or 0
    report = import_societies(session, write_xlsx(tmp_path / "s.xlsx", [HEADER, *ROWS]))
    assert report.status == "imported", report.to_text()
    assert report.created == 2
    bat = _societies(session)["BAT"]
    assert (bat.name, bat.discipline, bat.industries) == ("福建省电池学会", "工程", ["锂电池", "储能", "新能源"])
    assert (bat.contact_name, bat.contact_phone, bat.is_pilot, bat.is_active) == ("张三", "0591-87654321", True, True)
    assert _societies(session)["TEA"].is_pilot is False
    assert session.scalar(select(func.count()).select_from(ProfileChange)) == changes + 2


def test_society_update_and_reimport(session: Session, tmp_path: Path) -> None:
    import_societies(session, write_csv(tmp_path / "v1.csv", [HEADER, *ROWS]))
    assert import_societies(session, write_csv(tmp_path / "v1b.csv", [HEADER, *ROWS])).unchanged == 2
    rows = [list(r) for r in ROWS]
    rows[1][7] = "是"
    report = import_societies(session, write_csv(tmp_path / "v2.csv", [HEADER, *rows]))
    assert [(r.code, r.action, r.changed) for r in report.rows] == [
        ("BAT", "unchanged", []),
        ("TEA", "updated", ["是否试点"]),
    ]
    assert _societies(session)["TEA"].is_pilot is True


def test_society_names_must_stay_unique(session: Session, tmp_path: Path) -> None:
    upsert_society(session, SocietyIn(code="OLD", name="福建省茶叶学会"))
    rows = [*ROWS, ["BAT2", "福建省电池学会", "", "", "", "", "", ""]]
    report = import_societies(session, write_csv(tmp_path / "s.csv", [HEADER, *rows]))
    assert report.status == "rejected"
    assert {(e.row, e.column, e.problem) for e in report.errors} == {
        (3, "学会名称", "学会名称「福建省茶叶学会」已被编号为「OLD」的学会使用"),
        (4, "学会名称", "学会名称「福建省电池学会」与第 2 行重复"),
    }
    assert set(_societies(session)) == {"OLD"}


def test_bad_flags_and_phones_are_reported(session: Session, tmp_path: Path) -> None:
    rows = [["X1", "福建省某学会", "", "", "", "", "电话待定", "也许"], ["X2", "甲", "", "", "", "", "", ""]]
    report = import_societies(session, write_csv(tmp_path / "s.csv", [HEADER, *rows]))
    assert {(e.row, e.cell) for e in report.errors} == {(2, "G2"), (2, "H2"), (3, "B3")}
    assert _societies(session) == {}
