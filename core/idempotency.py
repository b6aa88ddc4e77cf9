"""Idempotency keys: a repeated request gets the first one's response and changes nothing.

A client sends ``Idempotency-Key: <its own unique string>`` with a state-changing request. The
first request with a key *reserves* it (a row in ``idempotency_keys``) inside its own unit of work
and, when it succeeds, stores its response in the same transaction as its effects. A repeat — same
sender, key, method and path — finds the row and gets the stored response back; the same key with
a different request body is refused. Two concurrent repeats meet at the unique constraint: on
PostgreSQL the second insert waits for the first transaction and then fails, on SQLite the second
transaction cannot begin before the first ends; either way the second one replays the first.

A request that fails changes nothing and stores nothing (its transaction rolls back, taking the
reservation with it), so the client may retry it with the same key. Keys expire after
``settings.api.idempotency_key_ttl_hours``; an expired key is free again.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import clock
from core.errors import ValidationFailed
from models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
_VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")
_BOUNDARY = re.compile(r"boundary=\"?([^\";]+)\"?", re.IGNORECASE)


class KeyReused(ValidationFailed):
    code = "idempotency_key_reused"
    default_message = "该 Idempotency-Key 已用于另一个不同内容的请求，请为新请求使用新的键"


class InvalidKey(ValidationFailed):
    code = "idempotency_key_invalid"
    default_message = f"Idempotency-Key 应为 1–{MAX_KEY_LENGTH} 个可见 ASCII 字符（不含空格）"


@dataclass(frozen=True, slots=True)
class KeyedRequest:
    """What identifies a request for idempotency: who sent which key with which method to where."""

    principal: str
    key: str
    method: str
    path: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status_code: int
    content_type: str | None
    body: bytes


MAX_PATH_LENGTH = 512


def stored_path(path: str) -> str:
    """The path as the key table holds it: itself, or its digest when it is longer than the column."""
    if len(path) <= MAX_PATH_LENGTH:
        return path
    return "sha256:" + hashlib.sha256(path.encode()).hexdigest()


def check_key(key: str) -> str:
    if not _VALID_KEY.fullmatch(key):
        raise InvalidKey()
    return key


def fingerprint(content_type: str | None, body: bytes, query: bytes = b"") -> str:
    """A digest of what the request asks for (query string and body), blind to how a client encoded it.

    JSON is compared after parsing (key order and spacing do not matter); a multipart body with its
    random boundary replaced, so the same upload sent twice by a client library matches itself.
    """
    kind = (content_type or "").split(";")[0].strip().lower()
    canonical = body
    if kind == "application/json" or kind.endswith("+json"):
        try:
            canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        except ValueError:
            pass
    elif kind == "multipart/form-data" and content_type:
        found = _BOUNDARY.search(content_type)
        if found:
            canonical = body.replace(found.group(1).encode("latin-1", "replace"), b"<boundary>")
    return hashlib.sha256(query + b"\n" + kind.encode() + b"\n" + canonical).hexdigest()


def _find(session: Session, request: KeyedRequest) -> IdempotencyKey | None:
    return session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.principal == request.principal,
            IdempotencyKey.key == request.key,
            IdempotencyKey.method == request.method,
            IdempotencyKey.path == request.path,
        )
    )


def _replay(row: IdempotencyKey, request: KeyedRequest) -> StoredResponse:
    if row.fingerprint != request.fingerprint:
        raise KeyReused()
    if row.status_code is None or row.body is None:  # pragma: no cover - stored in the same transaction
        raise RuntimeError("idempotency key committed without its response")
    return StoredResponse(row.status_code, row.content_type, row.body)


def reserve(
    session: Session, request: KeyedRequest, *, ttl: timedelta, now: datetime | None = None
) -> StoredResponse | IdempotencyKey:
    """The stored response of an earlier request with this key, or a fresh reservation for this one.

    Raises :class:`KeyReused` when the key came before with a different request. The reservation
    lives in ``session``'s transaction: commit it with :func:`store` or roll it back with the rest.
    """
    at = now or clock.now()
    existing = _find(session, request)
    if existing is not None and existing.expires_at <= at:
        session.delete(existing)
        session.flush()
        existing = None
    if existing is not None:
        return _replay(existing, request)
    row = IdempotencyKey(
        principal=request.principal,
        key=request.key,
        method=request.method,
        path=request.path,
        fingerprint=request.fingerprint,
        created_at=at,
        expires_at=at + ttl,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # A concurrent request with the same key committed first (we waited for it on the index).
        winner = _find(session, request)
        if winner is None:  # pragma: no cover - the constraint said it exists
            raise
        return _replay(winner, request)
    return row


def store(session: Session, reservation: IdempotencyKey, response: StoredResponse) -> None:
    """Record the response of the request that holds ``reservation`` (same transaction as its effects)."""
    reservation.status_code = response.status_code
    reservation.content_type = response.content_type
    reservation.body = response.body
    session.flush()


def purge_expired(session: Session, *, now: datetime | None = None) -> int:
    """Delete expired keys; returns how many."""
    result = session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= (now or clock.now())))
    return int(getattr(result, "rowcount", 0) or 0)
