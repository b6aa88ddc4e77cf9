"""Experts and societies: list, read, create, edit, (de)activate (rules in :mod:`directory`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.access import ActorDep, allow
from api.deps import ReadSessionDep, SessionDep
from api.params import IdPath, IdQuery, PageQuery, RegionQuery, SearchQuery, SizeQuery
from directory import experts, societies
from directory.editing import MANAGERS
from directory.experts import ExpertDetail, ExpertFilters, ExpertPage, ExpertUpdate
from directory.profiles import ExpertIn, SocietyIn
from directory.societies import SocietyFilters, SocietyOut, SocietyPage, SocietyUpdate

router = APIRouter(prefix="/api", tags=["专家与学会"])


@router.get("/experts", summary="专家列表（筛选、分页）", **allow(*experts.READERS))
def list_experts(
    actor: ActorDep,
    session: ReadSessionDep,
    q: SearchQuery = None,
    society_id: IdQuery = None,
    region_code: RegionQuery = None,
    is_active: Annotated[bool | None, Query(description="是否在库")] = None,
    page: PageQuery = 1,
    size: SizeQuery = 20,
) -> ExpertPage:
    filters = ExpertFilters(q=q, society_id=society_id, region_code=region_code, is_active=is_active)
    return experts.list_experts(session, actor, filters, page=page, size=size)


@router.post("/experts", status_code=status.HTTP_201_CREATED, summary="新增专家", **allow(*MANAGERS))
def create_expert(data: ExpertIn, actor: ActorDep, session: SessionDep) -> ExpertDetail:
    return experts.create_expert(session, actor, data)


@router.get("/experts/{expert_id}", summary="专家详情", **allow(*experts.READERS))
def expert_detail(expert_id: IdPath, actor: ActorDep, session: ReadSessionDep) -> ExpertDetail:
    return experts.expert_detail(session, actor, expert_id)


@router.patch(
    "/experts/{expert_id}",
    summary="修改专家信息（只改提交的字段；学会和专家本人不能改所属学会与在库状态）",
    **allow(*experts.EDITORS),
)
def update_expert(expert_id: IdPath, change: ExpertUpdate, actor: ActorDep, session: SessionDep) -> ExpertDetail:
    return experts.update_expert(session, actor, expert_id, change)


@router.post("/experts/{expert_id}/deactivate", summary="停用专家（不再参与匹配）", **allow(*MANAGERS))
def deactivate_expert(expert_id: IdPath, actor: ActorDep, session: SessionDep) -> ExpertDetail:
    return experts.set_active(session, actor, expert_id, False)


@router.post("/experts/{expert_id}/reactivate", summary="重新启用专家", **allow(*MANAGERS))
def reactivate_expert(expert_id: IdPath, actor: ActorDep, session: SessionDep) -> ExpertDetail:
    return experts.set_active(session, actor, expert_id, True)


@router.get("/societies", summary="学会列表（筛选、分页）", **allow(*societies.READERS))
def list_societies(
    actor: ActorDep,
    session: ReadSessionDep,
    q: SearchQuery = None,
    is_active: Annotated[bool | None, Query(description="是否在库")] = None,
    is_pilot: Annotated[bool | None, Query(description="是否试点学会")] = None,
    page: PageQuery = 1,
    size: SizeQuery = 20,
) -> SocietyPage:
    filters = SocietyFilters(q=q, is_active=is_active, is_pilot=is_pilot)
    return societies.list_societies(session, actor, filters, page=page, size=size)


@router.post("/societies", status_code=status.HTTP_201_CREATED, summary="新增学会", **allow(*MANAGERS))
def create_society(data: SocietyIn, actor: ActorDep, session: SessionDep) -> SocietyOut:
    return societies.create_society(session, actor, data)


@router.get("/societies/{society_id}", summary="学会详情", **allow(*societies.READERS))
def society_detail(society_id: IdPath, actor: ActorDep, session: ReadSessionDep) -> SocietyOut:
    return societies.society_detail(session, actor, society_id)


@router.patch(
    "/societies/{society_id}",
    summary="修改学会信息（学会只能改本学会，不能改试点资格与在库状态）",
    **allow(*societies.EDITORS),
)
def update_society(society_id: IdPath, change: SocietyUpdate, actor: ActorDep, session: SessionDep) -> SocietyOut:
    return societies.update_society(session, actor, society_id, change)
