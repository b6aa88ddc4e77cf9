"""User administration for the provincial center and department (rules in :mod:`accounts.admin`).

List and filter users, create one with its role and scope, disable or re-enable, reset a password,
change the role or scope. A refused form comes back filled in, with the Chinese reason.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from accounts import admin
from accounts.admin import NewUser, Scope, UserFilters
from accounts.users import ROLE_LABELS
from api.console import flash
from api.console.deps import ViewerDep
from api.console.web import render
from api.deps import ReadSessionDep, SessionDep, SettingsDep
from api.errors import explain_validation_error
from api.params import IdPath
from core.errors import Conflict, ValidationFailed
from directory.editing import require_role
from directory.regions import region_rows
from directory.societies import SocietyFilters, list_societies
from models import RegionLevel, Role

router = APIRouter()

ASSIGNABLE = [r for r in Role if r is not Role.SYSTEM]
SCOPE_FIELD = {
    Role.LOCAL_ASSOCIATION: "region_code",
    Role.SOCIETY: "society_id",
    Role.ENTERPRISE: "enterprise_id",
    Role.EXPERT: "expert_id",
}
"""Which form field carries the scope of each role (the page shows only that one)."""
FORM_LABELS = {
    "username": "用户名", "display_name": "显示名称", "password": "密码", "phone": "手机号", "role": "角色",
    "region_code": "所辖行政区划", "society_id": "所属学会", "enterprise_id": "企业编号", "expert_id": "专家编号",
}  # fmt: skip
_SOCIETIES_LISTED = 1000


def _choices(session: Session, viewer: ViewerDep) -> dict[str, Any]:
    """What the role and scope selects offer: roles, regions below the province, active societies."""
    societies = list_societies(session, viewer.actor, SocietyFilters(), size=_SOCIETIES_LISTED).items
    return {
        "roles": [(r.value, ROLE_LABELS[r]) for r in ASSIGNABLE],
        "scope_field": {r.value: f for r, f in SCOPE_FIELD.items()},
        "regions": [(r.code, r.full_name) for r in region_rows() if r.level is not RegionLevel.PROVINCE],
        "societies": [(s.id, f"{s.name}（{s.code}）") for s in societies],
    }


def _scope_values(
    role: str, region_code: str, society_id: str, enterprise_id: str, expert_id: str
) -> dict[str, str | None]:
    """Only the scope field the chosen role needs (a hidden box may still hold an old choice)."""
    given = {
        "region_code": region_code,
        "society_id": society_id,
        "enterprise_id": enterprise_id,
        "expert_id": expert_id,
    }
    wanted = SCOPE_FIELD.get(Role(role)) if role in {r.value for r in Role} else None
    return {k: (v.strip() or None) if k == wanted else None for k, v in given.items()}


def _pydantic_message(exc: ValidationError) -> str:
    parts = [
        f"{FORM_LABELS.get(str(e['loc'][0]), str(e['loc'][0]))}：{explain_validation_error(e)}" for e in exc.errors()
    ]
    return "输入内容有误（" + "；".join(parts) + "）"


@router.get("/console/users", response_class=HTMLResponse)
def users_page(
    request: Request,
    viewer: ViewerDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    role: Annotated[str, Query(max_length=32)] = "",
    q: Annotated[str, Query(max_length=100)] = "",
    active: Annotated[str, Query(max_length=5)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    roles = {r.value: r for r in ASSIGNABLE}
    filters = UserFilters(
        role=roles.get(role), q=" ".join(q.split()) or None, is_active={"1": True, "0": False}.get(active)
    )
    data = admin.list_users(session, viewer.actor, filters, page=page, size=settings.console.page_size)
    context = {"title": "用户管理", "data": data, "filters": filters, "active": active, **_choices(session, viewer)}
    return render(request, "users/list.html", context, viewer=viewer)


def _new_user_page(
    request: Request, viewer: ViewerDep, session: Session, values: dict[str, Any], error: str | None = None
) -> Response:
    context = {"title": "新建用户", "values": values, "error": error, **_choices(session, viewer)}
    return render(request, "users/new.html", context, viewer=viewer, status_code=422 if error else 200)


@router.get("/console/users/new", response_class=HTMLResponse)
def new_user_page(request: Request, viewer: ViewerDep, session: ReadSessionDep) -> Response:
    require_role(viewer.actor, admin.ADMINS, "管理用户")
    return _new_user_page(request, viewer, session, {"role": Role.LOCAL_ASSOCIATION.value})


@router.post("/console/users", response_class=HTMLResponse)
def create_user(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    username: Annotated[str, Form(max_length=200)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=500)] = "",
    phone: Annotated[str, Form(max_length=100)] = "",
    role: Annotated[str, Form(max_length=32)] = "",
    region_code: Annotated[str, Form(max_length=20)] = "",
    society_id: Annotated[str, Form(max_length=20)] = "",
    enterprise_id: Annotated[str, Form(max_length=20)] = "",
    expert_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    values = {
        "username": username, "display_name": display_name, "phone": phone, "role": role,
        "region_code": region_code, "society_id": society_id, "enterprise_id": enterprise_id, "expert_id": expert_id,
    }  # fmt: skip
    try:
        data = NewUser.model_validate(
            {
                "username": username.strip(),
                "display_name": display_name.strip(),
                "password": password,
                "phone": phone.strip() or None,
                "role": role,
                **_scope_values(role, region_code, society_id, enterprise_id, expert_id),
            }  # fmt: skip
        )
        user = admin.add_user(session, viewer.actor, data)
    except ValidationError as exc:
        return _new_user_page(request, viewer, session, values, _pydantic_message(exc))
    except (ValidationFailed, Conflict) as exc:
        # Refused before anything was written (the checks run before the insert).
        return _new_user_page(request, viewer, session, values, exc.message)
    return flash.redirect(f"/console/users/{user.id}", f"已创建用户 {user.username}（{user.role_label}）")


@router.get("/console/users/{user_id}", response_class=HTMLResponse)
def user_page(request: Request, user_id: IdPath, viewer: ViewerDep, session: ReadSessionDep) -> Response:
    user = admin.user_detail(session, viewer.actor, user_id)
    context = {"title": user.display_name, "u": user, "is_self": user.id == viewer.actor.user_id}
    return render(request, "users/detail.html", context | _choices(session, viewer), viewer=viewer)


@router.post("/console/users/{user_id}/active")
def set_active(user_id: IdPath, viewer: ViewerDep, session: SessionDep, active: Annotated[bool, Form()]) -> Response:
    user = admin.set_user_active(session, viewer.actor, user_id, active)
    done = "已重新启用" if active else "已停用，该用户的登录随即失效"
    return flash.redirect(f"/console/users/{user_id}", f"用户 {user.username} {done}")


@router.post("/console/users/{user_id}/password")
def reset_password(
    user_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    password: Annotated[str, Form(min_length=1, max_length=128)],
) -> Response:
    user = admin.reset_password(session, viewer.actor, user_id, password)
    return flash.redirect(f"/console/users/{user_id}", f"已重置 {user.username} 的密码，请通过安全渠道告知本人")


@router.post("/console/users/{user_id}/scope")
def change_scope(
    user_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    role: Annotated[str, Form(max_length=32)],
    region_code: Annotated[str, Form(max_length=20)] = "",
    society_id: Annotated[str, Form(max_length=20)] = "",
    enterprise_id: Annotated[str, Form(max_length=20)] = "",
    expert_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        scope = Scope.model_validate(
            {"role": role, **_scope_values(role, region_code, society_id, enterprise_id, expert_id)}
        )
    except ValidationError as exc:
        raise ValidationFailed(_pydantic_message(exc)) from exc
    user = admin.change_scope(session, viewer.actor, user_id, scope)
    return flash.redirect(f"/console/users/{user_id}", f"已将 {user.username} 改为{user.role_label}，原有登录随即失效")
