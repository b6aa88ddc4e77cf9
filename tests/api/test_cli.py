"""The command line, run in-process against a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from core.settings import get_settings

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ZHULI_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("ZHULI_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()


def _command_names() -> list[str]:
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    return names + [g.name or "" for g in app.registered_groups]


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in _command_names():
        assert name in result.output


@pytest.mark.parametrize(
    "args",
    [["serve"], ["migrate"], ["init"], ["status"], ["demo"], ["demo", "load"], ["keywords"], ["keywords", "fit"]],
)
def test_every_command_has_help(args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_init_creates_the_embedded_database_in_the_data_folder(data_dir: Path) -> None:
    result = runner.invoke(app, ["init", "--no-demo"])
    assert result.exit_code == 0, result.output
    assert (data_dir / "zhuli.db").exists()
    assert "新增行政区划 94 条" in result.output
    again = runner.invoke(app, ["init", "--no-demo"])
    assert "新增行政区划 0 条" in again.output


def test_status_reports_health_as_json(data_dir: Path) -> None:
    runner.invoke(app, ["migrate"])
    result = runner.invoke(app, ["status", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["migrations"]["at_head"] is True
    assert report["overview"]["experts"] == 0


def test_status_fails_on_an_unmigrated_database(data_dir: Path) -> None:
    result = runner.invoke(app, ["status", "--json"])
    assert result.exit_code == 1


def test_keyword_idf_is_not_fitted_on_too_small_a_corpus(data_dir: Path) -> None:
    runner.invoke(app, ["init", "--no-demo"])
    assert not (data_dir / "idf.txt").exists()
    result = runner.invoke(app, ["keywords", "fit"])
    assert result.exit_code == 1
    assert "语料太少" in result.output
    assert not (data_dir / "idf.txt").exists()
