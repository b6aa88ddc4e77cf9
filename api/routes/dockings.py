"""Dockings: a society's list, and the docking's moves on a demand (confirm, agreement, outcome, rating).

Routes parse, call one workflow function and render; the roles come from the transition table the
workflow enforces, and a society acts only on its own docking (anything else is 404).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Body
from pydantic import BaseModel, Field

import workflow
from api.access import ActorDep, allow
from api.deps import ReadSessionDep, SessionDep
from api.params import IdPath, PageQuery, SizeQuery
from api.routes.demands import DemandMoved, OptionalReasonIn, demand_moved, may
from models import Role
from workflow.demands import MAX_REASON_CHARS
from workflow.dockings import MAX_OUTCOME_CHARS
from workflow.offer_queries import DockingPage
from workflow.schemas import Page

router = APIRouter(prefix="/api", tags=["对接"])


class AgreementIn(BaseModel):
    signed_on: date = Field(description="协议签订日期")
    amount: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2, description="协议金额（元）")


class OutcomeIn(BaseModel):
    outcome: str = Field(min_length=1, max_length=MAX_OUTCOME_CHARS, description="合作成果")


class RatingIn(BaseModel):
    rating: int = Field(ge=1, le=5, description="评分（1-5）")
    comment: str | None = Field(default=None, max_length=MAX_REASON_CHARS, description="评价意见")


@router.get("/dockings", summary="本学会的对接项目", **allow(Role.SOCIETY))
def list_dockings(actor: ActorDep, session: ReadSessionDep, page: PageQuery = 1, size: SizeQuery = 20) -> DockingPage:
    return workflow.list_dockings(session, actor, Page(number=page, size=size))


@router.post("/demands/{demand_id}/docking/confirm", summary="确认对接（地方科协）", **may("confirm_docking"))
def confirm_docking(
    demand_id: IdPath,
    actor: ActorDep,
    session: SessionDep,
    data: Annotated[OptionalReasonIn | None, Body(description="确认意见（可选）")] = None,
) -> DemandMoved:
    return demand_moved(workflow.confirm_docking(session, actor, demand_id, note=data.reason if data else None))


@router.post("/demands/{demand_id}/agreement", summary="登记合作协议（日期、金额）", **may("record_agreement"))
def record_agreement(demand_id: IdPath, data: AgreementIn, actor: ActorDep, session: SessionDep) -> DemandMoved:
    return demand_moved(workflow.record_agreement(session, actor, demand_id, data.signed_on, data.amount))


@router.post("/demands/{demand_id}/outcome", summary="报告合作成果", **may("report_outcome"))
def report_outcome(demand_id: IdPath, data: OutcomeIn, actor: ActorDep, session: SessionDep) -> DemandMoved:
    return demand_moved(workflow.report_outcome(session, actor, demand_id, data.outcome))


@router.post("/demands/{demand_id}/rating", summary="企业评价并结项（1-5 分）", **may("rate"))
def rate(demand_id: IdPath, data: RatingIn, actor: ActorDep, session: SessionDep) -> DemandMoved:
    return demand_moved(workflow.rate(session, actor, demand_id, data.rating, data.comment))
