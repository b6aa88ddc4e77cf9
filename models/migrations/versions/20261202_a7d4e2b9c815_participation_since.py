"""participation since: the day a society became a pilot / a county a demonstration area

Additive only: two nullable date columns. Existing pilots and demonstration areas keep NULL and owe
reports as before; a selection from now on records its day, and the unit owes reports only for the
months that begin on or after it.

Revision ID: a7d4e2b9c815
Revises: 9e4b7c2d1f60
Create Date: 2026-12-02 07:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7d4e2b9c815"
down_revision: str | None = "9e4b7c2d1f60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not batch mode: a batch would recreate ``regions``, which the seeded rows of
# many tables reference (SQLite has had ADD/DROP COLUMN since 3.35).


def upgrade() -> None:
    op.add_column("societies", sa.Column("pilot_since", sa.Date(), nullable=True))
    op.add_column("regions", sa.Column("demonstration_since", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("regions", "demonstration_since")
    op.drop_column("societies", "pilot_since")
