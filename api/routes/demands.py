"""Demands: list, detail with timeline, creation and every move of the demand workflow.

Routes parse, call one workflow function and render. Who may call each move is read from the
transition table (:data:`workflow.states.DEMAND_TRANSITIONS`), the same one the workflow enforces;
scope (own demands, own region, offered societies) is the workflow's, and anything outside it is 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, status
from pydantic import BaseModel, ConfigDict, Field

import workflow
from api.access import ActorDep, allow
from api.deps import ReadSessionDep, SessionDep
from api.params import IdPath, PageQuery, SizeQuery
from models import Demand, DemandStatus, Role
from workflow.demands import MAX_REASON_CHARS
from workflow.schemas import DemandDetail, DemandFilters, DemandInput, DemandPage, Page
from workflow.states import DEMAND_TRANSITIONS, state_label

router = APIRouter(prefix="/api/demands", tags=["需求"])

READERS = allow(*(r for r in Role if r is not Role.SYSTEM))
"""Everyone who may see some demands; each sees only those in their scope."""


def may(transition: str) -> dict[str, Any]:
    """Route arguments: the roles the workflow's transition table names for ``transition``."""
    return allow(*(DEMAND_TRANSITIONS[transition].roles - {Role.SYSTEM}))


class DemandMoved(BaseModel):
    """The demand after a move."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    status: DemandStatus
    status_label: str = ""
    status_reason: str | None
    status_changed_at: datetime | None


class DraftOut(DemandMoved):
    notices: list[str]
    """Sentences to show the user, e.g. that a phone number was moved out of the text."""


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=MAX_REASON_CHARS)


class OptionalReasonIn(BaseModel):
    reason: str | None = Field(default=None, max_length=MAX_REASON_CHARS)


class SupplementIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000, description="企业补充的信息")


def demand_moved(demand: Demand) -> DemandMoved:
    return DemandMoved.model_validate(demand).model_copy(update={"status_label": state_label(demand.status)})


@router.get("", summary="需求列表（按角色范围；筛选、搜索、分页）", **READERS)
def list_demands(
    actor: ActorDep,
    session: ReadSessionDep,
    filters: Annotated[DemandFilters, Query()],
    page: PageQuery = 1,
    size: SizeQuery = 20,
) -> DemandPage:
    return workflow.list_demands(session, actor, filters, Page(number=page, size=size))


@router.post("", status_code=status.HTTP_201_CREATED, summary="新建需求草稿（企业）", **allow(Role.ENTERPRISE))
def create_demand(data: DemandInput, actor: ActorDep, session: SessionDep) -> DraftOut:
    created = workflow.create_draft(session, actor, data)
    return DraftOut(**demand_moved(created.demand).model_dump(), notices=created.notices)


@router.get("/{demand_id}", summary="需求详情（含办理时间线、推荐与对接）", **READERS)
def demand_detail(demand_id: IdPath, actor: ActorDep, session: ReadSessionDep) -> DemandDetail:
    return workflow.demand_detail(session, actor, demand_id)


@router.post("/{demand_id}/submit", summary="提交需求", **may("submit"))
def submit(demand_id: IdPath, actor: ActorDep, session: SessionDep) -> DemandMoved:
    return demand_moved(workflow.submit(session, actor, demand_id))


@router.post("/{demand_id}/supplement", summary="补充被退回需求的信息（回到待审核）", **may("supplement"))
def supplement(demand_id: IdPath, data: SupplementIn, actor: ActorDep, session: SessionDep) -> DemandMoved:
    return demand_moved(workflow.supplement(session, actor, demand_id, data.text))


@router.post("/{demand_id}/approve", summary="审核通过（随后推荐给学会）", **may("approve"))
def approve(
    demand_id: IdPath,
    actor: ActorDep,
    session: SessionDep,
    data: Annotated[OptionalReasonIn | None, Body(description="审核意见（可选）")] = None,
) -> DemandMoved:
    return demand_moved(workflow.approve(session, actor, demand_id, note=data.reason if data else None))


@router.post("/{demand_id}/return", summary="退回企业补充信息", **may("return_for_info"))
def return_for_info(demand_id: IdPath, data: ReasonIn, actor: ActorDep, session: SessionDep) -> DemandMoved:
    return demand_moved(workflow.return_for_info(session, actor, demand_id, data.reason))


@router.post("/{demand_id}/reject", summary="不予通过（须说明原因）", **may("reject"))
def reject(demand_id: IdPath, data: ReasonIn, actor: ActorDep, session: SessionDep) -> DemandMoved:
    return demand_moved(workflow.reject(session, actor, demand_id, data.reason))


@router.post("/{demand_id}/withdraw", summary="撤回需求（签订协议前）", **may("withdraw"))
def withdraw(
    demand_id: IdPath,
    actor: ActorDep,
    session: SessionDep,
    data: Annotated[OptionalReasonIn | None, Body(description="撤回原因（可选）")] = None,
) -> DemandMoved:
    return demand_moved(workflow.withdraw(session, actor, demand_id, reason=data.reason if data else None))


@router.post("/{demand_id}/close", summary="结项（未评价的已完成需求）", **may("close"))
def close(
    demand_id: IdPath,
    actor: ActorDep,
    session: SessionDep,
    data: Annotated[OptionalReasonIn | None, Body(description="结项说明（可选）")] = None,
) -> DemandMoved:
    return demand_moved(workflow.close(session, actor, demand_id, reason=data.reason if data else None))
