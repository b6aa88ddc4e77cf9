"""Demands for those who screen and route them: the queue, the detail with suggestions, and the moves.

Local associations see their region subtree, the provincial center and department everything, a
society the demands it was offered — the workflow's queries decide, the pages only show.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

import workflow
from api.console import flash
from api.console.deps import ViewerDep
from api.console.forms import ReasonField, parse_filters
from api.console.web import render
from api.deps import MatchingDep, ReadSessionDep, SessionDep, SettingsDep
from api.params import IdPath
from directory.societies import SocietyFilters, list_societies
from models import DemandCategory, DemandStatus
from workflow import DemandFilters, Page, dockings, offers

router = APIRouter()

QUEUE_STATES: dict[str, tuple[str, list[DemandStatus]]] = {
    "submitted": ("待审核", [DemandStatus.SUBMITTED]),
    "returned": ("已退回待补充", [DemandStatus.RETURNED]),
    "screened": ("已审核", [s for s in DemandStatus if s not in (DemandStatus.DRAFT, DemandStatus.SUBMITTED)]),
    "all": ("全部", []),
}
CONFIRM_STATES = [DemandStatus.ACCEPTED]


def _list_page(
    request: Request,
    viewer: ViewerDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    *,
    template: str,
    title: str,
    filters: DemandFilters,
    page: int,
    extra: Mapping[str, object],
) -> Response:
    data = workflow.list_demands(session, viewer.actor, filters, Page(number=page, size=settings.console.page_size))
    context = {"title": title, "data": data, "filters": filters, "categories": list(DemandCategory), **extra}
    if request.headers.get("hx-request") and request.headers.get("hx-target") == "results":
        return render(request, "demands/_results.html", context, viewer=viewer)
    return render(request, template, context, viewer=viewer)


@router.get("/console/screening", response_class=HTMLResponse)
def screening_queue(
    request: Request,
    viewer: ViewerDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    state: Annotated[str, Query(max_length=20)] = "submitted",
    q: Annotated[str, Query(max_length=100)] = "",
    category: Annotated[str, Query(max_length=32)] = "",
    region: Annotated[str, Query(max_length=6)] = "",
    sort: Annotated[str, Query(max_length=10)] = "oldest",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """The screening queue: oldest waiting first, with filters and full-text search."""
    label, states = QUEUE_STATES.get(state, QUEUE_STATES["submitted"])
    filters = parse_filters(states=states, q=q, category=category, region=region, sort=sort)
    extra = {"state": state if state in QUEUE_STATES else "submitted", "states": QUEUE_STATES, "state_label": label}
    return _list_page(
        request, viewer, session, settings, template="demands/queue.html", title="需求审核", filters=filters,
        page=page, extra=extra,
    )  # fmt: skip


@router.get("/console/confirmations", response_class=HTMLResponse)
def confirmations(
    request: Request,
    viewer: ViewerDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Demands a society accepted, waiting for the local association to confirm the docking."""
    filters = parse_filters(states=CONFIRM_STATES, sort="oldest")
    return _list_page(
        request, viewer, session, settings, template="demands/confirmations.html", title="待确认对接",
        filters=filters, page=page, extra={},
    )  # fmt: skip


@router.get("/console/demands/{demand_id}", response_class=HTMLResponse)
def demand_page(request: Request, demand_id: IdPath, viewer: ViewerDep, session: ReadSessionDep) -> Response:
    detail = workflow.demand_detail(session, viewer.actor, demand_id)
    context: dict[str, object] = {"title": detail.title, "d": detail}
    if "reroute" in detail.actions:
        offered = {o.society_id for o in detail.offers}
        listed = list_societies(session, viewer.actor, SocietyFilters(offerable=True), size=1000).items
        context["reroute_to"] = [s for s in listed if s.id not in offered]
    return render(request, "demands/detail.html", context, viewer=viewer)


@router.get("/console/demands/{demand_id}/suggestions", response_class=HTMLResponse)
def live_suggestions(
    request: Request,
    demand_id: IdPath,
    viewer: ViewerDep,
    session: ReadSessionDep,
    engine: MatchingDep,
    reroute: bool = False,
) -> Response:
    """Suggestions computed now (for demands whose submission has no stored snapshot yet)."""
    result = workflow.match_suggestions(session, viewer.actor, engine, demand_id)
    context = {"s": result, "live": True, "reroute": reroute, "demand_id": demand_id}
    return render(request, "demands/_suggestions.html", context, viewer=viewer)


@router.post("/console/demands/{demand_id}/approve")
def approve(
    demand_id: IdPath, viewer: ViewerDep, session: SessionDep, note: Annotated[str, Form(max_length=2000)] = ""
) -> Response:
    workflow.approve(session, viewer.actor, demand_id, note=note or None)
    return flash.redirect(f"/console/demands/{demand_id}", "已审核通过，系统将把需求推荐给匹配的学会")


@router.post("/console/demands/{demand_id}/reroute")
def reroute(
    demand_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    settings: SettingsDep,
    society_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """The center offers an escalated (unmatched) demand to the society it chooses."""
    offers.reroute(session, viewer.actor, demand_id, society_id, note=note or None, policy=settings.workflow)
    return flash.redirect(f"/console/demands/{demand_id}", "已重新推荐给指定学会，学会将收到通知")


@router.post("/console/demands/{demand_id}/confirm-docking")
def confirm(
    demand_id: IdPath, viewer: ViewerDep, session: SessionDep, note: Annotated[str, Form(max_length=2000)] = ""
) -> Response:
    """The local association confirms the society's acceptance and team: the docking starts."""
    dockings.confirm_docking(session, viewer.actor, demand_id, note=note or None)
    return flash.redirect(f"/console/demands/{demand_id}", "已确认对接，企业和学会将收到对方的联系方式")


@router.post("/console/demands/{demand_id}/agreement")
def agreement(
    demand_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    signed_on: Annotated[date, Form()],
    amount_wan: Annotated[Decimal | None, Form(ge=0, le=99_999_999)] = None,
) -> Response:
    """The cooperation agreement: its date and amount (the form takes 万元, the service yuan)."""
    amount = amount_wan * 10_000 if amount_wan is not None else None
    dockings.record_agreement(session, viewer.actor, demand_id, signed_on, amount)
    return flash.redirect(f"/console/demands/{demand_id}", "已登记合作协议")


@router.post("/console/demands/{demand_id}/outcome")
def outcome(
    demand_id: IdPath, viewer: ViewerDep, session: SessionDep, text: Annotated[str, Form(min_length=2, max_length=5000)]
) -> Response:
    dockings.report_outcome(session, viewer.actor, demand_id, text)
    return flash.redirect(f"/console/demands/{demand_id}", "已报告合作成果，企业将收到评价邀请")


@router.post("/console/demands/{demand_id}/return")
def return_for_info(demand_id: IdPath, viewer: ViewerDep, session: SessionDep, reason: ReasonField) -> Response:
    workflow.return_for_info(session, viewer.actor, demand_id, reason)
    return flash.redirect(f"/console/demands/{demand_id}", "已退回企业补充信息，企业将在微信中收到通知")


@router.post("/console/demands/{demand_id}/reject")
def reject(demand_id: IdPath, viewer: ViewerDep, session: SessionDep, reason: ReasonField) -> Response:
    workflow.reject(session, viewer.actor, demand_id, reason)
    return flash.redirect(f"/console/demands/{demand_id}", "已不予通过，企业将收到原因说明")
