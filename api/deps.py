"""FastAPI dependencies: the per-request unit of work and the app-wide objects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from core.db import Database
from core.settings import Settings
from matching.engine import MatchingEngine


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_matching(request: Request) -> MatchingEngine:
    engine: MatchingEngine = request.app.state.matching
    return engine


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """One session per request, committed before the response is sent.

    Declared with ``scope="function"`` (see ``SessionDep``) so the commit happens inside the
    route's call: a failed commit becomes an error response instead of a 200 already on the wire.
    With an ``Idempotency-Key`` the middleware in :mod:`api.idempotency` already opened the unit of
    work (it commits the stored response with the route's effects): join that one.
    """
    shared: Session | None = getattr(request.state, "unit_of_work", None)
    if shared is not None:
        yield shared
        return
    with get_database(request).unit_of_work() as session:
        yield session


def get_read_session(request: Request) -> Iterator[Session]:
    """A read-only session for pages and lookups (on SQLite it does not queue for the write lock)."""
    with get_database(request).read_session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(get_read_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
DatabaseDep = Annotated[Database, Depends(get_database)]
MatchingDep = Annotated[MatchingEngine, Depends(get_matching)]
