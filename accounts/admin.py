"""User administration for the provincial center and department (the API and the console call it).

List users, create them, deactivate and reactivate them, reset a password, and change what a user
may act on (role and scope). Every change is written as an :class:`~models.AuditEvent` of entity
``user``. Passwords, deactivation and scope changes all end the tokens issued before (their stamp
is derived from the password hash, role and scope; see :mod:`accounts.tokens`).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from accounts.users import ROLE_LABELS, check_scope, create_user, get_user, set_password
from core.errors import PermissionDenied, ValidationFailed
from models import AuditEvent, Role, User

ADMINS = frozenset({Role.CENTER, Role.DEPARTMENT})


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: Role
    role_label: str = ""
    region_code: str | None
    society_id: int | None
    enterprise_id: int | None
    expert_id: int | None
    phone: str | None
    is_active: bool
    has_wechat: bool = False
    created_at: datetime


class UserPage(BaseModel):
    items: list[UserOut]
    total: int
    page: int
    size: int


class UserFilters(BaseModel):
    role: Role | None = None
    q: str | None = Field(default=None, max_length=100)
    """Part of the username or the display name."""
    is_active: bool | None = None


class Scope(BaseModel):
    """A role and the one scope it needs (a region for a local association, a society, ...)."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    region_code: str | None = Field(default=None, min_length=6, max_length=6)
    society_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    enterprise_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    expert_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class NewUser(Scope):
    username: str = Field(min_length=3, max_length=64)
    display_name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)
    phone: str | None = Field(default=None, max_length=32)


def _admin(actor: Actor) -> None:
    if actor.role not in ADMINS:
        raise PermissionDenied("只有省科技咨询服务中心和省科协学会学术部可以管理用户")


def _out(user: User) -> UserOut:
    return UserOut.model_validate(user).model_copy(
        update={"role_label": ROLE_LABELS[user.role], "has_wechat": user.wechat_openid is not None}
    )


def _audit(session: Session, actor: Actor, user: User, action: str, before: str | None, after: str | None) -> None:
    session.add(
        AuditEvent(
            entity_type="user",
            entity_id=user.id,
            action=action,
            from_state=before,
            to_state=after,
            actor_user_id=actor.user_id,
            actor_role=actor.role,
        )
    )
    session.flush()


def list_users(session: Session, actor: Actor, filters: UserFilters, *, page: int = 1, size: int = 20) -> UserPage:
    _admin(actor)
    conditions: list[ColumnElement[bool]] = [User.role != Role.SYSTEM]
    if filters.role is not None:
        conditions.append(User.role == filters.role)
    if filters.is_active is not None:
        conditions.append(User.is_active.is_(filters.is_active))
    if filters.q:
        pattern = f"%{filters.q.strip().lower()}%"
        conditions.append(or_(User.username.like(pattern), User.display_name.like(f"%{filters.q.strip()}%")))
    total = session.scalar(select(func.count()).select_from(User).where(*conditions)) or 0
    users = session.scalars(select(User).where(*conditions).order_by(User.id).limit(size).offset((page - 1) * size))
    return UserPage(items=[_out(u) for u in users], total=total, page=page, size=size)


def user_detail(session: Session, actor: Actor, user_id: int) -> UserOut:
    _admin(actor)
    return _out(get_user(session, user_id))


def add_user(session: Session, actor: Actor, data: NewUser) -> UserOut:
    _admin(actor)
    user = create_user(
        session,
        username=data.username,
        password=data.password,
        display_name=data.display_name,
        role=data.role,
        region_code=data.region_code,
        society_id=data.society_id,
        enterprise_id=data.enterprise_id,
        expert_id=data.expert_id,
        phone=data.phone,
    )
    _audit(session, actor, user, "user.created", None, user.role.value)
    return _out(user)


def _not_self(actor: Actor, user_id: int, what: str) -> None:
    if actor.user_id == user_id:
        raise ValidationFailed(f"不能{what}自己的账号，请由另一位管理员操作")


def set_user_active(session: Session, actor: Actor, user_id: int, active: bool) -> UserOut:
    """Deactivate (logins refused, tokens end) or reactivate a user."""
    _admin(actor)
    if not active:
        _not_self(actor, user_id, "停用")
    user = get_user(session, user_id)
    if user.is_active != active:
        user.is_active = active
        _audit(session, actor, user, "user.reactivated" if active else "user.deactivated", None, None)
    return _out(user)


def reset_password(session: Session, actor: Actor, user_id: int, password: str) -> UserOut:
    _admin(actor)
    user = set_password(session, user_id, password)
    _audit(session, actor, user, "user.password_reset", None, None)
    return _out(user)


def change_scope(session: Session, actor: Actor, user_id: int, scope: Scope) -> UserOut:
    """Give a user another role and/or scope (checked like a new user's); earlier tokens end."""
    _admin(actor)
    _not_self(actor, user_id, "修改")
    user = get_user(session, user_id)
    if scope.role is Role.SYSTEM:
        raise ValidationFailed("「系统」是 Zhuli 自身的身份，不能分配给用户")
    check_scope(
        session,
        scope.role,
        region_code=scope.region_code,
        society_id=scope.society_id,
        enterprise_id=scope.enterprise_id,
        expert_id=scope.expert_id,
    )
    before = f"{user.role.value}:{user.region_code or user.society_id or user.enterprise_id or user.expert_id or ''}"
    user.role = scope.role
    user.region_code, user.society_id = scope.region_code, scope.society_id
    user.enterprise_id, user.expert_id = scope.enterprise_id, scope.expert_id
    session.flush()
    after = f"{user.role.value}:{user.region_code or user.society_id or user.enterprise_id or user.expert_id or ''}"
    _audit(session, actor, user, "user.scope_changed", before, after)
    return _out(user)
