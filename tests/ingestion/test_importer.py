from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from directory.profiles import ExpertIn, SocietyIn, upsert_expert, upsert_society
from ingestion.import_report import ImportKind
from ingestion.importer import import_experts
from models import Expert, ProfileChange, Society, WorkKind
from tests.ingestion.sheets import EXPERT_HEADER, EXPERT_ROWS, write_csv, write_xlsx


@pytest.fixture
def societies(session: Session) -> dict[str, Society]:
    bat, _ = upsert_society(session, SocietyIn(code="BAT", name="福建省电池学会", discipline="工程"))
    tea, _ = upsert_society(session, SocietyIn(code="TEA", name="福建省茶叶学会", discipline="农学"))
    return {"BAT": bat, "TEA": tea}


def _experts(session: Session) -> dict[str, Expert]:
    stmt = select(Expert).options(selectinload(Expert.works), selectinload(Expert.memberships))
    return {e.code: e for e in session.scalars(stmt.execution_options(populate_existing=True))}


def _count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _assert_three_experts_imported(session: Session, societies: dict[str, Society]) -> None:
    experts = _experts(session)
    assert set(experts) == {"E001", "E002", "E003"}
    lin = experts["E001"]
    assert (lin.name, lin.title, lin.employer, lin.region_code) == ("林志强", "教授", "福州大学", "350104")
    assert (lin.capacity, lin.email, lin.phone, lin.is_active) == (5, "lin@fzu.edu.cn", "13812345678", True)
    assert [(w.title, w.keywords, w.year, w.kind) for w in lin.works] == [
        ("锂电池隔膜陶瓷涂层均匀性控制", ["隔膜", "涂布"], 2021, WorkKind.PAPER),
        ("一种隔膜涂布装置", ["涂布"], 2022, WorkKind.PATENT),
    ]
    assert {m.society_id for m in lin.memberships} == {societies["BAT"].id}
    chen = experts["E002"]
    assert chen.employer == "福建农林大学"  # traditional → simplified
    assert chen.region_code == "350524"  # 安溪 by name
    assert chen.phone == "0595-22345678"
    assert chen.email is None
    assert {m.society_id for m in chen.memberships} == {societies["TEA"].id, societies["BAT"].id}
    huang = experts["E003"]
    assert (huang.region_code, huang.capacity, huang.works, huang.memberships) == ("350582", 3, [], [])


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_csv_import_creates_experts_with_works_and_memberships(
    session: Session, societies: dict[str, Society], tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "experts.csv", [EXPERT_HEADER, *EXPERT_ROWS], encoding=encoding)
    changes_before = _count(session, ProfileChange)
    report = import_experts(session, path)
    assert report.status == "imported", report.to_text()
    assert (report.created, report.updated, report.unchanged, report.total_rows) == (3, 0, 0, 3)
    assert report.errors == []
    assert report.encoding == ("utf-8-sig" if encoding == "utf-8-sig" else "gb18030")
    assert [r.row for r in report.rows] == [2, 3, 4]
    assert _count(session, ProfileChange) == changes_before + 3
    _assert_three_experts_imported(session, societies)


def test_xlsx_import_with_title_row_and_numeric_cells(
    session: Session, societies: dict[str, Society], tmp_path: Path
) -> None:
    rows = [list(r) for r in EXPERT_ROWS]
    rows[0][6] = 5  # capacity typed as a number
    rows[0][8] = "13812345678"
    rows[2][5] = 350582  # region code typed as a number
    path = write_xlsx(tmp_path / "experts.xlsx", [EXPERT_HEADER, *rows], title="福建省专家库导入表")
    report = import_experts(session, path)
    assert report.status == "imported", report.to_text()
    assert report.sheet == "专家"
    assert [r.row for r in report.rows] == [4, 5, 6]  # title, blank row, header come first
    assert any("表头在第 3 行" in w for w in report.warnings)
    _assert_three_experts_imported(session, societies)


def test_dry_run_reports_the_plan_and_writes_nothing(
    session: Session, societies: dict[str, Society], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "experts.csv", [EXPERT_HEADER, *EXPERT_ROWS])
    changes_before = _count(session, ProfileChange)
    report = import_experts(session, path, dry_run=True)
    assert report.status == "validated"
    assert report.dry_run
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert _experts(session) == {}
    assert _count(session, ProfileChange) == changes_before
    assert "将新增 3" in report.summary()


def test_bad_rows_are_all_reported_and_nothing_is_written(
    session: Session, societies: dict[str, Society], tmp_path: Path
) -> None:
    rows = [list(r) for r in EXPERT_ROWS]
    rows.append(["E004", "吴敏", "", "", "", "359999", "", "wu@", "", "", "", ""])  # row 5: region, e-mail
    rows.append(["E005", "", "", "", "", "", "abc", "", "12345", "NOPE", "", ""])  # row 6: 4 problems
    rows.append(["E001", "林志强", "", "", "", "", "", "", "", "", "标题|kw|20", ""])  # row 7: dup, year
    path = write_csv(tmp_path / "experts.csv", [EXPERT_HEADER, *rows])
    report = import_experts(session, path)
    assert report.status == "rejected"
    assert not report.ok
    found = {(e.row, e.column, e.cell) for e in report.errors}
    assert found == {
        (5, "所在地区", "F5"),
        (5, "邮箱", "H5"),
        (6, "姓名", "B6"),
        (6, "服务能力", "G6"),
        (6, "电话", "I6"),
        (6, "所属学会", "J6"),
        (7, "专家编号", "A7"),
        (7, "代表性成果", "K7"),
    }
    problems = {(e.row, e.column): e.problem for e in report.errors}
    assert "359999" in problems[(5, "所在地区")]
    assert problems[(6, "姓名")] == "必填项为空"
    assert "NOPE" in problems[(6, "所属学会")]
    assert problems[(7, "专家编号")] == "编号「E001」与第 2 行重复"
    assert "年份" in problems[(7, "代表性成果")]
    assert _experts(session) == {}
    assert "发现 8 处错误" in report.summary()
    assert "F5" in report.to_text()
    assert json.loads(report.to_json())["errors"][0]["row"] == 5


