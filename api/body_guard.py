"""Request bodies are bounded before any route (or the idempotency layer) reads them.

- Size: a declared ``Content-Length`` over the limit is answered 413 without reading a byte; a body
  without one (chunked) is counted as it arrives and refused as soon as it passes the limit. File
  uploads (``multipart/form-data``) have their own, larger limit.
- JSON: nested deeper than :data:`MAX_JSON_DEPTH`, or holding a NUL character anywhere (PostgreSQL
  cannot store one, and no name or text of ours contains one), is refused with a Chinese 422 before
  the route runs. The checked body is handed on unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_JSON_DEPTH = 32
"""Deeper than any body the API takes (its deepest is a list of objects inside an object)."""


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when the body passes its limit (an HTTPException, so FastAPI's body
    parsing passes it on and the error handlers render it)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"提交的内容过大（上限 {_size(limit)}）")


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def json_problem(value: Any) -> str | None:
    """Why a parsed JSON body is refused (too deep, NUL character), or ``None``."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                return f"JSON 嵌套层数过多（最多 {MAX_JSON_DEPTH} 层）"
            children = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in children:
                if isinstance(key, str) and "\x00" in key:
                    return "内容含有不允许的控制字符（NUL）"
                stack.append((child, depth + 1))
        elif isinstance(item, str) and "\x00" in item:
            return "内容含有不允许的控制字符（NUL）"
    return None


class BodyGuardMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope["headers"]}
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        limit = self.max_upload_bytes if content_type == b"multipart/form-data" else self.max_body_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, BodyTooLarge(limit))
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        inner: Receive = counted
        try:
            if content_type == b"application/json" and scope["method"] in ("POST", "PUT", "PATCH"):
                inner = await self._checked_json(counted)
            await self.app(scope, inner, tracked)
        except HTTPException as exc:
            if started or exc.status_code not in (413, 422):
                raise
            await self._refuse(scope, receive, send, exc)

    async def _checked_json(self, receive: Receive) -> Receive:
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        problem: str | None = None
        try:
            problem = json_problem(json.loads(body)) if body else None
        except RecursionError:
            problem = f"JSON 嵌套层数过多（最多 {MAX_JSON_DEPTH} 层）"
        except ValueError:
            problem = None  # not JSON at all: FastAPI answers that in its own words
        if problem is not None:
            raise HTTPException(422, problem)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        return replay

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, exc: HTTPException) -> None:
        from api.errors import refusal

        await refusal(Request(scope, receive), exc.status_code, str(exc.detail))(scope, receive, send)
