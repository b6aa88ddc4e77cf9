"""A society's offers: the inbox, one offer with its team, accepting with an edited team or declining."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.console.deps import ViewerDep
from api.console.web import render
from api.deps import ReadSessionDep, SettingsDep
from workflow import Page
from workflow.offer_queries import list_dockings, list_offers, offer_detail, team_candidates

router = APIRouter()

TABS = {"pending": "待答复", "answered": "已答复", "all": "全部"}


@router.get("/console/offers", response_class=HTMLResponse)
def inbox(
    request: Request,
    viewer: ViewerDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    tab: Literal["pending", "answered", "all"] = "pending",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    data = list_offers(session, viewer.actor, tab, Page(number=page, size=settings.console.page_size))
    context = {"title": "推荐需求", "data": data, "tab": tab, "tabs": TABS}
    return render(request, "offers/inbox.html", context, viewer=viewer)


def _offer_page(
    request: Request,
    viewer: ViewerDep,
    session: ReadSessionDep,
    offer_id: int,
    *,
    team: list[int] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    detail = offer_detail(session, viewer.actor, offer_id)
    chosen = team if team is not None else [m.expert_id for m in detail.proposed]
    context = {"title": detail.demand.title, "o": detail, "chosen": chosen, "error": error}
    return render(request, "offers/detail.html", context, viewer=viewer, status_code=status_code)


@router.get("/console/offers/{offer_id}", response_class=HTMLResponse)
def offer_page(request: Request, offer_id: int, viewer: ViewerDep, session: ReadSessionDep) -> Response:
    return _offer_page(request, viewer, session, offer_id)


@router.get("/console/offers/{offer_id}/members", response_class=HTMLResponse)
def members(
    request: Request,
    offer_id: int,
    viewer: ViewerDep,
    session: ReadSessionDep,
    q: Annotated[str, Query(max_length=50)] = "",
) -> Response:
    """Members of the society to add to the team (an htmx fragment of the offer page)."""
    found = team_candidates(session, viewer.actor, offer_id, q)
    return render(request, "offers/_candidates.html", {"found": found, "q": q}, viewer=viewer)


@router.get("/console/dockings", response_class=HTMLResponse)
def dockings(
    request: Request,
    viewer: ViewerDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    data = list_dockings(session, viewer.actor, Page(number=page, size=settings.console.page_size))
    return render(request, "offers/dockings.html", {"title": "对接项目", "data": data}, viewer=viewer)
