"""Operations endpoints: ``/healthz`` and ``/metrics``.

Module-level endpoints reading the app from the request: FastAPI keeps every endpoint callable it
has seen in a process-wide cache, so an endpoint defined inside ``create_app`` would keep each app
(and its database pools and routes) alive after it was dropped.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from api.deps import DatabaseDep, MatchingDep
from api.metrics import Metrics
from core.health import check_health

router = APIRouter(tags=["运维"])


@router.get("/healthz", summary="健康检查")
def healthz(db: DatabaseDep, engine: MatchingDep) -> JSONResponse:
    healthy, report = check_health(db, engine.status())
    return JSONResponse(report, status_code=200 if healthy else 503)


@router.get("/metrics", summary="Prometheus 指标", response_class=Response)
def prometheus_metrics(request: Request) -> Response:
    metrics: Metrics = request.app.state.metrics
    body, content_type = metrics.render()
    return Response(body, media_type=content_type)
