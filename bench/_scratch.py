"""A throw-away database for a bench run: a SQLite file in a temporary folder, or a fresh PostgreSQL
schema at ``ZHULI_TEST_POSTGRES_URL`` (dropped afterwards), plus the percentile the benches print."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.db import Database

POSTGRES_URL = os.environ.get("ZHULI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")


def _admin(statement: str) -> None:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(statement))
    admin.dispose()


@contextmanager
def scratch_database(backend: str) -> Iterator[Database]:
    """An empty database on ``backend`` ("sqlite" or "postgresql"), disposed and removed on exit."""
    with tempfile.TemporaryDirectory() as tmp:
        if backend == "sqlite":
            db = Database.from_url(f"sqlite:///{Path(tmp) / 'bench.db'}")
            try:
                yield db
            finally:
                db.dispose()
            return
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        _admin(f'CREATE SCHEMA "{schema}"')
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        db = Database.from_url(url.render_as_string(hide_password=False))
        try:
            yield db
        finally:
            db.dispose()
            _admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def percentile(samples: list[float], q: float) -> float:
    """The ``q`` quantile of ``samples`` (nearest rank), rounded to 0.01."""
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 2)
