"""The webhook's use cases: answer the platform's URL check, and receive one message or event.

:func:`receive` stores the message before anything else happens, in the same transaction as the
dialogue's effects and the reply: a retry of a stored message (sequential, concurrent, on another
process) finds the row and gets the stored reply instead of a second effect. When the dialogue
raises, its effects are rolled back to a savepoint and the message stays stored as ``failed`` with
an apology; when a concurrent message of the same user changed the conversation first
(optimistic version check), the whole unit of work runs again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot import conversation
from bot.protocol.envelope import Envelope, check_request, open_body
from bot.protocol.messages import ParsedMessage, parse_message
from bot.protocol.replies import render_text_reply, split_reply, xml_safe
from chats import messages
from core.db import Database
from core.errors import DomainError
from core.settings import Settings, WeChatSettings
from models import InboundStatus
from workflow.notify import Notice, tell_openid

log = logging.getLogger("zhuli.bot.webhook")

ATTEMPTS = 3
"""Units of work tried when concurrent messages of one user collide on the conversation."""
RETRY_WAIT_SECONDS = 4.0
"""How long a retry waits for the first delivery's reply (it is normally committed already)."""
MAX_PARTS = 5
"""A reply is cut into at most this many messages (the platform allows 5 pushes per window)."""
NO_REPLY = "success"
"""The platform's "received, nothing to say" answer (plain text, never encrypted)."""

APOLOGY = "抱歉，系统暂时出了点问题，您的消息已记录，请稍后再试。"
TRUNCATED = "\n……（内容过长，其余部分请登录网页端查看）"


@dataclass(frozen=True)
class WebhookAnswer:
    body: str
    media_type: str


def verify_endpoint(settings: WeChatSettings, query: Mapping[str, str], now: datetime) -> str:
    """The ``echostr`` of a correctly signed, fresh URL check (returned byte for byte as plain text)."""
    check_request(settings, query, now)
    return query.get("echostr", "")


def receive(db: Database, settings: Settings, query: Mapping[str, str], body: bytes, now: datetime) -> WebhookAnswer:
    """Verify, store and answer one POST from the platform (see the module docstring)."""
    check_request(settings.wechat, query, now)
    envelope = open_body(settings.wechat, query, body)
    message = parse_message(envelope.fields, envelope.xml)
    reply = _handle(db, settings, message, now)
    return _answer(envelope, reply, now)


def _answer(envelope: Envelope, reply: str | None, now: datetime) -> WebhookAnswer:
    if not reply:
        return WebhookAnswer(NO_REPLY, "text/plain")
    return WebhookAnswer(envelope.seal(reply, now), "application/xml")


_SQLITE_WRITERS: dict[int, threading.Lock] = {}


def _writer_gate(db: Database) -> AbstractContextManager[object]:
    """On SQLite, this process's message transactions queue on a lock instead of the database's.

    SQLite lets one writer in at a time; the others wait in its busy handler, which polls with
    sleeps growing to 100 ms, so under load the write lock sits free while waiters sleep. Waiting on
    a process-local lock hands it over at once (40 threads × 80 users in one process: p99 1.3–1.6 s
    → 0.3 s, 220–245 → 325–360 messages/s). Other processes still queue on the database
    (busy_timeout). PostgreSQL needs no gate: its row locks wake waiters directly.
    """
    if db.dialect != "sqlite":
        return nullcontext()
    return _SQLITE_WRITERS.setdefault(id(db.engine), threading.Lock())


def _handle(db: Database, settings: Settings, message: ParsedMessage, now: datetime) -> str | None:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with _writer_gate(db), db.unit_of_work() as session:
                reply = _receive_once(session, settings, message, now)
        except (StaleDataError, IntegrityError, OperationalError) as exc:
            if isinstance(exc, OperationalError) and not _is_transient(exc):
                raise
            log.warning("message %s collided (attempt %d): %s", message.dedupe_key, attempt, exc)
            continue
        if reply is not None:
            return reply
        return _wait_for_stored_reply(db, message.dedupe_key)
    with _writer_gate(db), db.unit_of_work() as session:  # still colliding: keep the message, apologise
        inbound_id = messages.store(session, message, now)
        if inbound_id is None:
            return None
        reply = _render(session, settings, message, inbound_id, APOLOGY, now)
        messages.finish(session, inbound_id, reply=reply, status=InboundStatus.FAILED, error="collisions", now=now)
    return reply


