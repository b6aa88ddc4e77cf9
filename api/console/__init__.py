"""The web console for local associations, societies and the provincial center (Chinese, server-rendered).

Pages are Jinja2 templates with htmx for partial updates; every route parses its input, calls one
service function (the same ones the REST API calls) and renders. Static assets are served from
``api/static`` (vendored from npm, see ``api/static/vendor/manifest.json``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from api.console.routes import (
    auth,
    demands,
    evaluations,
    inbox,
    members,
    offers,
    overview,
    pilots,
    reports,
    transfer,
    users,
)
from api.console.security import require_csrf

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def install(app: FastAPI) -> None:
    """Mount the console's pages (all CSRF-checked) and the static assets on ``app``."""
    router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf)])
    for module in (auth, inbox, demands, offers, overview, members, reports, transfer, users, evaluations, pilots):
        router.include_router(module.router)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
