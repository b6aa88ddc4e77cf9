"""The verified XML of one message or event, described the way it is stored and handed on.

Read from the raw fields rather than through wechatpy's classes: 1.8.18 turns event types it does
not know (``subscribe_msg_popup_event``, …) into ``UnknownMessage`` and renames a scan-to-subscribe
to ``subscribe_scan``; here the event keeps the platform's own (lower-cased) name, and message types
the dialogue does not handle are ``unknown`` for it while the row keeps the real type.

Dedupe key (see :class:`~models.InboundMessage`): ``msg:<MsgId>`` for messages, and
``evt:<openid>:<CreateTime>:<event>`` for events and anything else without a MsgId — the
platform's own rule for recognising its retries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.inbound import Inbound
from bot.protocol.errors import MalformedMessage

HANDLED_TYPES = frozenset({"text", "voice", "image", "event"})
OPENID_CHARS = 64
NAME_CHARS = 64
TYPE_CHARS = 32
"""Column widths of ``InboundMessage.event`` and ``.msg_type``: longer names are cut, not refused."""
INT64_MAX = 2**63 - 1


def _text(fields: dict[str, Any], name: str) -> str | None:
    value = fields.get(name)
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class ParsedMessage:
    openid: str
    account: str
    """ToUserName: the Official Account's own id, the sender of our reply."""
    msg_type: str
    """The platform's MsgType, lower-cased (``location``, ``video``, … are kept as they are)."""
    msg_id: int | None
    dedupe_key: str
    content: str | None
    event: str | None
    event_key: str | None
    media_id: str | None
    pic_url: str | None
    created_at: datetime
    raw_xml: str

    @property
    def kind(self) -> str:
        """The type the dialogue sees: ``text``/``voice``/``image``/``event``, else ``unknown``."""
        return self.msg_type if self.msg_type in HANDLED_TYPES else "unknown"

    @property
    def is_user_text(self) -> bool:
        return self.msg_type in ("text", "voice")

    def inbound(self, inbound_id: int) -> Inbound:
        return Inbound(
            openid=self.openid,
            msg_type=self.kind,
            content=self.content,
            event=self.event,
            event_key=self.event_key,
            media_id=self.media_id,
            pic_url=self.pic_url,
            created_at=self.created_at,
            inbound_id=inbound_id,
        )


def parse_message(fields: dict[str, Any], raw_xml: str) -> ParsedMessage:
    """Describe the ``<xml>`` fields of a verified message; 400 when a required field is missing."""
    openid = _text(fields, "FromUserName")
    msg_type = _text(fields, "MsgType")
    created = _text(fields, "CreateTime")
    if not openid or not msg_type or not created:
        raise MalformedMessage("消息缺少 FromUserName、MsgType 或 CreateTime")
    if len(openid) > OPENID_CHARS:
        raise MalformedMessage("FromUserName 过长")
    try:
        created_at = datetime.fromtimestamp(int(created), UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise MalformedMessage("CreateTime 不是有效的时间戳") from exc
    msg_type = msg_type.strip().lower()[:TYPE_CHARS]
    msg_id: int | None = None
    if (raw_id := _text(fields, "MsgId")) is not None:
        try:
            msg_id = int(raw_id)
        except ValueError as exc:
            raise MalformedMessage("MsgId 不是整数") from exc
        if not 0 <= msg_id <= INT64_MAX:
            raise MalformedMessage("MsgId 超出范围")
        msg_id = msg_id or None
    event = _text(fields, "Event")
    event = event.strip().lower()[:NAME_CHARS] if event else None
    if msg_type == "event" and not event:
        raise MalformedMessage("事件消息缺少 Event")
    content = _text(fields, "Recognition") if msg_type == "voice" else _text(fields, "Content")
    if msg_id is not None:
        dedupe_key = f"msg:{msg_id}"
    else:
        dedupe_key = f"evt:{openid}:{int(created)}:{event or msg_type}"
    return ParsedMessage(
        openid=openid,
        account=_text(fields, "ToUserName") or "",
        msg_type=msg_type,
        msg_id=msg_id,
        dedupe_key=dedupe_key,
        content=content if msg_type in ("text", "voice") else None,
        event=event if msg_type == "event" else None,
        event_key=_text(fields, "EventKey") if msg_type == "event" else None,
        media_id=_text(fields, "MediaId"),
        pic_url=_text(fields, "PicUrl"),
        created_at=created_at,
        raw_xml=raw_xml,
    )
