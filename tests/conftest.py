"""Test fixtures: every database test runs on real SQLite and real PostgreSQL.

Migrations run once per backend per test run, into a fresh SQLite file and a fresh PostgreSQL
schema (dropped at the end), so runs never see each other's data. Each test runs inside a
transaction that is rolled back; code under test that commits only releases a SAVEPOINT.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.platform.fake import FakeWeChatApi
from core.db import Database
from core.settings import WeChatSettings
from tests.databases import POSTGRES_URL, prepare, separate_database, separate_postgres_url

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def run_id() -> str:
    return f"zt_{os.getpid()}_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, run_id: str
) -> Iterator[str]:
    """A freshly migrated database for this run, with reference data (regions) loaded."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("sqlite") / "zhuli.db"
        url = f"sqlite:///{path}"
        prepare(url)
        yield url
        return
    with ExitStack() as stack:
        try:
            url = stack.enter_context(separate_postgres_url(run_id))
        except OperationalError as exc:  # turn a connection failure into one clear failure
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} is not usable ({exc}); start it, see README", pytrace=False)
        yield url


@pytest.fixture(scope="session")
def database(database_url: str) -> Iterator[Database]:
    db = Database.from_url(database_url)
    yield db
    db.dispose()


@pytest.fixture
def backend(database: Database) -> str:
    return database.dialect


@pytest.fixture
def bound_db(database: Database) -> Iterator[Database]:
    """A Database whose sessions all join one outer transaction that is rolled back after the test."""
    connection = database.engine.connect()
    outer = connection.begin()
    db = Database.bound_to(connection)
    try:
        yield db
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture
def session(bound_db: Database) -> Iterator[Session]:
    s = bound_db.new_session()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def fresh_database(database: Database, tmp_path: Path, run_id: str) -> Iterator[Database]:
    """A separate, committed-to database for tests that need several real connections."""
    with separate_database(database.dialect, tmp_path, f"{run_id}_f{uuid.uuid4().hex[:6]}") as db:
        yield db


@pytest.fixture
def fake_wechat() -> Iterator[FakeWeChatApi]:
    """The fake WeChat API on a free port of 127.0.0.1, stopped after the test."""
    with FakeWeChatApi() as fake:
        yield fake


@pytest.fixture
def wechat_settings(fake_wechat: FakeWeChatApi) -> WeChatSettings:
    """Outbound settings pointing at ``fake_wechat``, with short timeouts."""
    return WeChatSettings(
        app_id=fake_wechat.app_id,
        app_secret=fake_wechat.app_secret,
        api_base_url=fake_wechat.base_url,
        connect_timeout_seconds=1.0,
        read_timeout_seconds=1.0,
        template_status_update="tpl-status",
        template_staff_task="tpl-task",
    )
