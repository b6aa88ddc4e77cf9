"""User administration (provincial center and department): rules in :mod:`accounts.admin`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from accounts import admin
from accounts.admin import NewUser, Scope, UserFilters, UserOut, UserPage
from api.access import ActorDep, allow
from api.deps import ReadSessionDep, SessionDep
from api.params import IdPath, PageQuery, SearchQuery, SizeQuery
from models import Role

router = APIRouter(prefix="/api/users", tags=["用户管理"])
ADMINS = allow(*admin.ADMINS)


class PasswordIn(BaseModel):
    password: str = Field(min_length=1, max_length=128)


@router.get("", summary="用户列表", **ADMINS)
def list_users(
    actor: ActorDep,
    session: ReadSessionDep,
    role: Annotated[Role | None, Query(description="角色")] = None,
    q: SearchQuery = None,
    is_active: Annotated[bool | None, Query(description="是否启用")] = None,
    page: PageQuery = 1,
    size: SizeQuery = 20,
) -> UserPage:
    return admin.list_users(session, actor, UserFilters(role=role, q=q, is_active=is_active), page=page, size=size)


@router.post("", status_code=status.HTTP_201_CREATED, summary="新建用户（角色与范围须匹配）", **ADMINS)
def create_user(data: NewUser, actor: ActorDep, session: SessionDep) -> UserOut:
    return admin.add_user(session, actor, data)


@router.get("/{user_id}", summary="用户详情", **ADMINS)
def user_detail(user_id: IdPath, actor: ActorDep, session: ReadSessionDep) -> UserOut:
    return admin.user_detail(session, actor, user_id)


@router.post("/{user_id}/deactivate", summary="停用用户（已签发的令牌随即失效）", **ADMINS)
def deactivate_user(user_id: IdPath, actor: ActorDep, session: SessionDep) -> UserOut:
    return admin.set_user_active(session, actor, user_id, False)


@router.post("/{user_id}/reactivate", summary="重新启用用户", **ADMINS)
def reactivate_user(user_id: IdPath, actor: ActorDep, session: SessionDep) -> UserOut:
    return admin.set_user_active(session, actor, user_id, True)


@router.post("/{user_id}/password", summary="重置密码（已签发的令牌随即失效）", **ADMINS)
def reset_password(user_id: IdPath, data: PasswordIn, actor: ActorDep, session: SessionDep) -> UserOut:
    return admin.reset_password(session, actor, user_id, data.password)


@router.put("/{user_id}/scope", summary="修改角色与范围（已签发的令牌随即失效）", **ADMINS)
def change_scope(user_id: IdPath, scope: Scope, actor: ActorDep, session: SessionDep) -> UserOut:
    return admin.change_scope(session, actor, user_id, scope)
