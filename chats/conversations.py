"""Each WeChat user's conversation row: found, or created once even when two messages race."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Conversation


def find_conversation(session: Session, openid: str) -> Conversation | None:
    return session.scalar(select(Conversation).where(Conversation.openid == openid))


def conversation_of(session: Session, openid: str) -> Conversation:
    """The row of ``openid``, created (idle, empty) on its first message.

    When the user's other message creates it first (another process or thread), the unique openid
    refuses the second insert inside a savepoint and the winner's row is returned.
    """
    row = find_conversation(session, openid)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = Conversation(openid=openid, state="idle", slots={})
            session.add(row)
            session.flush()
        return row
    except IntegrityError:
        existing = find_conversation(session, openid)
        if existing is None:
            raise
        return existing
