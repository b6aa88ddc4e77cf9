"""jobs, outbox leases, wechat tokens

The shared ground of the workflow, the worker and the bot: a database job queue, leases and a
delivery record on notifications, the access token shared by every process, the cached reply of an
inbound message, two demand fields the chat asks for, and the ``superseded`` offer state.

Revision ID: f36cc5bbc417
Revises: 112ef225e10e
Create Date: 2026-12-01 22:21:29.616925
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base  # noqa: F401 - custom column types are rendered as models.base.X

revision: str = "f36cc5bbc417"
down_revision: str | None = "112ef225e10e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


OFFER_STATES_OLD = ("pending", "accepted", "declined", "expired", "withdrawn")
OFFER_STATES_NEW = ("pending", "accepted", "declined", "expired", "superseded", "withdrawn")


def _offer_status_check(states: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{s}'" for s in states) + ")"


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "running", "done", "failed", name="job_status", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_by", sa.String(length=64), nullable=True),
        sa.Column("locked_until", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_jobs_dedupe_key")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_due", ["status", "run_after"], unique=False)

    op.create_table(
        "wechat_tokens",
        sa.Column("app_id", sa.String(length=64), nullable=False),
        sa.Column("access_token", sa.String(length=512), nullable=False),
        sa.Column("expires_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("app_id", name=op.f("pk_wechat_tokens")),
    )
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expected_outcome", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("budget_negotiable", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply", sa.Text(), nullable=True))
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("locked_until", models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                "delivered_channel",
                sa.Enum(
                    "wechat_custom",
                    "wechat_template",
                    "console",
                    name="delivered_channel",
                    native_enum=False,
                    create_constraint=True,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("outcomes", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_offers_offer_status"), type_="check")
        batch_op.alter_column("status", existing_type=sa.VARCHAR(length=9), type_=sa.String(length=10))
        batch_op.create_check_constraint("offer_status", _offer_status_check(OFFER_STATES_NEW))


def downgrade() -> None:
    op.execute("UPDATE offers SET status = 'withdrawn' WHERE status = 'superseded'")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_offers_offer_status"), type_="check")
        batch_op.alter_column("status", existing_type=sa.String(length=10), type_=sa.VARCHAR(length=9))
        batch_op.create_check_constraint("offer_status", _offer_status_check(OFFER_STATES_OLD))
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("outcomes")
        batch_op.drop_column("external_id")
        batch_op.drop_constraint(op.f("ck_notifications_delivered_channel"), type_="check")
        batch_op.drop_column("delivered_channel")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("locked_by")
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.drop_column("reply")
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.drop_column("budget_negotiable")
        batch_op.drop_column("expected_outcome")
    op.drop_table("wechat_tokens")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_due")
    op.drop_table("jobs")
