"""The Official Account webhook: ``GET /wechat`` (URL check) and ``POST /wechat`` (messages, events).

The body is read here with a size bound; everything else is :mod:`bot.protocol.webhook`, run in
the thread pool because the database work and the dialogue are synchronous.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from api.deps import DatabaseDep, SettingsDep
from bot.protocol import webhook
from bot.protocol.errors import MalformedMessage
from core import clock

router = APIRouter(tags=["微信公众号"])


@router.get("/wechat", summary="微信服务器地址验证（原样返回 echostr）", response_class=PlainTextResponse)
def verify(request: Request, settings: SettingsDep) -> PlainTextResponse:
    echostr = webhook.verify_endpoint(settings.wechat, dict(request.query_params), clock.now())
    return PlainTextResponse(echostr)


@router.post("/wechat", summary="接收微信消息与事件（被动回复）", response_class=Response)
async def receive(request: Request, settings: SettingsDep, db: DatabaseDep) -> Response:
    body = await _bounded_body(request, settings.wechat.max_body_bytes)
    answer = await run_in_threadpool(webhook.receive, db, settings, dict(request.query_params), body, clock.now())
    return Response(answer.body, media_type=answer.media_type)


async def _bounded_body(request: Request, limit: int) -> bytes:
    """The body, refused (400) as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise MalformedMessage(f"消息过大（{declared} 字节），上限为 {limit} 字节")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise MalformedMessage(f"消息过大，上限为 {limit} 字节")
        chunks.append(chunk)
    return b"".join(chunks)
