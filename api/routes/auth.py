"""OAuth2 password flow: ``POST /api/auth/token`` (form fields ``username``, ``password``) → bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from accounts import authenticate, issue_token
from accounts.users import ROLE_LABELS
from api.access import PUBLIC, STAFF, ActorDep, allow
from api.deps import SessionDep, SettingsDep
from models import Role

router = APIRouter(prefix="/api/auth", tags=["登录"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    """Seconds the token stays valid."""


class MeOut(BaseModel):
    user_id: int | None
    role: Role
    role_label: str
    display_name: str
    region_code: str | None
    society_id: int | None
    enterprise_id: int | None
    expert_id: int | None


@router.post(
    "/token",
    summary="用户名密码登录，获取访问令牌（OAuth2 password flow）",
    responses={401: {"description": "用户名或密码错误"}, 429: {"description": "失败次数过多，暂时锁定"}},
    **PUBLIC,
)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> TokenOut:
    client = request.client.host if request.client is not None else None
    user = authenticate(session, form.username, form.password, client_key=client, policy=settings.auth)
    return TokenOut(access_token=issue_token(user, settings), expires_in=settings.auth.token_ttl_minutes * 60)


@router.get("/me", summary="当前登录的用户及其角色、范围", **allow(Role.ENTERPRISE, Role.EXPERT, *STAFF))
def me(actor: ActorDep) -> MeOut:
    return MeOut(
        user_id=actor.user_id,
        role=actor.role,
        role_label=ROLE_LABELS[actor.role],
        display_name=actor.display_name,
        region_code=actor.region_code,
        society_id=actor.society_id,
        enterprise_id=actor.enterprise_id,
        expert_id=actor.expert_id,
    )
