"""The one place that settles the notifications the demo's replay wrote.

The replay's history lies in the past: its notices were, in the demo's story, delivered when they
happened. Every row the replay enqueued is therefore marked delivered at its own time (a few seconds
after it was written), so a worker started after the load pushes none of them to WeChat. Console
notices of the last :data:`UNREAD_DAYS` stay unread, so staff find the recent ones new in their inbox;
older ones are marked read.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Notification, NotificationChannel, NotificationStatus

UNREAD_DAYS = 3
DELIVERED_AFTER = timedelta(seconds=3)
WORKER = "demo-replay"
DETAIL = "演示数据：历史通知，载入时按当时已送达记录（不再推送）"


def settle_notifications(session: Session, demand_ids: list[int], *, now: datetime) -> int:
    """Mark the pending notifications of these demands delivered at their own time; returns how many."""
    if not demand_ids:
        return 0
    unread_since = now - timedelta(days=UNREAD_DAYS)
    rows = session.scalars(
        select(Notification).where(
            Notification.demand_id.in_(demand_ids), Notification.status == NotificationStatus.PENDING
        )
    ).all()
    for row in rows:
        sent = row.created_at + DELIVERED_AFTER
        outcome = {
            "at": sent.isoformat(),
            "channel": row.channel.value,
            "result": "sent",
            "code": None,
            "detail": DETAIL,
            "worker": WORKER,
        }
        row.status = NotificationStatus.SENT
        row.delivered_channel = row.channel
        row.attempts = 1
        row.sent_at = sent
        row.outcomes = [*(row.outcomes or []), outcome]
        if row.channel is NotificationChannel.CONSOLE and row.created_at < unread_since:
            row.read_at = row.created_at + timedelta(hours=2)
    session.flush()
    return len(rows)
