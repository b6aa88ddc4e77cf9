"""One turn of the dialogue: who, their state, the settings and the moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.conversation.state import ChatState, Draft
from core.settings import BotSettings

BEIJING = timedelta(hours=8)


@dataclass
class Turn:
    session: Session
    openid: str
    chat: ChatState
    settings: BotSettings
    now: datetime

    @property
    def today(self) -> date:
        return (self.now.astimezone(UTC) + BEIJING).date()

    @property
    def draft(self) -> Draft:
        if self.chat.draft is None:
            raise RuntimeError("no draft")
        return self.chat.draft
