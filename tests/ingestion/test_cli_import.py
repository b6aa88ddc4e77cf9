"""``zhuli import`` end to end: a real SQLite file, migrated, and the command run through CliRunner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from click.testing import Result
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli_import import register
from core.db import Database
from core.migrations import upgrade
from core.settings import get_settings
from directory.profiles import SocietyIn, upsert_society
from models import Expert
from tests.factories import seed_reference_data
from tests.ingestion.sheets import EXPERT_HEADER, EXPERT_ROWS, write_csv


@pytest.fixture
def cli_database_url(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = Database.from_url(url)
    upgrade(db.engine)
    with db.unit_of_work() as session:
        seed_reference_data(session)
        upsert_society(session, SocietyIn(code="BAT", name="福建省电池学会"))
        upsert_society(session, SocietyIn(code="TEA", name="福建省茶叶学会"))
    db.dispose()
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _invoke(url: str, *args: str) -> Result:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """zhuli"""

    register(app)
    get_settings.cache_clear()
    return CliRunner().invoke(app, ["import", *args], env={"ZHULI_DATABASE_URL": url, "COLUMNS": "200"})


def _expert_codes(url: str) -> set[str]:
    db = Database.from_url(url)
    try:
        with db.unit_of_work() as session:
            return set(session.scalars(select(Expert.code)))
    finally:
        db.dispose()


def test_dry_run_prints_the_plan_and_writes_nothing(cli_database_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "experts.csv", [EXPERT_HEADER, *EXPERT_ROWS])
    result = _invoke(cli_database_url, "experts", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "将新增 3" in result.output
    assert _expert_codes(cli_database_url) == set()


def test_import_commits_and_a_second_run_reports_unchanged(cli_database_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "experts.csv", [EXPERT_HEADER, *EXPERT_ROWS], encoding="gbk")
    result = _invoke(cli_database_url, "experts", str(path))
    assert result.exit_code == 0, result.output
    assert "导入完成" in result.output
    assert _expert_codes(cli_database_url) == {"E001", "E002", "E003"}
    again = _invoke(cli_database_url, "experts", str(path))
    assert again.exit_code == 0
    assert "无变化 3" in again.output


def test_rejected_file_exits_non_zero_with_the_error_table(cli_database_url: str, tmp_path: Path) -> None:
    rows = [*EXPERT_ROWS, ["E004", "吴敏", "", "", "", "359999", "", "", "", "", "", ""]]
    path = write_csv(tmp_path / "experts.csv", [EXPERT_HEADER, *rows])
    result = _invoke(cli_database_url, "experts", str(path))
    assert result.exit_code == 1
    assert "错误清单" in result.output
    assert "F5" in result.output
    assert "地区代码「359999」不是福建省的行政区划代码" in result.output
    assert _expert_codes(cli_database_url) == set()


def test_json_report_goes_to_stdout(cli_database_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "societies.csv", [["学会编号", "学会名称"], ["CER", "福建省陶瓷学会"]])
    result = _invoke(cli_database_url, "societies", str(path), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["kind"], report["status"], report["created"]) == ("societies", "imported", 1)


def test_invalid_xlsx_gets_a_clear_chinese_message(cli_database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "experts.xlsx"
    path.write_bytes(b"this is not a workbook" * 50)
    result = _invoke(cli_database_url, "experts", str(path))
    assert result.exit_code == 1
    assert "文件不是有效的 Excel（.xlsx）文件" in result.output


def test_unmigrated_database_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "experts.csv", [EXPERT_HEADER, *EXPERT_ROWS])
    result = _invoke(f"sqlite:///{tmp_path / 'empty.db'}", "experts", str(path))
    assert result.exit_code == 1
    assert "zhuli migrate" in result.output


def test_help_is_bilingual(cli_database_url: str) -> None:
    result = _invoke(cli_database_url, "experts", "--help")
    assert result.exit_code == 0
    assert "导入专家" in result.output
    assert "Import experts" in result.output
    assert "--dry-run" in result.output
