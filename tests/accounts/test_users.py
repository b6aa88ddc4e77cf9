"""create_user: the scope must fit the role, usernames and passwords are checked, hashes are scrypt."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from accounts import create_user
from accounts.users import resolve_scope_key
from core.errors import Conflict, ValidationFailed
from core.security import verify_password
from models import Role
from tests.factories import make_enterprise, make_expert, make_society

PASSWORD = "correct-horse-9"


def test_local_association_user_gets_its_region_and_a_scrypt_hash(session: Session) -> None:
    user = create_user(
        session, username="LA-Jinjiang", password=PASSWORD, display_name="晋江市科协", role=Role.LOCAL_ASSOCIATION,
        region_code="350582",
    )  # fmt: skip
    assert user.username == "la-jinjiang"
    assert user.region_code == "350582"
    assert user.password_hash is not None
    assert user.password_hash.startswith("scrypt$")
    assert PASSWORD not in user.password_hash
    assert verify_password(PASSWORD, user.password_hash)


@pytest.mark.parametrize(
    ("role", "scope", "message"),
    [
        (Role.LOCAL_ASSOCIATION, {}, "必须填写所辖行政区划"),
        (Role.SOCIETY, {}, "必须填写所属学会"),
        (Role.ENTERPRISE, {}, "必须填写所属企业"),
        (Role.EXPERT, {}, "必须填写对应专家"),
        (Role.CENTER, {"region_code": "350100"}, "不应填写：所辖行政区划"),
        (Role.SOCIETY, {"society_id": 1, "region_code": "350100"}, "不应填写：所辖行政区划"),
        (Role.LOCAL_ASSOCIATION, {"region_code": "350000"}, "设区市或县"),
        (Role.LOCAL_ASSOCIATION, {"region_code": "999999"}, "不存在"),
        (Role.SOCIETY, {"society_id": 987654}, "不存在"),
        (Role.SYSTEM, {}, "不能作为账号创建"),
    ],
)
def test_scope_must_fit_the_role(session: Session, role: Role, scope: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        create_user(session, username="someone", password=PASSWORD, display_name="某人", role=role, **scope)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("ab", PASSWORD, "用户名"),
        ("有中文", PASSWORD, "用户名"),
        ("center1", "short", "至少需要 8 个字符"),
        ("center1", "center1", "至少需要"),
        ("center12", "center12", "太简单"),
        ("center1", "11111111", "太简单"),
        ("center1", None, "请设置密码"),
    ],
)
def test_bad_usernames_and_passwords_are_refused(
    session: Session, username: str, password: str | None, message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message):
        create_user(session, username=username, password=password, display_name="中心", role=Role.CENTER)


def test_duplicate_username_is_a_conflict(session: Session) -> None:
    create_user(session, username="center1", password=PASSWORD, display_name="中心", role=Role.CENTER)
    with pytest.raises(Conflict, match="已被使用"):
        create_user(session, username="Center1", password=PASSWORD, display_name="中心二", role=Role.CENTER)


def test_every_scoped_role_can_be_created(session: Session) -> None:
    society, enterprise, expert = make_society(session), make_enterprise(session), make_expert(session)
    scopes = {
        Role.SOCIETY: {"society_id": society.id},
        Role.ENTERPRISE: {"enterprise_id": enterprise.id},
        Role.EXPERT: {"expert_id": expert.id},
        Role.DEPARTMENT: {},
    }
    for role, scope in scopes.items():
        user = create_user(session, username=f"u-{role.value}", password=PASSWORD, display_name="x", role=role, **scope)  # type: ignore[arg-type]
        assert user.role is role


def test_scope_keys_resolve_natural_keys(session: Session) -> None:
    society, enterprise, expert = make_society(session), make_enterprise(session), make_expert(session)
    assert resolve_scope_key(session, Role.SOCIETY, society.code) == {"society_id": society.id}
    assert resolve_scope_key(session, Role.ENTERPRISE, enterprise.credit_code.lower()) == {
        "enterprise_id": enterprise.id
    }
    assert resolve_scope_key(session, Role.EXPERT, expert.code) == {"expert_id": expert.id}
    assert resolve_scope_key(session, Role.LOCAL_ASSOCIATION, "350582") == {"region_code": "350582"}
    assert resolve_scope_key(session, Role.CENTER, None) == {}
    with pytest.raises(ValidationFailed, match="找不到学会编号"):
        resolve_scope_key(session, Role.SOCIETY, "NOPE")
    with pytest.raises(ValidationFailed, match="不需要指定范围"):
        resolve_scope_key(session, Role.CENTER, "350100")
