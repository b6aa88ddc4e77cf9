"""Offers: a society's inbox, one offer with its proposed team, its answer (accept / decline); the center's reroute.

Routes parse, call one workflow function and render. Who may call each move is read from the
transition tables the workflow enforces; scope (a society sees and answers only its own offers) is the
workflow's, and anything outside it is 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, Field

import workflow
from api.access import ActorDep, allow
from api.deps import ReadSessionDep, SessionDep
from api.params import MAX_ID, IdPath, PageQuery, SizeQuery
from models import DemandStatus, Offer, OfferStatus, Role
from workflow.demands import MAX_REASON_CHARS
from workflow.offer_queries import OfferDetail, OfferPage, OfferTab, TeamCandidate
from workflow.offers import MAX_TEAM
from workflow.schemas import Page
from workflow.states import DEMAND_TRANSITIONS, OFFER_TRANSITIONS, state_label

router = APIRouter(prefix="/api", tags=["推荐与接单"])

SOCIETIES = allow(Role.SOCIETY)


def may(transition: str) -> dict[str, Any]:
    """Route arguments: the roles the offer transition table names for ``transition``."""
    return allow(*(OFFER_TRANSITIONS[transition].roles - {Role.SYSTEM}))


class OfferMoved(BaseModel):
    """The offer after a move, with its demand's status."""

    id: int
    demand_id: int
    society_id: int
    round: int
    status: OfferStatus
    status_label: str
    demand_status: DemandStatus
    demand_status_label: str
    deadline_at: datetime | None
    responded_at: datetime | None


def offer_moved(offer: Offer, demand_status: DemandStatus) -> OfferMoved:
    return OfferMoved(
        id=offer.id,
        demand_id=offer.demand_id,
        society_id=offer.society_id,
        round=offer.round,
        status=offer.status,
        status_label=state_label(offer.status),
        demand_status=demand_status,
        demand_status_label=demand_status.label,
        deadline_at=offer.deadline_at,
        responded_at=offer.responded_at,
    )


class AcceptIn(BaseModel):
    expert_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(
        default=None, max_length=MAX_TEAM, description="专家团队（第一位为负责人）；不填则采用推荐的团队"
    )
    note: str | None = Field(default=None, max_length=MAX_REASON_CHARS, description="接单说明")


class DeclineIn(BaseModel):
    reason: str = Field(min_length=1, max_length=MAX_REASON_CHARS, description="婉拒原因")


class RerouteIn(BaseModel):
    society_id: int = Field(ge=1, le=MAX_ID, description="指定承接的学会")
    note: str | None = Field(default=None, max_length=MAX_REASON_CHARS, description="指定说明")


@router.get("/offers", summary="本学会收到的推荐（待答复 / 已答复 / 全部）", **SOCIETIES)
def list_offers(
    actor: ActorDep,
    session: ReadSessionDep,
    tab: Annotated[OfferTab, Query(description="pending 待答复，answered 已答复，all 全部")] = "pending",
    page: PageQuery = 1,
    size: SizeQuery = 20,
) -> OfferPage:
    return workflow.list_offers(session, actor, tab, Page(number=page, size=size))


@router.get("/offers/{offer_id}", summary="推荐详情（需求、推荐理由、专家团队）", **SOCIETIES)
def offer_detail(offer_id: IdPath, actor: ActorDep, session: ReadSessionDep) -> OfferDetail:
    return workflow.offer_detail(session, actor, offer_id)


@router.get("/offers/{offer_id}/candidates", summary="可加入团队的本会专家（含在办数量与回避提示）", **SOCIETIES)
def team_candidates(
    offer_id: IdPath,
    actor: ActorDep,
    session: ReadSessionDep,
    q: Annotated[str, Query(max_length=100, description="姓名、单位或研究领域")] = "",
) -> list[TeamCandidate]:
    return workflow.team_candidates(session, actor, offer_id, q)


@router.post("/offers/{offer_id}/accept", summary="接单（可调整专家团队）", **may("accept"))
def accept(
    offer_id: IdPath,
    actor: ActorDep,
    session: SessionDep,
    data: Annotated[AcceptIn | None, Body(description="专家团队与接单说明（可选）")] = None,
) -> OfferMoved:
    data = data or AcceptIn()
    answered = workflow.accept(session, actor, offer_id, expert_ids=data.expert_ids, note=data.note)
    return offer_moved(answered.offer, answered.demand.status)


@router.post("/offers/{offer_id}/decline", summary="婉拒（须说明原因）", **may("decline"))
def decline(offer_id: IdPath, data: DeclineIn, actor: ActorDep, session: SessionDep) -> OfferMoved:
    answered = workflow.decline(session, actor, offer_id, data.reason)
    return offer_moved(answered.offer, answered.demand.status)


@router.post(
    "/demands/{demand_id}/reroute",
    summary="暂未匹配的需求指定学会重新推荐（省科技咨询服务中心）",
    **allow(*(DEMAND_TRANSITIONS["reroute"].roles - {Role.SYSTEM})),
)
def reroute(demand_id: IdPath, data: RerouteIn, actor: ActorDep, session: SessionDep) -> OfferMoved:
    offer = workflow.reroute(session, actor, demand_id, data.society_id, note=data.note)
    return offer_moved(offer, DemandStatus.OFFERED)
