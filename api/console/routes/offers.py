"""A society's offers: the inbox, one offer with its team, accepting with an edited team or declining."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from api.console import flash
from api.console.deps import ViewerDep
from api.console.forms import ReasonField
from api.console.web import render
from api.deps import ReadSessionDep, SessionDep, SettingsDep
from api.params import IdPath
from core.errors import ValidationFailed
from directory.experts import expert_detail
from workflow import Page
from workflow.offer_queries import TeamCandidate, list_dockings, list_offers, offer_detail, team_candidates
from workflow.offers import accept, decline

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


def _team_rows(
    session: Session, viewer: ViewerDep, offer_id: int, proposed: list[TeamCandidate], team: list[int]
) -> list[TeamCandidate]:
    """The team as the form shows it: the chosen members first (in order), then the unchosen proposed ones."""
    known = {m.expert_id: m for m in proposed}
    rows: list[TeamCandidate] = []
    for expert_id in team:
        if expert_id in known:
            rows.append(known[expert_id])
            continue
        # A member added from the search: found again by name among the society's candidates (with their
        # load and any conflict); the directory only names them.
        e = expert_detail(session, viewer.actor, expert_id)
        found = [c for c in team_candidates(session, viewer.actor, offer_id, e.name) if c.expert_id == expert_id]
        fallback = TeamCandidate(
            expert_id=e.id, name=e.name, title=e.title, employer=e.employer, capacity=e.capacity, load=0,
            is_active=e.is_active, conflict=False,
        )  # fmt: skip
        rows.append(found[0] if found else fallback)
    return rows + [m for m in proposed if m.expert_id not in team]


def _offer_page(
    request: Request,
    viewer: ViewerDep,
    session: Session,
    offer_id: IdPath,
    *,
    team: list[int] | None = None,
    note: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    detail = offer_detail(session, viewer.actor, offer_id)
    chosen = team if team is not None else [m.expert_id for m in detail.proposed]
    rows = _team_rows(session, viewer, offer_id, detail.proposed, chosen) if detail.can_answer else []
    context = {
        "title": detail.demand.title, "o": detail, "chosen": chosen, "team_rows": rows, "note": note, "error": error,
    }  # fmt: skip
    return render(request, "offers/detail.html", context, viewer=viewer, status_code=status_code)


@router.get("/console/offers/{offer_id}", response_class=HTMLResponse)
def offer_page(request: Request, offer_id: IdPath, viewer: ViewerDep, session: ReadSessionDep) -> Response:
    return _offer_page(request, viewer, session, offer_id)


@router.get("/console/offers/{offer_id}/members", response_class=HTMLResponse)
def members(
    request: Request,
    offer_id: IdPath,
    viewer: ViewerDep,
    session: ReadSessionDep,
    q: Annotated[str, Query(max_length=50)] = "",
) -> Response:
    """Members of the society to add to the team (an htmx fragment of the offer page)."""
    found = team_candidates(session, viewer.actor, offer_id, q)
    return render(request, "offers/_candidates.html", {"found": found, "q": q}, viewer=viewer)


@router.post("/console/offers/{offer_id}/accept", response_class=HTMLResponse)
def accept_offer(
    request: Request,
    offer_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    team: Annotated[list[int], Form(max_length=50)] = [],  # noqa: B006 — FastAPI copies form defaults
    leader: Annotated[int | None, Form()] = None,
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Accept with the team as ticked (the leader first); a refused team comes back on the form, explained."""
    chosen = list(dict.fromkeys(team))
    if leader is not None and leader in chosen:
        chosen.remove(leader)
        chosen.insert(0, leader)
    try:
        if leader is not None and leader not in team:
            raise ValidationFailed("团队负责人须是勾选的团队成员之一")
        accept(session, viewer.actor, offer_id, expert_ids=chosen, note=note or None)
    except ValidationFailed as exc:
        # Refused before anything was written: the team is checked first.
        return _offer_page(
            request, viewer, session, offer_id, team=chosen, note=note, error=exc.message, status_code=422
        )
    return flash.redirect(f"/console/offers/{offer_id}", "已接单，等待地方科协确认对接；确认后可查看企业联系方式")


@router.post("/console/offers/{offer_id}/decline")
def decline_offer(
    offer_id: IdPath, viewer: ViewerDep, session: SessionDep, settings: SettingsDep, reason: ReasonField
) -> Response:
    decline(session, viewer.actor, offer_id, reason, policy=settings.workflow)
    return flash.redirect(f"/console/offers/{offer_id}", "已婉拒该推荐，原因已告知推荐方")


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
