"""Dashboards: the province for the center and the department, a region for its local association."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.console.charts import dashboard_charts
from api.console.deps import ViewerDep
from api.console.web import render
from api.deps import ReadSessionDep
from reporting import dashboard, stuck_demands

router = APIRouter()


def _page(request: Request, viewer: ViewerDep, session: ReadSessionDep, title: str) -> Response:
    data = dashboard(session, viewer.actor)
    context = {"title": title, "data": data, "charts": dashboard_charts(data)}
    return render(request, "dashboard.html", context, viewer=viewer)


@router.get("/console/dashboard", response_class=HTMLResponse)
def province(request: Request, viewer: ViewerDep, session: ReadSessionDep) -> Response:
    return _page(request, viewer, session, "数据看板")


@router.get("/console/overview", response_class=HTMLResponse)
def region(request: Request, viewer: ViewerDep, session: ReadSessionDep) -> Response:
    return _page(request, viewer, session, "本地区概览")


@router.get("/console/stuck", response_class=HTMLResponse)
def stuck(request: Request, viewer: ViewerDep, session: ReadSessionDep) -> Response:
    """Demands waiting too long, and those escalated to the center for re-routing."""
    data = stuck_demands(session, viewer.actor)
    return render(request, "stuck.html", {"title": "滞留与升级", "data": data}, viewer=viewer)
