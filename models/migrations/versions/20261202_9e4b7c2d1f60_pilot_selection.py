"""pilot selection: structured application fields, uploaded materials, field surveys

Additive only: the new columns of ``pilot_applications`` are nullable or have server defaults, so
existing rows (the demo's applications in every status) keep loading; two new tables.

Revision ID: 9e4b7c2d1f60
Revises: 9a37fc0a53e7
Create Date: 2026-12-02 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "9e4b7c2d1f60"
down_revision: str | None = "9a37fc0a53e7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MATERIALS = ("recommendation_letter", "industry_demands", "application_letter", "enterprise_demands", "work_plan")


def upgrade() -> None:
    with op.batch_alter_table("pilot_applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_name", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("contact_phone", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("key_industries", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column("government_opinion", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("city_review", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("submitted_by_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("submitted_at", models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("recommendation_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("recommended_at", models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("meeting_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("meeting_number", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("published_at", models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_pilot_applications_submitted_by_user_id_users"), "users", ["submitted_by_user_id"], ["id"]
        )

    op.create_table(
        "pilot_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column(
            "material",
            sa.Enum(*_MATERIALS, name="pilot_material", native_enum=False, create_constraint=True, length=21),
            nullable=False,
        ),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("file_type", sa.String(length=8), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_as", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size_bytes > 0", name=op.f("ck_pilot_files_not_empty")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["pilot_applications.id"],
            name=op.f("fk_pilot_files_application_id_pilot_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_user_id"], ["users.id"], name=op.f("fk_pilot_files_uploaded_by_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pilot_files")),
    )
    with op.batch_alter_table("pilot_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pilot_files_application_id"), ["application_id"], unique=False)

    op.create_table(
        "pilot_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("expert_user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_user_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("layout_score", sa.Integer(), nullable=True),
        sa.Column("demand_score", sa.Integer(), nullable=True),
        sa.Column("effect_score", sa.Integer(), nullable=True),
        sa.Column("foundation_score", sa.Integer(), nullable=True),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("submitted_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(submitted_at IS NULL) OR (layout_score BETWEEN 1 AND 5 AND demand_score BETWEEN 1 AND 5"
            " AND effect_score BETWEEN 1 AND 5 AND foundation_score BETWEEN 1 AND 5)",
            name=op.f("ck_pilot_surveys_scores_range"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["pilot_applications.id"],
            name=op.f("fk_pilot_surveys_application_id_pilot_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by_user_id"], ["users.id"], name=op.f("fk_pilot_surveys_assigned_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(["expert_user_id"], ["users.id"], name=op.f("fk_pilot_surveys_expert_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pilot_surveys")),
        sa.UniqueConstraint(
            "application_id", "expert_user_id", name=op.f("uq_pilot_surveys_application_id_expert_user_id")
        ),
    )
    with op.batch_alter_table("pilot_surveys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pilot_surveys_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pilot_surveys_expert_user_id"), ["expert_user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("pilot_surveys")
    op.drop_table("pilot_files")
    with op.batch_alter_table("pilot_applications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_pilot_applications_submitted_by_user_id_users"), type_="foreignkey")
        for column in (
            "published_at", "meeting_number", "meeting_date", "recommended_at", "recommendation_note",
            "reviewed_at", "submitted_at", "submitted_by_user_id", "city_review", "government_opinion",
            "key_industries", "contact_phone", "contact_name",
        ):  # fmt: skip
            batch_op.drop_column(column)
