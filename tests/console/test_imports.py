"""The center imports experts: upload → row-level report (nothing written) → corrected file → commit; exports."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from core.db import Database
from models import Expert, Society
from tests.console.conftest import Console

CENTER = "center-admin"
HEADER = ["专家编号", "姓名", "职称", "工作单位", "研究领域", "所在地区", "服务能力", "所属学会"]


def _society_code(db: Database) -> str:
    with db.read_session() as session:
        code = session.scalar(select(Society.code).where(Society.is_active.is_(True)).order_by(Society.code))
        assert code is not None
        return code


def _stored_codes(db: Database, prefix: str) -> set[str]:
    with db.read_session() as session:
        return set(session.scalars(select(Expert.code).where(Expert.code.like(f"{prefix}%"))))


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _rows(prefix: str, society: str, *, bad_capacity: object) -> list[list[object]]:
    return [
        [f"{prefix}01", "林导入", "教授", "福州大学", "锂电池 储能 热管理", "350102", 3, society],
        [f"{prefix}02", "陈导入", "研究员", "厦门大学", "海洋防腐 涂层", "350203", bad_capacity, society],
        [f"{prefix}03", "黄导入", "高级工程师", "福建师范大学", "茶叶 加工", "350102", 2, society],
    ]


def test_an_import_with_a_bad_row_is_reported_then_corrected_and_committed(
    console: Console, server_db: Database, tmp_path: Path
) -> None:
    prefix, society = "IMPT", _society_code(server_db)
    page = console.login(CENTER)
    page.click("nav.nav >> text=导入导出")
    page.wait_for_load_state()
    expect(page.get_by_test_id("import-form")).to_be_visible()

    page.set_input_files(
        "input[name=file]", str(_xlsx(tmp_path / "专家.xlsx", _rows(prefix, society, bad_capacity="很多")))
    )
    page.click("text=上传并校验")
    report = page.get_by_test_id("import-report")
    expect(page.get_by_test_id("report-status")).to_have_text("有错误，未导入")
    errors = page.get_by_test_id("report-errors").locator("tbody tr")
    expect(errors).to_have_count(1)
    cells = errors.first.locator("td").all_inner_texts()
    assert cells[:3] == ["3", "服务能力", "G3"], cells
    expect(report).to_contain_text("没有写入任何数据")
    expect(page.get_by_test_id("commit")).to_have_count(0)
    console.shot("import-rejected")
    assert _stored_codes(server_db, prefix) == set()

    page.set_input_files(
        "input[name=file]", str(_xlsx(tmp_path / "专家-改正.xlsx", _rows(prefix, society, bad_capacity=4)))
    )
    page.click("text=上传并校验")
    expect(page.get_by_test_id("report-status")).to_have_text("校验通过")
    expect(page.get_by_test_id("report-rows").locator("tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("commit")).to_contain_text("新增 3")
    assert _stored_codes(server_db, prefix) == set(), "a dry run writes nothing"
    console.shot("import-validated")

    page.get_by_test_id("commit").click()
    expect(page.locator(".flash")).to_contain_text("导入完成")
    expect(page.locator(".flash")).to_contain_text("新增 3")
    assert _stored_codes(server_db, prefix) == {f"{prefix}01", f"{prefix}02", f"{prefix}03"}

    page.click("nav.nav >> text=专家库")
    page.wait_for_load_state()  # htmx is listening before the search box is typed into
    page.fill("input[name=q]", prefix)
    rows = page.get_by_test_id("member-list").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="陈导入")).to_contain_text("4")


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_chinese(console: Console, tmp_path: Path) -> None:
    page = console.login(CENTER)
    console.open("/console/imports")
    notes = tmp_path / "名单.docx"
    notes.write_bytes(b"PK\x03\x04 not a spreadsheet")
    page.set_input_files("input[name=file]", str(notes))
    page.click("text=上传并校验")
    expect(page.get_by_test_id("report-status")).to_have_text("有错误，未导入")
    expect(page.get_by_test_id("report-summary")).to_contain_text("只能导入 .xlsx 或 .csv 文件")


def test_a_committed_file_cannot_be_committed_twice(console: Console, server_db: Database, tmp_path: Path) -> None:
    prefix, society = "IMPU", _society_code(server_db)
    page = console.login(CENTER)
    console.open("/console/imports")
    page.set_input_files("input[name=file]", str(_xlsx(tmp_path / "a.xlsx", _rows(prefix, society, bad_capacity=1))))
    page.click("text=上传并校验")
    token = page.locator("input[name=token]").input_value()
    page.get_by_test_id("commit").click()
    expect(page.locator(".flash")).to_contain_text("导入完成")
    # The same commit sent again (a double click, the back button) imports nothing more.
    csrf = page.locator("meta[name=csrf-token]").get_attribute("content")
    again = page.request.post(
        console.base_url + "/console/imports/commit",
        form={"csrf_token": csrf or "", "token": token},
        headers={"referer": console.base_url + "/console/imports"},
        max_redirects=0,
    )
    assert again.status == 303
    console.open(again.headers["location"])
    expect(page.locator(".flash.error")).to_contain_text("请重新上传")
    assert _stored_codes(server_db, prefix) == {f"{prefix}01", f"{prefix}02", f"{prefix}03"}


def test_the_export_is_a_workbook_in_the_import_columns(console: Console, server_db: Database) -> None:
    page = console.login(CENTER)
    console.open("/console/imports")
    with page.expect_download() as download:
        page.click("text=导出专家库")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("专家编号", "姓名")
    with server_db.read_session() as session:
        count = len(list(session.scalars(select(Expert.id))))
    assert len(rows) == count + 1


def test_a_society_may_not_open_the_import_page(console: Console) -> None:
    page = console.login("soc-tea")
    expect(page.locator("nav.nav")).not_to_contain_text("导入导出")
    console.open("/console/imports")
    expect(page.get_by_test_id("error-page")).to_contain_text("没有权限")
    response = page.request.get(console.base_url + "/console/exports/experts.xlsx", max_redirects=0)
    assert response.status == 403
    assert "没有权限" in response.text()
