"""Migrated test databases of their own: a SQLite file, or a PostgreSQL schema dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.db import Database
from core.migrations import upgrade
from tests.factories import seed_reference_data

POSTGRES_URL = os.environ.get("ZHULI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_schema_url(schema: str) -> str:
    url = make_url(POSTGRES_URL)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def prepare(url: str) -> None:
    """Migrate ``url`` to the head and load the reference data (regions)."""
    db = Database.from_url(url)
    upgrade(db.engine)
    with db.unit_of_work() as session:
        seed_reference_data(session)
    db.dispose()


@contextmanager
def separate_database(dialect: str, directory: Path, schema: str | None = None) -> Iterator[Database]:
    """A committed-to database nobody else uses, on the backend named by ``dialect``.

    Tests that commit, or that hold a transaction open for long (SQLite locks the whole file for a
    writer), use one of these instead of the shared run database.
    """
    if dialect == "sqlite":
        url = f"sqlite:///{directory / f'separate_{uuid.uuid4().hex[:6]}.db'}"
        prepare(url)
        db = Database.from_url(url)
        try:
            yield db
        finally:
            db.dispose()
        return
    with separate_postgres_url(schema) as url:
        db = Database.from_url(url)
        try:
            yield db
        finally:
            db.dispose()


@contextmanager
def separate_postgres_url(schema: str | None = None) -> Iterator[str]:
    """The URL of a migrated PostgreSQL schema of its own (for processes of their own), dropped afterwards."""
    schema = schema or f"zt_{os.getpid()}_s{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = postgres_schema_url(schema)
        prepare(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
