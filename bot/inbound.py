"""The one thing the protocol layer hands to the dialogue: a parsed, stored message or event.

``bot/protocol`` verifies, decrypts and parses what the platform posts, stores it as an
:class:`~models.InboundMessage` (before any other effect) and builds an :class:`Inbound`; the dialogue
(:func:`bot.conversation.respond`) sees only this, never XML or HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Inbound:
    """One parsed message or event from one WeChat user, platform-neutral."""

    openid: str
    msg_type: str
    """``text`` | ``voice`` | ``image`` | ``event`` | ``unknown`` (any type we do not handle)."""
    content: str | None
    """Text content, or a voice message's Recognition text (``None`` when the platform sent none)."""
    event: str | None
    """Lower-case event name (``subscribe``, ``unsubscribe``, ``click``, ...) for ``msg_type == 'event'``."""
    event_key: str | None
    """Menu key of a ``click`` event (the keys are in :mod:`bot.menu`)."""
    media_id: str | None
    pic_url: str | None
    created_at: datetime
    """The platform's CreateTime, UTC-aware like every timestamp in the project."""
    inbound_id: int
    """``InboundMessage.id`` of the stored message."""
