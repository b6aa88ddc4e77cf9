"""wake idle workers: pg_notify('zhuli_work') after inserts into notifications and jobs (PostgreSQL)

A statement-level trigger; PostgreSQL delivers the notification when the inserting transaction
commits, and a worker listening on ``zhuli_work`` starts its round at once (see
``workflow/worker/wake.py``). SQLite has no such mechanism: its workers poll, and this migration
does nothing there.

Revision ID: 8c2f4e1d7a30
Revises: 7d1e5c0a9b21
Create Date: 2026-12-02 04:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "8c2f4e1d7a30"
down_revision: str | None = "7d1e5c0a9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("notifications", "jobs")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION zhuli_wake_workers() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_notify('zhuli_work', ''); RETURN NULL; END $$"
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_wake_workers AFTER INSERT ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION zhuli_wake_workers()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_wake_workers ON {table}")
    op.execute("DROP FUNCTION IF EXISTS zhuli_wake_workers()")
