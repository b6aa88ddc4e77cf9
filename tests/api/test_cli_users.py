"""``zhuli users create``: the password comes from a prompt or stdin, never from the command line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from accounts import authenticate
from api.cli import app
from core.db import Database
from core.settings import get_settings
from models import Role, User

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("ZHULI_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("ZHULI_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    assert runner.invoke(app, ["init", "--no-demo"]).exit_code == 0
    database = Database.from_url(get_settings().resolved_database_url)
    yield database
    database.dispose()
    get_settings.cache_clear()


def test_creates_a_local_association_user_with_the_password_from_stdin(db: Database) -> None:
    args = [
        "users",
        "create",
        "la-jinjiang",
        "--role",
        "local_association",
        "--name",
        "晋江市科协",
        "--scope",
        "350582",
    ]
    result = runner.invoke(app, [*args, "--password-stdin"], input="s3cret-pass\n")
    assert result.exit_code == 0, result.output
    assert "已创建用户 la-jinjiang" in result.output
    with db.unit_of_work() as session:
        user = authenticate(session, "la-jinjiang", "s3cret-pass")
        assert (user.role, user.region_code) == (Role.LOCAL_ASSOCIATION, "350582")


def test_refuses_a_scope_that_does_not_fit_and_creates_nothing(db: Database) -> None:
    args = ["users", "create", "center1", "--role", "center", "--name", "中心", "--scope", "350582", "--password-stdin"]
    result = runner.invoke(app, args, input="s3cret-pass\n")
    assert result.exit_code == 1
    assert "未创建：省科技咨询服务中心账号不需要指定范围" in result.output
    with db.unit_of_work() as session:
        assert session.scalar(select(User).where(User.username == "center1")) is None


def test_refuses_a_weak_password(db: Database) -> None:
    args = ["users", "create", "center1", "--role", "center", "--name", "中心", "--password-stdin"]
    result = runner.invoke(app, args, input="short\n")
    assert result.exit_code == 1
    assert "密码至少需要 8 个字符" in result.output


def test_has_no_password_option() -> None:
    result = runner.invoke(app, ["users", "create", "x", "--role", "center", "--name", "x", "--password", "p"])
    assert result.exit_code != 0
    assert "No such option" in result.output


def test_without_a_terminal_or_stdin_flag_it_explains_how(db: Database) -> None:
    result = runner.invoke(app, ["users", "create", "center1", "--role", "center", "--name", "中心"], input="")
    assert result.exit_code == 2
    assert "--password-stdin" in result.output
