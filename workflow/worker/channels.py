"""How one WeChat notification reaches its recipient: which message type, with which content.

An enterprise's ``wechat_custom`` row goes as a customer-service message while the user's window is
open — opened by the user's last own action (a message, a menu click, following the account; see
:class:`~models.InboundMessage`), ``custom_window_hours`` long, at most ``custom_pushes_per_window``
pushes in it (counted from the rows this outbox delivered to the openid as customer-service
messages since the window opened, bot reply continuations included) — and as a template message
otherwise. The platform has the last word: 45015 or 45047 on a customer-service message sends the
template message in the same attempt, and both outcomes are recorded. A staff member's
``wechat_template`` row is always a template message.

Template messages carry ``client_msg_id`` derived from the row's dedupe key: the platform drops a
repeat of the same id for the same user within 10 minutes, so resending one after a crash is
harmless. Customer-service messages have no such id; see :mod:`workflow.worker.outbox` for what
that means when a worker dies mid-send.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chats.messages import last_user_action_at
from core.settings import WeChatSettings
from models import Notification, NotificationChannel, NotificationStatus
from workflow.notify import FIELD_CHARS

SENDING = "sending"
"""The outcome written just before a customer-service message goes out, replaced by the real one after."""
IN_DOUBT = "in_doubt"
"""A customer-service message that may or may not have arrived (timeout, broken connection)."""


class Route(enum.StrEnum):
    CUSTOM = "custom"
    TEMPLATE = "template"


@dataclass(frozen=True)
class Letter:
    """What the deliverer needs of a claimed row, read in the transaction that plans the send."""

    id: int
    channel: NotificationChannel
    openid: str | None
    dedupe_key: str
    payload: Mapping[str, Any]
    attempts: int
    custom_in_doubt: bool
    """An earlier customer-service attempt of this row has an unknown fate: never send one again."""


def letter_of(row: Notification) -> Letter:
    outcomes = row.outcomes or []
    in_doubt = any(o.get("result") == IN_DOUBT for o in outcomes) or (
        bool(outcomes) and outcomes[-1].get("result") == SENDING
    )
    return Letter(
        row.id, row.channel, row.recipient_openid, row.dedupe_key, dict(row.payload or {}), row.attempts, in_doubt
    )


def window_closed_reason(session: Session, *, openid: str, now: datetime, settings: WeChatSettings) -> str | None:
    """Why a customer-service message is not allowed now (None: the window is open)."""
    opened = last_user_action_at(session, openid)
    if opened is None:
        return "用户尚未主动发过消息，客服消息窗口未打开"
    if now - opened >= timedelta(hours=settings.custom_window_hours):
        return f"距用户最后一条消息已超过 {settings.custom_window_hours} 小时，客服消息窗口已关闭"
    pushed = session.scalar(
        select(func.count(Notification.id)).where(
            Notification.recipient_openid == openid,
            Notification.delivered_channel == NotificationChannel.WECHAT_CUSTOM,
            Notification.sent_at >= opened,
            Notification.status == NotificationStatus.SENT,
        )
    )
    if int(pushed or 0) >= settings.custom_pushes_per_window:
        return f"本次窗口内已推送 {settings.custom_pushes_per_window} 条客服消息，已达上限"
    return None


def custom_text(payload: Mapping[str, Any], settings: WeChatSettings) -> str:
    text = str(payload.get("text") or payload.get("title") or "")
    url = link_url(payload, settings)
    return f"{text}\n详情：{url}" if url else text


def link_url(payload: Mapping[str, Any], settings: WeChatSettings) -> str | None:
    link = payload.get("link")
    if not link or not settings.link_base_url:
        return None
    return settings.link_base_url.rstrip("/") + "/" + str(link).lstrip("/")


def template_value(value: object) -> str:
    """A template field value as the platform takes it: one line, at most ``FIELD_CHARS`` characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= FIELD_CHARS else text[: FIELD_CHARS - 1] + "…"


def template_data(payload: Mapping[str, Any], keys: Sequence[str]) -> dict[str, str]:
    """The title under the first key, the field values under the next ones (empty values left out)."""
    fields = payload.get("fields") or []
    values = [payload.get("title") or payload.get("text") or "", *(item[1] for item in fields if len(item) > 1)]
    return {key: template_value(value) for key, value in zip(keys, values, strict=False) if str(value).strip()}


def template_id_for(channel: NotificationChannel, settings: WeChatSettings) -> str:
    """The enterprise's status template for its rows, the staff task template for staff rows."""
    if channel is NotificationChannel.WECHAT_CUSTOM:
        return settings.template_status_update
    return settings.template_staff_task


def client_msg_id(dedupe_key: str) -> str:
    """A short stable id of the row for the platform's template de-duplication."""
    return "zl" + hashlib.sha256(dedupe_key.encode("utf-8")).hexdigest()[:30]
