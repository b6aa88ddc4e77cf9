"""Binding WeChat users to enterprises: one openid, one enterprise user; strangers cannot claim a bound enterprise."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts.wechat import bind_enterprise, enterprise_actor
from core.errors import Conflict, ValidationFailed
from directory import credit_code
from models import Enterprise, Role, User
from tests.factories import make_enterprise, make_user

CODE = credit_code.generate("350582", 88_000_001)


def _bind(session: Session, openid: str, code: str = CODE, name: str = "晋江恒达鞋业有限公司") -> object:
    return bind_enterprise(
        session,
        openid,
        name=name,
        credit_code=code,
        region_code="350582",
        contact_name="陈工",
        contact_phone="13800000001",
    )


def test_unbound_openid_has_no_actor(session: Session) -> None:
    assert enterprise_actor(session, "o-unknown") is None


def test_binding_registers_the_enterprise_and_its_user(session: Session) -> None:
    actor = _bind(session, "o-chen")
    enterprise = session.scalar(select(Enterprise).where(Enterprise.credit_code == CODE))
    assert enterprise is not None
    assert enterprise.name == "晋江恒达鞋业有限公司"
    assert enterprise.contact_phone == "13800000001"
    assert actor == enterprise_actor(session, "o-chen")
    assert actor.role is Role.ENTERPRISE
    assert actor.enterprise_id == enterprise.id
    user = session.scalar(select(User).where(User.wechat_openid == "o-chen"))
    assert user is not None
    assert user.password_hash is None
    assert "陈工" in user.display_name


def test_binding_again_is_a_no_op(session: Session) -> None:
    first = _bind(session, "o-chen")
    assert _bind(session, "o-chen") == first
    assert session.scalar(select(func.count()).select_from(User).where(User.wechat_openid == "o-chen")) == 1


def test_a_second_openid_cannot_claim_an_enterprise_that_has_a_user(session: Session) -> None:
    """Credit codes are public: a stranger typing one must not see the enterprise's demands."""
    first = _bind(session, "o-chen")
    with pytest.raises(Conflict, match="已由其他微信号绑定"):
        _bind(session, "o-stranger", name="随便写的名字")
    assert enterprise_actor(session, "o-stranger") is None
    assert session.scalar(select(func.count()).select_from(User).where(User.wechat_openid == "o-stranger")) == 0
    assert enterprise_actor(session, "o-chen") == first


def test_a_known_enterprise_without_users_is_claimed_by_its_first_openid(session: Session) -> None:
    enterprise = make_enterprise(session, credit_code=CODE)
    actor = _bind(session, "o-chen", name="随便写的名字")
    assert actor.enterprise_id == enterprise.id  # type: ignore[attr-defined]
    assert session.get(Enterprise, enterprise.id).name == enterprise.name  # type: ignore[union-attr]


def test_an_openid_cannot_switch_enterprise(session: Session) -> None:
    _bind(session, "o-chen")
    other = make_enterprise(session)
    with pytest.raises(Conflict, match="一个微信号只能绑定一家企业"):
        _bind(session, "o-chen", code=other.credit_code)


def test_a_staff_openid_cannot_bind_an_enterprise(session: Session) -> None:
    make_user(session, Role.CENTER, wechat_openid="o-staff")
    with pytest.raises(Conflict, match="工作人员"):
        _bind(session, "o-staff")
    assert enterprise_actor(session, "o-staff") is None


def test_a_wrong_check_digit_is_refused_and_nothing_is_created(session: Session) -> None:
    bad = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
    with pytest.raises(ValidationFailed, match="校验位"):
        _bind(session, "o-chen", code=bad)
    assert session.scalar(select(func.count()).select_from(User).where(User.wechat_openid == "o-chen")) == 0


def test_a_deactivated_enterprise_user_has_no_actor(session: Session) -> None:
    _bind(session, "o-chen")
    user = session.scalar(select(User).where(User.wechat_openid == "o-chen"))
    assert user is not None
    user.is_active = False
    session.flush()
    assert enterprise_actor(session, "o-chen") is None
    with pytest.raises(Conflict, match="已停用"):
        _bind(session, "o-chen")
