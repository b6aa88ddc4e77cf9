"""The ``Idempotency-Key`` header on state-changing requests (see :mod:`core.idempotency`).

A pure ASGI middleware, so it sees the finished response of any route: for a POST or PATCH under
``/api/`` that carries the header it reads the body, opens the request's unit of work itself and
reserves the key; the route's ``SessionDep`` then joins that session (``request.state.unit_of_work``)
instead of opening its own. A 2xx response is stored with the key and committed together with the
route's effects before a byte goes out; any other outcome rolls everything back and stores nothing.
A repeat is answered from the stored response with ``Idempotency-Replayed: true``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core import idempotency
from core.db import Database
from core.errors import DomainError
from core.settings import Settings
from models import IdempotencyKey

METHODS = frozenset({"POST", "PATCH"})
EXEMPT_PREFIXES = ("/api/auth/",)
"""Logins are not state changes a client repeats, and a failed one must keep its throttle record."""
REPLAYED_HEADER = "Idempotency-Replayed"
STATE_KEY = "unit_of_work"

PrincipalResolver = Callable[[Session, Request], str]


def _json_message(
    status: int, body: dict[str, object], extra: list[tuple[bytes, bytes]] | None = None
) -> list[Message]:
    payload = json.dumps(body, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    return [
        {"type": "http.response.start", "status": status, "headers": headers + (extra or [])},
        {"type": "http.response.body", "body": payload},
    ]


async def _send_all(send: Send, messages: list[Message]) -> None:
    for message in messages:
        await send(message)


def applies_to(path: str) -> bool:
    return path.startswith("/api/") and not path.startswith(EXEMPT_PREFIXES)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, *, principal_of: PrincipalResolver) -> None:
        self.app = app
        self.principal_of = principal_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in METHODS or not applies_to(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get(idempotency.HEADER)
        if key is None:
            await self.app(scope, receive, send)
            return
        try:
            idempotency.check_key(key)
        except DomainError as exc:
            await _send_all(send, _json_message(exc.status_code, exc.to_dict()))
            return
        request = Request(scope, receive)
        body = await request.body()
        settings: Settings = scope["app"].state.settings
        db: Database = scope["app"].state.db
        ttl = timedelta(hours=settings.api.idempotency_key_ttl_hours)
        session = db.new_session()
        try:
            keyed = idempotency.KeyedRequest(
                principal=await run_in_threadpool(self.principal_of, session, request),
                key=key,
                method=scope["method"],
                path=idempotency.stored_path(scope["path"]),
                fingerprint=idempotency.fingerprint(headers.get("content-type"), body, scope.get("query_string", b"")),
            )
            await self._run(scope, send, session, keyed, ttl, body, receive)
        finally:
            await run_in_threadpool(session.close)

    async def _run(
        self,
        scope: Scope,
        send: Send,
        session: Session,
        keyed: idempotency.KeyedRequest,
        ttl: timedelta,
        body: bytes,
        receive: Receive,
    ) -> None:
        try:
            outcome = await run_in_threadpool(idempotency.reserve, session, keyed, ttl=ttl)
        except DomainError as exc:
            await run_in_threadpool(session.rollback)
            await _send_all(send, _json_message(exc.status_code, exc.to_dict()))
            return
        if isinstance(outcome, idempotency.StoredResponse):
            await run_in_threadpool(session.rollback)
            await _send_all(send, self._replay(outcome))
            return

        body_sent = False

        async def replay_body() -> Message:
            nonlocal body_sent
            if not body_sent:
                body_sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)

        scope.setdefault("state", {})[STATE_KEY] = session
        try:
            await self.app(scope, replay_body, capture)
        except BaseException:
            await run_in_threadpool(session.rollback)
            raise
        start = messages[0]
        status = int(start["status"])
        if 200 <= status < 300:
            content_type = Headers(raw=start.get("headers", [])).get("content-type")
            stored = idempotency.StoredResponse(
                status, content_type, b"".join(m.get("body", b"") for m in messages[1:])
            )
            await run_in_threadpool(self._commit, session, outcome, stored)
        else:
            await run_in_threadpool(session.rollback)
        await _send_all(send, messages)

    @staticmethod
    def _commit(session: Session, reservation: IdempotencyKey, stored: idempotency.StoredResponse) -> None:
        idempotency.store(session, reservation, stored)
        session.commit()

    @staticmethod
    def _replay(stored: idempotency.StoredResponse) -> list[Message]:
        headers = [(b"content-length", str(len(stored.body)).encode()), (REPLAYED_HEADER.lower().encode(), b"true")]
        if stored.content_type:
            headers.append((b"content-type", stored.content_type.encode()))
        return [
            {"type": "http.response.start", "status": stored.status_code, "headers": headers},
            {"type": "http.response.body", "body": stored.body},
        ]
