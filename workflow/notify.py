"""Who is told: Notification rows (the outbox) enqueued in the transaction of the change that causes them.

Channels: an enterprise user bound to WeChat gets ``wechat_custom`` (the deliverer falls back to a
template message), one without WeChat a ``console`` row; staff get a ``console`` row (their inbox)
plus a ``wechat_template`` row when they bound their WeChat. Every row has a dedupe key
``<source>:<channel>:u<user id>`` (``source`` is ``audit:<event id>`` for a transition, or a reminder's
own key), inserted with ``ON CONFLICT DO NOTHING``: enqueueing the same notice twice keeps one row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.db import insert_ignoring_duplicates
from models import (
    AuditEvent,
    Demand,
    LocalAssociation,
    Notification,
    NotificationChannel,
    NotificationStatus,
    Region,
    Role,
    User,
)

TITLE_CHARS = 20
FIELD_CHARS = 20


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Notice:
    """What one party is told: a kind (``demand.submitted``), a title, the full text, template fields."""

    kind: str
    title: str
    text: str
    fields: Sequence[tuple[str, str]] = field(default_factory=tuple)
    link: str | None = None

    def payload(self) -> dict[str, object]:
        body: dict[str, object] = {
            "title": _short(self.title, TITLE_CHARS),
            "text": self.text,
            "fields": [[label, _short(value, FIELD_CHARS)] for label, value in self.fields],
        }
        if self.link:
            body["link"] = self.link
        return body


def enterprise_recipients(session: Session, demand: Demand) -> list[User]:
    """The user who submitted the demand, if active; else every active user of its enterprise."""
    if demand.submitted_by_user_id is not None:
        submitter = session.get(User, demand.submitted_by_user_id)
        if submitter is not None and submitter.is_active and submitter.enterprise_id == demand.enterprise_id:
            return [submitter]
    return list(
        session.scalars(
            select(User)
            .where(User.role == Role.ENTERPRISE, User.enterprise_id == demand.enterprise_id, User.is_active)
            .order_by(User.id)
        )
    )


def center_recipients(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.role == Role.CENTER, User.is_active).order_by(User.id)))


def association_recipients(session: Session, region_code: str) -> list[User]:
    """Staff of the association nearest the region that has active users: the county's, then the city's
    (not for Pingtan, a city of its own in the programme), else the provincial center."""
    codes = [region_code]
    region = session.get(Region, region_code)
    if region is not None and region.parent_code and not region.is_special_zone:
        codes.append(region.parent_code)
    for code in codes:
        users = list(
            session.scalars(
                select(User)
                .where(User.role == Role.LOCAL_ASSOCIATION, User.region_code == code, User.is_active)
                .order_by(User.id)
            )
        )
        if users:
            return users
    return center_recipients(session)


def association_name(session: Session, region_code: str) -> str:
    """The name of the body that handles a region's demands (for messages): its association or the center."""
    staff = association_recipients(session, region_code)
    if staff and staff[0].role is Role.LOCAL_ASSOCIATION and staff[0].region_code is not None:
        la = session.scalar(select(LocalAssociation).where(LocalAssociation.region_code == staff[0].region_code))
        if la is not None:
            return la.name
        region = session.get(Region, staff[0].region_code)
        return f"{region.name}科协" if region is not None else "地方科协"
    return "省科技咨询服务中心"


def society_recipients(session: Session, society_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.role == Role.SOCIETY, User.society_id == society_id, User.is_active)
            .order_by(User.id)
        )
    )


def expert_recipients(session: Session, expert_ids: Iterable[int]) -> list[User]:
    """The active logins of these experts (most experts have none; their society speaks for them)."""
    return list(
        session.scalars(
            select(User)
            .where(User.role == Role.EXPERT, User.expert_id.in_(list(expert_ids)), User.is_active)
            .order_by(User.id)
        )
    )


def _rows(
    users: Iterable[User], notice: Notice, *, source: str, demand_id: int | None, now: datetime
) -> list[dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    for user in users:
        channels: list[NotificationChannel]
        if user.role is Role.ENTERPRISE:
            channels = [NotificationChannel.WECHAT_CUSTOM if user.wechat_openid else NotificationChannel.CONSOLE]
        else:
            channels = [NotificationChannel.CONSOLE]
            if user.wechat_openid:
                channels.append(NotificationChannel.WECHAT_TEMPLATE)
        for channel in channels:
            key = f"{source}:{channel.value}:u{user.id}"
            rows[key] = {
                "dedupe_key": key,
                "recipient_user_id": user.id,
                "recipient_openid": user.wechat_openid if channel is not NotificationChannel.CONSOLE else None,
                "channel": channel,
                "kind": notice.kind,
                "payload": notice.payload(),
                "demand_id": demand_id,
                "status": NotificationStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "outcomes": [],
                "created_at": now,
            }
    return list(rows.values())


def tell(
    session: Session,
    users: Iterable[User],
    notice: Notice,
    *,
    source: str,
    demand_id: int | None,
    now: datetime | None = None,
) -> int:
    """Enqueue ``notice`` for each user (deduplicated by ``source``); returns how many rows were added."""
    rows = _rows(users, notice, source=source, demand_id=demand_id, now=now or clock.now())
    return insert_ignoring_duplicates(session, Notification.__table__, rows)  # type: ignore[arg-type]


def tell_openid(session: Session, openid: str, notice: Notice, *, source: str, now: datetime | None = None) -> int:
    """Enqueue a customer-service ``notice`` to a WeChat user who may have no account (the rest of a
    bot reply too long for one message); dedupe key ``<source>:wechat_custom:o<openid>``."""
    moment = now or clock.now()
    user_id = session.scalar(select(User.id).where(User.wechat_openid == openid))
    key = f"{source}:{NotificationChannel.WECHAT_CUSTOM.value}:o{openid}"
    row: dict[str, object] = {
        "dedupe_key": key,
        "recipient_user_id": user_id,
        "recipient_openid": openid,
        "channel": NotificationChannel.WECHAT_CUSTOM,
        "kind": notice.kind,
        "payload": notice.payload(),
        "demand_id": None,
        "status": NotificationStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": moment,
        "outcomes": [],
        "created_at": moment,
    }
    return insert_ignoring_duplicates(session, Notification.__table__, [row])  # type: ignore[arg-type]


def announce(session: Session, event: AuditEvent, users: Iterable[User], notice: Notice) -> int:
    """Tell ``users`` about ``event`` (dedupe source ``audit:<event id>``, dated like the event)."""
    return tell(session, users, notice, source=f"audit:{event.id}", demand_id=event.demand_id, now=event.at)
