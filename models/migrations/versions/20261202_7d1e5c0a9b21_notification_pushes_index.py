"""notifications: index of the pushes sent to one WeChat user (the customer-service window count)

The worker counts the customer-service messages an openid received since its window opened before
it sends another (at most five per window); the rows of a bot reply's continuation carry only the
openid, so the count goes by ``recipient_openid``.

Revision ID: 7d1e5c0a9b21
Revises: 44f830850344
Create Date: 2026-12-02 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "7d1e5c0a9b21"
down_revision: str | None = "44f830850344"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_pushes", ["recipient_openid", "delivered_channel", "sent_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_pushes")
