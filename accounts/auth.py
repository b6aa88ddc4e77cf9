"""Password logins, throttled in the database so the limit holds across every process.

Each failure is a :class:`~models.LoginFailure` row (inserts only: no counter to race on). A username
with ``max_failures`` failures within the window, or a client with ``max_client_failures``, is locked
until ``lockout_minutes`` after its latest failure; a locked login is refused before its password is
even checked, so it adds no rows. A success clears the username's failures.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from accounts.users import normalize_username
from core import clock
from core.clock import BEIJING
from core.errors import LoginFailed, TooManyAttempts
from core.security import hash_password, verify_password
from core.settings import AuthSettings, get_settings
from models import LoginFailure, User

_DUMMY_HASH = hash_password("not-a-real-password")
"""Checked when the username is unknown, so both cases take the same time."""


def _locked_until(
    session: Session, column: ColumnElement[bool], limit: int, policy: AuthSettings, now: datetime
) -> datetime | None:
    since = now - timedelta(minutes=policy.failure_window_minutes)
    count, latest = session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.at)).where(column, LoginFailure.at > since)
    ).one()
    if count < limit or latest is None:
        return None
    until: datetime = latest + timedelta(minutes=policy.lockout_minutes)
    return until if until > now else None


def login_locked_until(
    session: Session,
    username: str,
    *,
    client_key: str | None = None,
    now: datetime | None = None,
    policy: AuthSettings | None = None,
) -> datetime | None:
    """When the lock on this username (or client) ends, or ``None`` when a login may be tried."""
    now = now or clock.now()
    policy = policy or get_settings().auth
    username = normalize_username(username)
    locks = [_locked_until(session, LoginFailure.username == username, policy.max_failures, policy, now)]
    if client_key:
        locks.append(
            _locked_until(session, LoginFailure.client_key == client_key, policy.max_client_failures, policy, now)
        )
    found = [lock for lock in locks if lock is not None]
    return max(found) if found else None


def _retry_message(until: datetime, now: datetime) -> str:
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    at = until.astimezone(BEIJING).strftime("%H:%M")
    return f"登录失败次数过多，已暂时锁定。请在 {at}（北京时间，约 {minutes} 分钟后）再试。"


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    client_key: str | None = None,
    now: datetime | None = None,
    policy: AuthSettings | None = None,
) -> User:
    """The active user with this username and password.

    Raises :class:`~core.errors.TooManyAttempts` (saying when to retry) while locked, and
    :class:`~core.errors.LoginFailed` for a wrong username or password or a deactivated account. Both
    keep the recorded failure when the unit of work ends (``keeps_changes``).
    """
    now = now or clock.now()
    policy = policy or get_settings().auth
    username = normalize_username(username)[:64]
    client_key = client_key[:64] if client_key else None
    until = login_locked_until(session, username, client_key=client_key, now=now, policy=policy)
    if until is not None:
        raise TooManyAttempts(_retry_message(until, now))
    user = session.scalar(select(User).where(User.username == username))
    valid = verify_password(password, user.password_hash if user is not None else _DUMMY_HASH)
    if user is None or not valid:
        session.add(LoginFailure(username=username, client_key=client_key, at=now))
        keep_after = now - timedelta(minutes=policy.failure_window_minutes + policy.lockout_minutes)
        session.execute(delete(LoginFailure).where(LoginFailure.at < keep_after))
        session.flush()
        until = login_locked_until(session, username, client_key=client_key, now=now, policy=policy)
        if until is not None:
            raise LoginFailed("用户名或密码错误。" + _retry_message(until, now))
        raise LoginFailed("用户名或密码错误")
    if not user.is_active:
        raise LoginFailed("该账号已停用，请联系管理员")
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    session.flush()
    return user
