"""Short-lived signed access tokens (HMAC-SHA256 with ``settings.secret_key``; standard library only).

A token is ``v1.<payload>.<signature>`` in URL-safe base64; the payload names the user, the times
and a *stamp* derived from the user's password hash, role and scope. Verification reloads the user:
a deactivated user, a changed password, role or scope all make earlier tokens invalid.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from core import clock
from core.errors import NotAuthenticated
from core.settings import Settings
from models import User

_VERSION = "v1"
INVALID_TOKEN = "登录已失效或无效，请重新登录"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(settings: Settings, message: str) -> str:
    key = settings.secret_key.get_secret_value().encode()
    return _b64(hmac.new(key, message.encode(), hashlib.sha256).digest())


def _stamp(settings: Settings, user: User) -> str:
    scope = f"{user.role}:{user.region_code}:{user.society_id}:{user.enterprise_id}:{user.expert_id}"
    return _sign(settings, f"stamp:{user.id}:{scope}:{user.password_hash}")[:16]


def issue_token(user: User, settings: Settings, *, ttl: timedelta | None = None, now: datetime | None = None) -> str:
    """A token for ``user`` valid for ``ttl`` (default ``settings.auth.token_ttl_minutes``)."""
    now = now or clock.now()
    ttl = ttl if ttl is not None else timedelta(minutes=settings.auth.token_ttl_minutes)
    payload = {
        "sub": user.id,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "stm": _stamp(settings, user),
    }
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    return f"{_VERSION}.{body}.{_sign(settings, f'{_VERSION}.{body}')}"


def _payload(token: str, settings: Settings) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != _VERSION:
        raise NotAuthenticated(INVALID_TOKEN)
    if not hmac.compare_digest(parts[2], _sign(settings, f"{parts[0]}.{parts[1]}")):
        raise NotAuthenticated(INVALID_TOKEN)
    try:
        payload = json.loads(_unb64(parts[1]))
    except ValueError as exc:
        raise NotAuthenticated(INVALID_TOKEN) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("sub"), int):
        raise NotAuthenticated(INVALID_TOKEN)
    return payload


def verify_token(session: Session, token: str, settings: Settings, *, now: datetime | None = None) -> User:
    """The active user a valid, unexpired token was issued to; :class:`NotAuthenticated` otherwise."""
    now = now or clock.now()
    payload = _payload(token.strip(), settings)
    exp = payload.get("exp")
    if not isinstance(exp, int) or exp <= int(now.timestamp()):
        raise NotAuthenticated("登录已过期，请重新登录")
    user = session.get(User, payload["sub"])
    if user is None or not user.is_active or not hmac.compare_digest(str(payload.get("stm")), _stamp(settings, user)):
        raise NotAuthenticated(INVALID_TOKEN)
    return user
