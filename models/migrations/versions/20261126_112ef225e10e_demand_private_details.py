"""demand private details

Keeps every contact detail and ID number the PII extractor pulls out of a demand's text, not only
the first phone and e-mail, so nothing an enterprise wrote is dropped.

Revision ID: 112ef225e10e
Revises: 16b130731146
Create Date: 2026-11-26 04:03:49.623847
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "112ef225e10e"
down_revision: str | None = "16b130731146"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.add_column(sa.Column("private_details", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.drop_column("private_details")
