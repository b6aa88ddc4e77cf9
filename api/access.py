"""Who may call each endpoint: bearer tokens → :class:`~accounts.Actor`, and one role gate.

Every route under ``/api`` declares its callers with ``**allow(Role.X, ...)`` (or ``**PUBLIC``).
That one declaration is enforced here (a dependency that answers 401 without a valid token and 403
for another role) and shown in the OpenAPI (``x-roles`` and a line in the description, see
:mod:`api.openapi`). Which *objects* an allowed role may touch (its region, its society, its own
demands) is the domain services' rule; they answer "not found" for anything outside the scope.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from accounts import Actor, verify_token
from accounts.users import ROLE_LABELS
from core.errors import NotAuthenticated, PermissionDenied
from core.settings import Settings
from models import Role

TOKEN_URL = "/api/auth/token"
ROLES_KEY = "x-roles"
PUBLIC_ROLE = "public"
ANONYMOUS = "anonymous"

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl=TOKEN_URL, auto_error=False, description="用户名和密码登录后获得的访问令牌"
)


def _user_of(session: Session, token: str, settings: Settings) -> Actor:
    return Actor.of_user(verify_token(session, token, settings))


def current_actor(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Actor:
    """The actor of a valid bearer token (checked in a short read of its own), else 401."""
    if not token:
        raise NotAuthenticated("请先登录（缺少访问令牌）")
    with request.app.state.db.read_session() as session:
        return _user_of(session, token, request.app.state.settings)


ActorDep = Annotated[Actor, Depends(current_actor)]


def principal_of(session: Session, request: Request) -> str:
    """Whose idempotency keys a request uses: ``user:<id>`` for a valid token, else anonymous."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return ANONYMOUS
    try:
        actor = _user_of(session, token.strip(), request.app.state.settings)
    except NotAuthenticated:
        return ANONYMOUS
    return f"user:{actor.user_id}"


class RoleGate:
    """The dependency behind :func:`allow`: the caller's role must be one of ``roles``."""

    def __init__(self, roles: Collection[Role]) -> None:
        self.roles = frozenset(roles)

    def __call__(self, actor: ActorDep) -> None:
        if actor.role not in self.roles:
            raise PermissionDenied(
                f"「{ROLE_LABELS[actor.role]}」账号不能使用此功能（可使用：{role_names(self.roles)}）"
            )


def role_names(roles: Collection[Role]) -> str:
    return "、".join(ROLE_LABELS[r] for r in Role if r in roles)


_AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "未登录或令牌无效"},
    403: {"description": "当前角色不能调用此接口"},
}


def allow(*roles: Role, responses: dict[int | str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Route keyword arguments declaring (and enforcing) the roles that may call it."""
    if not roles:
        raise ValueError("name at least one role, or use PUBLIC")
    return {
        "dependencies": [Depends(RoleGate(roles))],
        "openapi_extra": {ROLES_KEY: [r.value for r in Role if r in roles]},
        "responses": {**_AUTH_RESPONSES, **(responses or {})},
    }


PUBLIC: dict[str, Any] = {"openapi_extra": {ROLES_KEY: [PUBLIC_ROLE]}}
"""Route keyword arguments of an endpoint anyone may call without logging in."""

STAFF = (Role.LOCAL_ASSOCIATION, Role.SOCIETY, Role.CENTER, Role.DEPARTMENT)
MANAGERS = (Role.CENTER, Role.DEPARTMENT)