def test_reimporting_the_same_file_changes_nothing(
    session: Session, societies: dict[str, Society], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "experts.csv", [EXPERT_HEADER, *EXPERT_ROWS])
    import_experts(session, path)
    work_ids = [w.id for w in _experts(session)["E001"].works]
    changes_before = _count(session, ProfileChange)
    report = import_experts(session, path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert _count(session, ProfileChange) == changes_before
    assert [w.id for w in _experts(session)["E001"].works] == work_ids


def test_update_changes_only_what_changed(session: Session, societies: dict[str, Society], tmp_path: Path) -> None:
    import_experts(session, write_csv(tmp_path / "v1.csv", [EXPERT_HEADER, *EXPERT_ROWS]))
    before = _experts(session)
    chen_work_ids = [w.id for w in before["E002"].works]
    rows = [list(r) for r in EXPERT_ROWS]
    rows[0][2] = "教授级高级工程师"
    rows[0][9] = "BAT、TEA"
    changes_before = _count(session, ProfileChange)
    report = import_experts(session, write_csv(tmp_path / "v2.csv", [EXPERT_HEADER, *rows]))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert [(r.code, r.changed) for r in report.rows if r.action == "updated"] == [("E001", ["职称", "所属学会"])]
    assert _count(session, ProfileChange) == changes_before + 1
    after = _experts(session)
    assert after["E001"].title == "教授级高级工程师"
    assert {m.society_id for m in after["E001"].memberships} == {societies["BAT"].id, societies["TEA"].id}
    assert [w.id for w in after["E002"].works] == chen_work_ids


def test_columns_missing_from_the_file_keep_stored_values(
    session: Session, societies: dict[str, Society], tmp_path: Path
) -> None:
    upsert_expert(
        session,
        ExpertIn(code="E001", name="林志强", email="lin@fzu.edu.cn", bio="长期从事隔膜研究", society_codes=["BAT"]),
    )
    path = write_csv(tmp_path / "titles.csv", [["编号", "姓名", "职称"], ["E001", "林志强", "教授"]])
    report = import_experts(session, path)
    assert report.updated == 1
    assert any("保持不变" in w and "邮箱" in w for w in report.warnings)
    lin = _experts(session)["E001"]
    assert (lin.title, lin.email, lin.bio) == ("教授", "lin@fzu.edu.cn", "长期从事隔膜研究")
    assert [m.society_id for m in lin.memberships] == [societies["BAT"].id]


def test_an_empty_cell_in_a_present_column_clears_the_value(
    session: Session, societies: dict[str, Society], tmp_path: Path
) -> None:
    upsert_expert(session, ExpertIn(code="E001", name="林志强", email="lin@fzu.edu.cn"))
    report = import_experts(session, write_csv(tmp_path / "e.csv", [["编号", "姓名", "邮箱"], ["E001", "林志强", ""]]))
    assert [r.changed for r in report.rows] == [["邮箱"]]
    assert _experts(session)["E001"].email is None


def test_work_abstract_survives_a_reimport_of_the_same_title(
    session: Session, societies: dict[str, Society], tmp_path: Path
) -> None:
    upsert_expert(
        session,
        ExpertIn.model_validate(
            {"code": "E001", "name": "林志强", "works": [{"title": "隔膜涂布研究", "abstract": "摘要", "year": 2020}]}
        ),
    )
    path = write_csv(tmp_path / "e.csv", [["编号", "姓名", "代表性成果"], ["E001", "林志强", "隔膜涂布研究||2020"]])
    report = import_experts(session, path)
    assert report.unchanged == 1
    assert [w.abstract for w in _experts(session)["E001"].works] == ["摘要"]


def test_a_failure_while_writing_rolls_back_every_row(
    session: Session, societies: dict[str, Society], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "experts.csv", [EXPERT_HEADER, *EXPERT_ROWS])

    def crash_after_first_write(phase: str, done: int, total: int | None) -> None:
        # Rows are written in batches; by the first write report some rows are in the database.
        if phase == "write" and done >= 1:
            assert _experts(session)
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        import_experts(session, path, progress=crash_after_first_write)
    assert _experts(session) == {}


def test_progress_reports_each_phase(session: Session, societies: dict[str, Society], tmp_path: Path) -> None:
    seen: list[tuple[str, int, int | None]] = []
    import_experts(
        session, write_csv(tmp_path / "e.csv", [EXPERT_HEADER, *EXPERT_ROWS]), progress=lambda *a: seen.append(a)
    )
    assert ("validate", 3, 3) in seen
    assert ("write", 3, 3) in seen
    assert any(phase == "read" for phase, _, _ in seen)


def test_bytes_upload_needs_its_file_name(session: Session, societies: dict[str, Society], tmp_path: Path) -> None:
    data = write_csv(tmp_path / "e.csv", [EXPERT_HEADER, *EXPERT_ROWS]).read_bytes()
    report = import_experts(session, data, filename="上传.csv", dry_run=True)
    assert report.kind is ImportKind.EXPERTS
    assert report.file_name == "上传.csv"
    assert report.created == 3
