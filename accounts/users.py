"""Creating and deactivating users: a role plus exactly the one scope that role needs."""

from __future__ import annotations

import re
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import Conflict, NotFound, ValidationFailed
from core.security import hash_password
from directory.regions import get_region
from models import Enterprise, Expert, RegionLevel, Role, Society, User

USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{2,63}")
MIN_PASSWORD_CHARS = 8
ROLE_LABELS: dict[Role, str] = {
    Role.ENTERPRISE: "企业",
    Role.LOCAL_ASSOCIATION: "地方科协",
    Role.SOCIETY: "省级学会",
    Role.EXPERT: "专家",
    Role.CENTER: "省科技咨询服务中心",
    Role.DEPARTMENT: "省科协学会学术部",
    Role.SYSTEM: "系统",
}
_SCOPE_OF_ROLE: dict[Role, str | None] = {
    Role.ENTERPRISE: "enterprise_id",
    Role.LOCAL_ASSOCIATION: "region_code",
    Role.SOCIETY: "society_id",
    Role.EXPERT: "expert_id",
    Role.CENTER: None,
    Role.DEPARTMENT: None,
}
_SCOPE_LABELS = {
    "enterprise_id": "所属企业",
    "region_code": "所辖行政区划",
    "society_id": "所属学会",
    "expert_id": "对应专家",
}


def normalize_username(username: str) -> str:
    return username.strip().lower()


def check_password_strength(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValidationFailed(f"密码至少需要 {MIN_PASSWORD_CHARS} 个字符", fields={"field": "password"})
    if password.strip().lower() == username or password.isdigit() and len(set(password)) == 1:
        raise ValidationFailed("密码太简单，请换一个（不能与用户名相同，也不能是同一个数字重复）")


def check_scope(
    session: Session,
    role: Role,
    *,
    region_code: str | None,
    society_id: int | None,
    enterprise_id: int | None,
    expert_id: int | None,
) -> None:
    given = {
        "region_code": region_code,
        "society_id": society_id,
        "enterprise_id": enterprise_id,
        "expert_id": expert_id,
    }
    needed = _SCOPE_OF_ROLE[role]
    extra = [_SCOPE_LABELS[k] for k, v in given.items() if v is not None and k != needed]
    if extra:
        raise ValidationFailed(f"{ROLE_LABELS[role]}账号不应填写：{'、'.join(extra)}")
    if needed is None:
        return
    if given[needed] is None:
        raise ValidationFailed(f"{ROLE_LABELS[role]}账号必须填写{_SCOPE_LABELS[needed]}", fields={"field": needed})
    if role is Role.LOCAL_ASSOCIATION:
        assert region_code is not None
        if get_region(session, region_code).level is RegionLevel.PROVINCE:
            raise ValidationFailed("地方科协账号须对应设区市或县（市、区），全省范围请使用省科技咨询服务中心账号")
    model = {Role.SOCIETY: Society, Role.ENTERPRISE: Enterprise, Role.EXPERT: Expert}.get(role)
    if model is not None and session.get(model, given[needed]) is None:
        raise ValidationFailed(f"{_SCOPE_LABELS[needed]}（编号 {given[needed]}）不存在", fields={"field": needed})


def create_user(
    session: Session,
    *,
    username: str,
    password: str | None,
    display_name: str,
    role: Role,
    region_code: str | None = None,
    society_id: int | None = None,
    enterprise_id: int | None = None,
    expert_id: int | None = None,
    phone: str | None = None,
    wechat_openid: str | None = None,
) -> User:
    """Add a user after checking that the scope fits the role (the database CHECKs it too).

    ``password`` may be ``None`` only for users who sign in through WeChat (enterprise users bound by
    their openid); staff need one. The username is stored lower-case.
    """
    username = normalize_username(username)
    if not USERNAME_PATTERN.fullmatch(username):
        raise ValidationFailed(
            "用户名须为 3–64 位小写字母、数字或 . _ @ -，并以字母或数字开头", fields={"field": "username"}
        )
    if role is Role.SYSTEM:
        raise ValidationFailed("「系统」是 Zhuli 自身的身份，不能作为账号创建")
    display_name = display_name.strip()
    if not display_name or len(display_name) > 64:
        raise ValidationFailed("请填写 1–64 个字的显示名称", fields={"field": "display_name"})
    if password is None:
        if role is not Role.ENTERPRISE or wechat_openid is None:
            raise ValidationFailed("请设置密码（只有通过微信绑定的企业用户可以不设密码）", fields={"field": "password"})
    else:
        check_password_strength(password, username)
    check_scope(
        session, role, region_code=region_code, society_id=society_id, enterprise_id=enterprise_id, expert_id=expert_id
    )
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"用户名 {username} 已被使用")
    if wechat_openid is not None and session.scalar(select(User.id).where(User.wechat_openid == wechat_openid)):
        raise Conflict("该微信号已绑定其他账号")
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password) if password is not None else None,
        role=role,
        region_code=region_code,
        society_id=society_id,
        enterprise_id=enterprise_id,
        expert_id=expert_id,
        phone=phone,
        wechat_openid=wechat_openid,
    )
    session.add(user)
    session.flush()
    return user


class ScopeFields(TypedDict, total=False):
    region_code: str
    society_id: int
    enterprise_id: int
    expert_id: int


def resolve_scope_key(session: Session, role: Role, key: str | None) -> ScopeFields:
    """The scope column for a natural key an administrator knows: a region code (local association),
    a society code, an enterprise's credit code or an expert code. Center/department take none."""
    column = _SCOPE_OF_ROLE.get(role)
    if column is None or key is None:
        if key is not None:
            raise ValidationFailed(f"{ROLE_LABELS[role]}账号不需要指定范围")
        return {}
    key = key.strip()
    if role is Role.LOCAL_ASSOCIATION:
        return ScopeFields(region_code=get_region(session, key).code)
    lookups = {
        Role.SOCIETY: (Society.id, Society.code == key, "学会编号"),
        Role.ENTERPRISE: (Enterprise.id, Enterprise.credit_code == key.upper(), "统一社会信用代码"),
        Role.EXPERT: (Expert.id, Expert.code == key, "专家编号"),
    }
    id_column, condition, label = lookups[role]
    found = session.scalar(select(id_column).where(condition))
    if found is None:
        raise ValidationFailed(f"找不到{label}为 {key} 的{ROLE_LABELS[role]}")
    if role is Role.SOCIETY:
        return ScopeFields(society_id=found)
    if role is Role.ENTERPRISE:
        return ScopeFields(enterprise_id=found)
    return ScopeFields(expert_id=found)


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"找不到编号为 {user_id} 的用户")
    return user


def set_password(session: Session, user_id: int, password: str) -> User:
    """Replace a user's password; tokens issued before stop working (their stamp no longer matches)."""
    user = get_user(session, user_id)
    check_password_strength(password, user.username)
    user.password_hash = hash_password(password)
    session.flush()
    return user


def deactivate_user(session: Session, user_id: int) -> User:
    """Switch a user off: logins are refused and tokens already issued stop working."""
    user = get_user(session, user_id)
    user.is_active = False
    session.flush()
    return user
