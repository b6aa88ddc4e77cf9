"""WeChat users of enterprises: one openid is one enterprise user; staff add further users of a bound enterprise."""

from __future__ import annotations

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from accounts.users import create_user
from core.errors import Conflict, ValidationFailed
from directory import credit_code as credit_codes
from directory.schemas import EnterpriseCreate
from directory.service import register_enterprise
from models import Enterprise, Role, User


def _user_of_openid(session: Session, openid: str) -> User | None:
    return session.scalar(select(User).where(User.wechat_openid == openid))


def enterprise_actor(session: Session, openid: str) -> Actor | None:
    """The enterprise actor bound to this WeChat user, or ``None`` when the openid is not bound (or inactive)."""
    user = _user_of_openid(session, openid)
    if user is None or user.role is not Role.ENTERPRISE or not user.is_active:
        return None
    return Actor.of_user(user)


def _has_users(session: Session, enterprise: Enterprise) -> bool:
    query = select(User.id).where(User.role == Role.ENTERPRISE, User.enterprise_id == enterprise.id).limit(1)
    return session.scalar(query) is not None


def _username_for(openid: str) -> str:
    return ("wx-" + "".join(c if c.isalnum() or c in "_-" else "-" for c in openid.lower()))[:64]


def bind_enterprise(
    session: Session,
    openid: str,
    *,
    name: str,
    credit_code: str,
    region_code: str,
    contact_name: str,
    contact_phone: str,
) -> Actor:
    """Bind a WeChat user to its enterprise, registering the enterprise on first use.

    The credit code's check digit is verified (:mod:`directory.credit_code`). An enterprise already
    known by that code is reused as registered only while it has no user yet: credit codes are public,
    so a stranger's openid claiming an enterprise somebody already speaks for would see its demands
    and contacts. Such a claim is refused; the local association adds further users after checking.
    Binding the same openid to the same enterprise again is a no-op; to another enterprise it is refused.
    """
    openid = openid.strip()
    if not openid or len(openid) > 64:
        raise ValidationFailed("微信用户标识无效")
    try:
        code = credit_codes.validate(credit_code)
    except credit_codes.CreditCodeError as exc:
        raise ValidationFailed(str(exc), fields={"field": "credit_code"}) from exc
    enterprise = session.scalar(select(Enterprise).where(Enterprise.credit_code == code))
    existing = _user_of_openid(session, openid)
    if existing is not None:
        if existing.role is not Role.ENTERPRISE:
            raise Conflict("该微信号已绑定工作人员账号，不能再绑定企业")
        if enterprise is not None and existing.enterprise_id == enterprise.id:
            if not existing.is_active:
                raise Conflict("该微信号的企业账号已停用，请联系所在地科协")
            return Actor.of_user(existing)
        bound = session.get(Enterprise, existing.enterprise_id)
        raise Conflict(f"该微信号已绑定企业「{bound.name if bound else ''}」，一个微信号只能绑定一家企业")
    if enterprise is not None and _has_users(session, enterprise):
        raise Conflict(
            f"企业「{enterprise.name}」已由其他微信号绑定。为保护企业信息，新的微信号需经所在地科协核实后才能加入，"
            "请联系所在地科协，或由已绑定的微信号提交需求"
        )
    if enterprise is None:
        try:
            data = EnterpriseCreate(
                name=name.strip(),
                credit_code=code,
                region_code=region_code,
                contact_name=contact_name.strip()[:64] or None,
                contact_phone=contact_phone.strip()[:32] or None,
            )
        except PydanticValidationError as exc:
            raise ValidationFailed("请填写企业全称（2–128 个字）和所在地区") from exc
        enterprise = register_enterprise(session, data)
    user = create_user(
        session,
        username=_username_for(openid),
        password=None,
        display_name=(f"{contact_name.strip()}（{enterprise.name}）" if contact_name.strip() else enterprise.name)[:64],
        role=Role.ENTERPRISE,
        enterprise_id=enterprise.id,
        phone=contact_phone,
        wechat_openid=openid,
    )
    return Actor.of_user(user)
