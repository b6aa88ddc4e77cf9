"""Programmatic Alembic: migrate, and tell whether a database is at head."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


def _migrations_dir() -> Path:
    # Found without importing ``models``: models/migrations/env.py imports models, and core must
    # not depend on the ORM package just to locate a folder.
    spec = find_spec("models")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - models ships with core
        raise RuntimeError("the models package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "migrations"


MIGRATIONS_DIR = _migrations_dir()


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def is_at_head(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
