"""The FastAPI application factory."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from api import console, docs
from api.access import principal_of
from api.body_guard import BodyGuardMiddleware
from api.errors import install_error_handlers
from api.idempotency import IdempotencyMiddleware
from api.metrics import Metrics, MetricsMiddleware
from api.openapi import install_openapi
from api.routes import (
    auth,
    demands,
    directory,
    dockings,
    inbox,
    matches,
    offers,
    ops,
    pages,
    program_evaluations,
    program_pilots,
    program_reports,
    reference,
    statistics,
    transfer,
    users,
    wechat,
)
from bot import conversation
from core.db import Database
from core.logging import configure_logging, request_id_var
from core.settings import Settings, get_settings
from matching.engine import MatchingEngine
from matching.keeper import IndexKeeper

log = logging.getLogger("zhuli.http")


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    matching: MatchingEngine | None = None,
    keep_index: bool = True,
    run_worker: bool | None = None,
) -> FastAPI:
    """Build the app.

    ``database`` and ``matching`` are injected by tests; otherwise they come from ``settings``.
    ``keep_index`` starts the background thread that prepares the index and follows profile
    changes; tests that share one connection with the app turn it off. ``run_worker`` starts the
    in-process outbox and job worker (default: ``settings.worker.in_process`` when ``keep_index``).
    """
    settings = settings or get_settings()
    owns_db = database is None
    db = database or Database.from_url(settings.resolved_database_url)
    engine = matching or MatchingEngine.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        keeper = IndexKeeper(db, engine) if keep_index else None
        if keeper is not None:
            keeper.start()
            threading.Thread(target=conversation.warm_up, name="dialogue-warm-up", daemon=True).start()
        worker = None
        if run_worker if run_worker is not None else (keep_index and settings.worker.in_process):
            from workflow.worker import Worker, wechat_api_for

            worker = Worker(db, settings, engine=engine, api=wechat_api_for(settings, db))
            worker.start()
        yield
        if worker is not None:
            worker.stop()
        if keeper is not None:
            keeper.stop()
        if owns_db:
            db.dispose()

    app = FastAPI(
        title="助力 Zhuli",
        description="福建省创新驱动助力工程：企业技术需求与专家、学会的智能匹配和对接服务",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served by api.docs from the vendored assets
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.matching = engine
    install_error_handlers(app)
    metrics = Metrics(db)
    app.state.metrics = metrics
    # Added last = outermost: metrics see every response, the idempotency layer sees the rendered one.
    app.add_middleware(IdempotencyMiddleware, principal_of=principal_of)
    app.add_middleware(
        BodyGuardMiddleware,
        max_body_bytes=settings.api.max_body_bytes,
        max_upload_bytes=settings.api.max_upload_bytes,
    )
    app.add_middleware(MetricsMiddleware, metrics=metrics)

    @app.middleware("http")
    async def _request_context(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        rid = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        token = request_id_var.set(rid)
        started = time.perf_counter()
        try:
            response = await call_next(request)
        finally:
            request_id_var.reset(token)
        elapsed = (time.perf_counter() - started) * 1000
        response.headers["x-request-id"] = rid
        log.info(
            "%s %s %s",
            request.method,
            request.url.path,
            response.status_code,
            extra={"request_id": rid, "duration_ms": round(elapsed, 1)},
        )
        return response

    app.include_router(ops.router)
    app.include_router(auth.router)
    app.include_router(users.router)
    app.include_router(reference.router)
    app.include_router(matches.router)
    app.include_router(demands.router)
    app.include_router(offers.router)
    app.include_router(dockings.router)
    app.include_router(directory.router)
    app.include_router(transfer.router)
    app.include_router(inbox.router)
    app.include_router(statistics.router)
    app.include_router(program_reports.router)
    app.include_router(program_evaluations.router)
    app.include_router(pages.router)
    app.include_router(program_pilots.router)
    app.include_router(wechat.router)
    console.install(app)
    install_openapi(app)
    app.include_router(docs.router)
    return app


def build_app() -> FastAPI:
    """Entry point for ``uvicorn --factory api.app:build_app``."""
    settings = get_settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    return create_app(settings)