def _is_transient(exc: OperationalError) -> bool:
    """PostgreSQL's serialization failure / deadlock, or SQLite's busy database."""
    code = getattr(exc.orig, "sqlstate", None)
    return code in ("40001", "40P01") or "database is locked" in str(exc.orig)


def _wait_for_stored_reply(db: Database, dedupe_key: str) -> str | None:
    deadline = time.monotonic() + RETRY_WAIT_SECONDS
    while True:
        with db.read_session() as session:
            found, reply = messages.stored_reply(session, dedupe_key)
        if reply is not None or not found or time.monotonic() >= deadline:
            return reply
        time.sleep(0.05)


def _receive_once(session: Session, settings: Settings, message: ParsedMessage, now: datetime) -> str | None:
    """Store and answer ``message`` in ``session``; None when it was stored before (a retry)."""
    inbound_id = messages.store(session, message, now)
    if inbound_id is None:
        found, reply = messages.stored_reply(session, message.dedupe_key)
        return reply if found else None
    text, status, error = _reply_text(session, settings, message, inbound_id, now)
    reply = _render(session, settings, message, inbound_id, text, now)
    messages.finish(session, inbound_id, reply=reply, status=status, error=error, now=now)
    return reply


def _reply_text(
    session: Session, settings: Settings, message: ParsedMessage, inbound_id: int, now: datetime
) -> tuple[str, InboundStatus, str | None]:
    wechat = settings.wechat
    if message.msg_type != "event":
        if messages.is_rate_limited(
            session,
            message.openid,
            inbound_id,
            now=now,
            window_seconds=wechat.rate_limit_window_seconds,
            limit=wechat.rate_limit_messages,
        ):
            text = (
                f"您发送消息太频繁了，请稍等 {wechat.rate_limit_window_seconds} 秒后再试。刚才的消息已记录，但未处理。"
            )
            return text, InboundStatus.IGNORED, "rate limited"
    limit = settings.bot.max_message_chars
    if message.is_user_text and message.content and len(message.content) > limit:
        text = f"您发送的内容有 {len(message.content)} 字，超过了单条消息 {limit} 字的上限，请分成几条发送。"
        return text, InboundStatus.IGNORED, "text too long"
    savepoint = session.begin_nested()
    try:
        text = conversation.respond(session, message.inbound(inbound_id), settings=settings, now=now)
        session.flush()
    except (StaleDataError, IntegrityError, OperationalError):
        raise  # a concurrent change: the caller runs the whole unit of work again
    except DomainError as exc:
        savepoint.rollback()
        return exc.message, InboundStatus.PROCESSED, exc.code
    except Exception as exc:  # noqa: BLE001 - a bug in the dialogue must not lose the message
        savepoint.rollback()
        log.exception("the dialogue failed on inbound message %s", inbound_id)
        return APOLOGY, InboundStatus.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
    savepoint.commit()
    return text, InboundStatus.PROCESSED, None


def _render(
    session: Session, settings: Settings, message: ParsedMessage, inbound_id: int, text: str, now: datetime
) -> str:
    """The passive reply XML for ``text`` ('' for none); parts beyond the first go to the outbox."""
    text = xml_safe(text)
    if not text:
        return ""
    parts = split_reply(text, settings.wechat.reply_max_bytes)
    if len(parts) > MAX_PARTS:
        last = "".join(parts[MAX_PARTS - 1 :])
        room = settings.wechat.reply_max_bytes - len(TRUNCATED.encode("utf-8"))
        parts = [*parts[: MAX_PARTS - 1], split_reply(last, room)[0] + TRUNCATED]
    for number, part in enumerate(parts[1:], start=2):
        notice = Notice(kind="bot.reply_part", title=f"回复（续 {number}/{len(parts)}）", text=part)
        tell_openid(session, message.openid, notice, source=f"inbound:{inbound_id}:part{number}", now=now)
    return render_text_reply(
        to_openid=message.openid, from_account=message.account, text=parts[0], created=int(now.timestamp())
    )
