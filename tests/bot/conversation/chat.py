"""A scripted WeChat user talking to :func:`bot.conversation.respond` inside a test's session."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversation import respond
from bot.inbound import Inbound
from core.settings import Settings
from models import Conversation

START = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
_ids = itertools.count(1)


class Chat:
    """One openid; every call is one inbound message and returns the bot's reply."""

    def __init__(self, session: Session, openid: str, *, settings: Settings | None = None, now: datetime = START):
        self.session = session
        self.openid = openid
        self.settings = settings or Settings()
        self.now = now
        self.replies: list[str] = []

    def _send(self, msg_type: str, **fields: str | None) -> str:
        self.now += timedelta(seconds=5)
        inbound = Inbound(
            openid=self.openid,
            msg_type=msg_type,
            content=fields.get("content"),
            event=fields.get("event"),
            event_key=fields.get("event_key"),
            media_id=fields.get("media_id"),
            pic_url=fields.get("pic_url"),
            created_at=self.now.replace(tzinfo=None),
            inbound_id=next(_ids),
        )
        reply = respond(self.session, inbound, settings=self.settings, now=self.now)
        self.session.flush()
        self.replies.append(reply)
        return reply

    def say(self, text: str) -> str:
        return self._send("text", content=text)

    def voice(self, recognition: str | None) -> str:
        return self._send("voice", content=recognition, media_id="voice-media")

    def image(self, media_id: str) -> str:
        return self._send("image", media_id=media_id, pic_url=f"http://mmbiz.example/{media_id}.jpg")

    def click(self, key: str) -> str:
        return self._send("event", event="click", event_key=key)

    def subscribe(self) -> str:
        return self._send("event", event="subscribe")

    def conversation(self) -> Conversation:
        row = self.session.scalar(select(Conversation).where(Conversation.openid == self.openid))
        assert row is not None
        return row
