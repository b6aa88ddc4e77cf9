"""The console's browser session and CSRF protection.

The session cookie carries the same signed token the REST API issues (``accounts.issue_token``), with
the console's longer lifetime; ``accounts.verify_token`` checks it on every request, so a deactivated
user, a changed password, role or scope end the session at once. It is HttpOnly, SameSite=Lax and
scoped to ``/console``; expiry sends the browser back to the login page.

CSRF: a random *seed* cookie per browser, and every form carries ``HMAC(secret_key, seed)``; htmx
requests send the same value in ``X-CSRF-Token``. A forged request from another site can neither read
the seed nor compute the token. Logging in rotates the seed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from fastapi import Request, Response
from sqlalchemy.orm import Session

from accounts import Actor, issue_token, verify_token
from core.errors import NotAuthenticated, PermissionDenied
from core.settings import Settings
from models import User

SESSION_COOKIE = "zhuli_session"
CSRF_COOKIE = "zhuli_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
COOKIE_PATH = "/console"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRejected(PermissionDenied):
    code = "csrf_rejected"
    default_message = "页面已过期或请求来源不明（安全校验未通过），请刷新页面后重试"


class LoginRequired(NotAuthenticated):
    """No valid console session: the page handler sends the browser to the login page."""

    def __init__(self, message: str | None = None, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _sign(settings: Settings, message: str) -> str:
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=_settings(request).console.secure_cookies,
    )


def ensure_csrf_seed(request: Request) -> tuple[str, bool]:
    """This browser's CSRF seed, and whether it is new (then the response must set it)."""
    rotated: str | None = getattr(request.state, "csrf_seed", None)
    if rotated:
        return rotated, True
    seed = request.cookies.get(CSRF_COOKIE, "")
    if len(seed) == 32 and all(c in "0123456789abcdef" for c in seed):
        return seed, False
    seed = secrets.token_hex(16)
    request.state.csrf_seed = seed
    return seed, True


def csrf_token(request: Request, seed: str) -> str:
    return _sign(_settings(request), f"csrf:{seed}")


def set_csrf_seed(request: Request, response: Response, seed: str) -> None:
    _set_cookie(request, response, CSRF_COOKIE, seed, None)


async def require_csrf(request: Request) -> None:
    """Router dependency: every state-changing console request carries the CSRF token of this browser."""
    if request.method in _SAFE_METHODS:
        return
    seed = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not seed or not sent or not hmac.compare_digest(sent, csrf_token(request, seed)):
        raise CsrfRejected()


def start_session(request: Request, response: Response, user: User) -> None:
    """Log ``user`` in on this browser: a fresh session cookie and a rotated CSRF seed."""
    settings = _settings(request)
    ttl = timedelta(hours=settings.console.session_hours)
    token = issue_token(user, settings, ttl=ttl)
    _set_cookie(request, response, SESSION_COOKIE, token, int(ttl.total_seconds()))
    seed = secrets.token_hex(16)
    request.state.csrf_seed = seed
    set_csrf_seed(request, response, seed)


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)


def session_actor(request: Request, session: Session) -> Actor:
    """The actor of this browser's session; :class:`LoginRequired` when there is none or it expired."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired("请先登录")
    try:
        user = verify_token(session, token, _settings(request))
    except NotAuthenticated as exc:
        raise LoginRequired(exc.message, expired=True) from exc
    return Actor.of_user(user)
