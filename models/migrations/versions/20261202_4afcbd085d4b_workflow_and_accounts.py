"""workflow and accounts: login failures, match snapshots, audit events by demand

``login_failures`` throttles password logins across processes; ``demand_matches`` keeps the match
suggestions computed for each submission of a demand; ``audit_events.demand_id`` gathers a demand's
own, its offers' and its docking's events into one timeline (existing demand events are backfilled).

Revision ID: 4afcbd085d4b
Revises: f36cc5bbc417
Create Date: 2026-12-01 22:39:28.680697
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base  # noqa: F401 - custom column types are rendered as models.base.X

revision: str = "4afcbd085d4b"
down_revision: str | None = "f36cc5bbc417"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=True),
        sa.Column("at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failures_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_failures_client_key"), ["client_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_failures_username"), ["username"], unique=False)

    op.create_table(
        "demand_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("submission_event_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("index_watermark", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("computed_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demands.id"], name=op.f("fk_demand_matches_demand_id_demands"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demand_matches")),
        sa.UniqueConstraint(
            "demand_id", "submission_event_id", name=op.f("uq_demand_matches_demand_id_submission_event_id")
        ),
    )
    with op.batch_alter_table("demand_matches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_demand_matches_demand_id"), ["demand_id"], unique=False)

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("demand_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_events_demand_id"), ["demand_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_events_demand_id_demands"), "demands", ["demand_id"], ["id"], ondelete="CASCADE"
        )
    op.execute("UPDATE audit_events SET demand_id = entity_id WHERE entity_type = 'demand'")


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_audit_events_demand_id_demands"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_audit_events_demand_id"))
        batch_op.drop_column("demand_id")

    with op.batch_alter_table("demand_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_demand_matches_demand_id"))

    op.drop_table("demand_matches")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_username"))
        batch_op.drop_index(batch_op.f("ix_login_failures_client_key"))
        batch_op.drop_index(batch_op.f("ix_login_failures_at"))

    op.drop_table("login_failures")
