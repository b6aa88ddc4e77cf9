"""Migrations are the schema: they build it from empty on both backends and match the ORM exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from core.db import Database
from core.migrations import current_revision, head_revision, is_at_head
from models import Base


def test_database_is_migrated_to_head(database: Database) -> None:
    assert head_revision() is not None
    assert current_revision(database.engine) == head_revision()
    assert is_at_head(database.engine)


def test_every_orm_table_exists_after_upgrade(database: Database) -> None:
    tables = set(inspect(database.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_orm_metadata_matches_migrated_schema(database: Database) -> None:
    with database.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"schema drift between models/ and migrations: {diff}"


def test_downgrade_to_base_and_upgrade_again(fresh_database: Database) -> None:
    from alembic import command

    from core.migrations import alembic_config, upgrade

    cfg = alembic_config()
    with fresh_database.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert "experts" not in inspect(fresh_database.engine).get_table_names()
    upgrade(fresh_database.engine)
    assert is_at_head(fresh_database.engine)
    assert set(Base.metadata.tables) <= set(inspect(fresh_database.engine).get_table_names())


def test_private_details_migration_keeps_existing_demands(fresh_database: Database) -> None:
    from alembic import command
    from sqlalchemy import select

    from core.migrations import alembic_config, upgrade
    from models import Demand
    from tests.factories import make_demand

    with fresh_database.unit_of_work() as session:
        demand_id = make_demand(session).id
    cfg = alembic_config()
    with fresh_database.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "16b130731146")
    upgrade(fresh_database.engine)
    with fresh_database.unit_of_work() as session:
        demand = session.scalar(select(Demand).where(Demand.id == demand_id))
        assert demand is not None
        assert demand.private_details == {}
