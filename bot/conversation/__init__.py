"""The dialogue with one WeChat user: slot filling of a demand, 「我的需求」, hand-over to staff.

Contract: ``respond(session, inbound, *, settings, now) -> str`` is called once per stored inbound
message, inside that message's unit of work (the caller commits; respond never commits). It returns the
reply text in Chinese; an empty string means no reply. No network and no matching happen here.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot.conversation import texts
from bot.conversation.dialogue import handle
from bot.inbound import Inbound
from chats.conversations import conversation_of
from core.errors import DomainError
from core.settings import Settings
from ingestion.pipeline import prepare_demand_text

ATTEMPTS = 3
"""Turns re-applied on fresh state when another message of the same user changed it meanwhile."""


def respond(session: Session, inbound: Inbound, *, settings: Settings, now: datetime) -> str:
    """Answer ``inbound`` and move the user's dialogue state on, in ``session`` (never committed here).

    Conversation rows carry a version: when another message of the same user changed the row since
    it was read (two quick messages on several workers), the turn is rolled back and re-applied on
    the fresh state; a refusal (:class:`~core.errors.DomainError`) rolls the turn back and is the reply.
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    for _ in range(ATTEMPTS):
        try:
            with session.begin_nested():
                row = conversation_of(session, inbound.openid)
                reply = handle(session, row, inbound, settings.bot, now)
                session.flush()
            return reply
        except DomainError as exc:
            return exc.message
        except StaleDataError:
            session.expire_all()
    return texts.BUSY


def warm_up() -> None:
    """Load what a submit needs the first time (jieba's dictionaries, ~2–7 s on a busy machine).

    The serving process calls this in a background thread at start, so the first user to submit
    is answered within the platform's time limit instead of paying for the load.
    """
    prepare_demand_text(None, "企业生产的鞋底在低温下容易开裂，希望专家改进发泡配方。")
