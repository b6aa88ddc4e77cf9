"""Files an import must refuse as a whole, each with a clear Chinese reason and nothing written."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ingestion.importer import import_experts
from ingestion.tabular import FileRejected, Limits, read_table
from models import Expert
from tests.ingestion.sheets import EXPERT_HEADER, EXPERT_ROWS, write_csv, write_xlsx


def _rejected(session: Session, path: Path, **kwargs: object) -> str:
    before = session.scalar(select(func.count()).select_from(Expert))
    report = import_experts(session, path, **kwargs)  # type: ignore[arg-type]
    assert report.status == "rejected"
    assert [e.row for e in report.errors] == [None]
    assert session.scalar(select(func.count()).select_from(Expert)) == before
    return report.errors[0].problem


def test_random_bytes_named_xlsx_are_refused_clearly(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "专家.xlsx"
    path.write_bytes(os.urandom(4096))
    problem = _rejected(session, path)
    assert "不是有效的 Excel" in problem
    assert "另存为" in problem


def test_a_zip_that_is_not_a_workbook_is_refused(session: Session, tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    path = tmp_path / "专家.xlsx"
    path.write_bytes(buf.getvalue())
    assert "不是 Excel 工作簿" in _rejected(session, path)


def test_a_truncated_workbook_is_refused(session: Session, tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [EXPERT_HEADER, *EXPERT_ROWS]).read_bytes()
    path = tmp_path / "broken.xlsx"
    path.write_bytes(good[: len(good) // 2])
    assert "损坏" in _rejected(session, path)


def test_old_xls_and_encrypted_files_are_refused(session: Session, tmp_path: Path) -> None:
    (tmp_path / "a.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert ".xls" in _rejected(session, tmp_path / "a.xls")
    (tmp_path / "b.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert "密码" in _rejected(session, tmp_path / "b.xlsx")


def test_unknown_file_type_is_refused(session: Session, tmp_path: Path) -> None:
    (tmp_path / "experts.pdf").write_bytes(b"%PDF-1.7 ...")
    assert "不支持的文件类型「.pdf」" in _rejected(session, tmp_path / "experts.pdf")


def test_empty_and_header_only_files_are_refused(session: Session, tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    assert "文件是空的" in _rejected(session, tmp_path / "empty.csv")
    (tmp_path / "blank.csv").write_text(",,,\n,,\n", encoding="utf-8")
    assert "所有行都是空的" in _rejected(session, tmp_path / "blank.csv")
    write_csv(tmp_path / "header.csv", [EXPERT_HEADER])
    assert "只有表头" in _rejected(session, tmp_path / "header.csv")


def test_missing_required_column_names_it_and_its_aliases(session: Session, tmp_path: Path) -> None:
    write_csv(tmp_path / "e.csv", [["姓名", "职称"], ["林志强", "教授"]])
    problem = _rejected(session, tmp_path / "e.csv")
    assert "缺少必填列" in problem
    assert "专家编号" in problem
    assert "code" in problem


def test_no_recognisable_header_is_refused(session: Session, tmp_path: Path) -> None:
    write_csv(tmp_path / "e.csv", [["a", "b"], ["1", "2"]])
    assert "找不到表头" in _rejected(session, tmp_path / "e.csv")


def test_two_columns_meaning_the_same_field_are_refused(session: Session, tmp_path: Path) -> None:
    write_csv(tmp_path / "e.csv", [["编号", "姓名", "电话", "手机"], ["E1", "林", "", ""]])
    assert "「电话」和「手机」两列都表示电话" in _rejected(session, tmp_path / "e.csv")


def test_oversized_file_and_too_many_rows_are_refused(session: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", [EXPERT_HEADER, *EXPERT_ROWS])
    assert "文件太大" in _rejected(session, path, limits=Limits(max_file_bytes=100))
    assert "超过 2 行数据" in _rejected(session, path, limits=Limits(max_rows=2))


def test_undecodable_csv_is_refused(session: Session, tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_bytes("专家编号,姓名\n".encode() + b"\xff\xfe\xfa\xfb\x80\x81,x\n")
    assert "编码" in _rejected(session, tmp_path / "e.csv")


def test_binary_content_in_a_csv_is_refused(session: Session, tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_bytes(b"code,name\x00\x00\x00\n")
    assert "二进制" in _rejected(session, tmp_path / "e.csv")


def test_header_aliases_with_marks_and_hints_are_understood(session: Session, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv", [["Code*", "姓名（必填）", "Phone:", "备注"], ["E1", "林志强", "13812345678", "x"]]
    )
    report = import_experts(session, path, dry_run=True)
    assert report.status == "validated", report.to_text()
    assert any("备注" in w for w in report.warnings)


def test_tab_separated_utf16_text_from_excel_is_read() -> None:
    data = "专家编号\t姓名\nE1\t林志强\n".encode("utf-16")
    table = read_table(data, "专家.txt")
    assert table.rows == [(1, ["专家编号", "姓名"]), (2, ["E1", "林志强"])]


def test_csv_row_numbers_count_records_not_lines() -> None:
    data = '编号,简介\nE1,"第一行\n第二行"\nE2,x\n'.encode()
    assert [n for n, _ in read_table(data, "e.csv").rows] == [1, 2, 3]


def test_read_table_raises_file_rejected_with_status_422() -> None:
    with pytest.raises(FileRejected) as info:
        read_table(b"", "e.csv")
    assert info.value.status_code == 422
