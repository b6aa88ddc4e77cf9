from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.app import create_app
from core.db import Database
from core.settings import Settings
from tests.program.world import World, make_world


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "var", demo_data=False)


@pytest.fixture
def client(settings: Settings, bound_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, database=bound_db, keep_index=False)) as c:
        yield c


@pytest.fixture
def world(session: Session, settings: Settings) -> World:
    return make_world(session, settings)
