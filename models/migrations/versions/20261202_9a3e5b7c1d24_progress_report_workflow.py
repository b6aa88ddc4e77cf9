"""progress reports: their workflow (draft → submitted → accepted / returned) and corrected figures

Adds the report's status, the unit's corrections of the computed figures (with reasons), when the
figures were computed, the first submission (punctuality), the center's review and a version column
for concurrent moves. ``submitted_at`` becomes optional: a draft has not been submitted. Reports
already stored (demo data, imports) were handed in on paper or by mail: they become accepted ones,
first submitted when they were submitted.

Revision ID: 9a3e5b7c1d24
Revises: 8c2f4e1d7a30
Create Date: 2026-12-02 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "9a3e5b7c1d24"
down_revision: str | None = "8c2f4e1d7a30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("draft", "submitted", "accepted", "returned")


def upgrade() -> None:
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("corrections", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(
            sa.Column(
                "status",
                sa.Enum(*STATUSES, name="report_status", native_enum=False, create_constraint=True, length=9),
                nullable=False,
                server_default="accepted",
            )
        )
        batch_op.add_column(sa.Column("computed_at", models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("first_submitted_at", models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("review_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")))
        batch_op.alter_column("submitted_at", existing_type=models.base.UTCDateTime(timezone=True), nullable=True)
        batch_op.create_index(batch_op.f("ix_progress_reports_status"), ["status"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_progress_reports_reviewed_by_user_id_users"), "users", ["reviewed_by_user_id"], ["id"]
        )
    op.execute("UPDATE progress_reports SET first_submitted_at = submitted_at WHERE first_submitted_at IS NULL")


def downgrade() -> None:
    op.execute("DELETE FROM progress_reports WHERE submitted_at IS NULL")
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_progress_reports_reviewed_by_user_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_progress_reports_status"))
        batch_op.alter_column("submitted_at", existing_type=models.base.UTCDateTime(timezone=True), nullable=False)
        batch_op.drop_column("version")
        batch_op.drop_column("review_reason")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("reviewed_by_user_id")
        batch_op.drop_column("first_submitted_at")
        batch_op.drop_column("computed_at")
        batch_op.drop_constraint(batch_op.f("ck_progress_reports_report_status"), type_="check")
        batch_op.drop_column("status")
        batch_op.drop_column("corrections")
