"""Engine, sessions and the unit of work.

Services take a ``Session`` and never commit; whoever owns the unit of work (a request, a WeChat
message, a job, a CLI command) uses :meth:`Database.unit_of_work`, which commits on success and
rolls back on any error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from core.errors import DomainError


def _configure_sqlite(engine: Engine) -> None:
    """Make pysqlite behave: real foreign keys, WAL, and transactions SQLAlchemy controls.

    pysqlite's own transaction handling breaks SAVEPOINT; the documented fix is to switch it off
    and emit BEGIN ourselves. ``BEGIN IMMEDIATE`` takes the write lock up front so two writers
    wait for each other (busy_timeout) instead of failing on a stale snapshot.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    parsed = make_url(url)
    # Chinese stays readable in JSON columns (SQLite stores JSON as text).
    kwargs: dict[str, Any] = {"echo": echo, "json_serializer": _json_dumps}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        _configure_sqlite(engine)
    return engine


class Database:
    """An engine and its session factory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.read_engine = engine.execution_options(sqlite_begin="DEFERRED")
        """Same pool; on SQLite its transactions do not take the write lock (health checks, reads)."""
        self.sessionmaker = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
        self.read_sessionmaker = sessionmaker(bind=self.read_engine, expire_on_commit=False, autoflush=True)

    @classmethod
    def from_url(cls, url: str, *, echo: bool = False) -> Database:
        return cls(create_db_engine(url, echo=echo))

    @classmethod
    def bound_to(cls, connection: Connection) -> Database:
        """Sessions that join ``connection``'s open transaction; their commits only release a SAVEPOINT.

        For tests, and for running a whole script inside one transaction that the caller owns.
        """
        db = cls(connection.engine)
        db.sessionmaker = sessionmaker(
            bind=connection,
            expire_on_commit=False,
            autoflush=True,
            join_transaction_mode="create_savepoint",
        )
        db.read_sessionmaker = db.sessionmaker
        return db

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def new_session(self) -> Session:
        return self.sessionmaker()

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session that commits when the block succeeds and rolls back when it raises.

        A :class:`~core.errors.DomainError` with ``keeps_changes`` (a failed login) is committed
        before it propagates: the refusal is itself the record.
        """
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except DomainError as exc:
            if exc.keeps_changes:
                session.commit()
            else:
                session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for reading only: it never commits, and on SQLite it does not take the write lock.

        WAL readers never wait for writers, so long reads (building the matching index, pages)
        run beside writes instead of queueing behind them. Anything written is rolled back.
        """
        session = self.read_sessionmaker()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def insert_ignoring_duplicates(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """``INSERT … ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL: rows whose unique key (e.g. a
    dedupe key) exists already are skipped, also when another process inserts the same key at once.

    Returns how many rows were inserted. Python-side column defaults apply; the ORM is bypassed.
    """
    if not rows:
        return 0
    values = list(rows)
    key = list(table.primary_key.columns)[0]
    if session.get_bind().dialect.name == "postgresql":
        statement = postgresql_insert(table).values(values).on_conflict_do_nothing().returning(key)
    else:
        statement = sqlite_insert(table).values(values).on_conflict_do_nothing().returning(key)
    # RETURNING lists the rows actually inserted (the driver's rowcount is not reliable for this).
    return len(session.execute(statement).all())
