"""Password logins: right and wrong passwords, and a throttle that lives in the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts import authenticate, create_user, deactivate_user
from core.db import Database
from core.errors import LoginFailed, TooManyAttempts
from core.settings import AuthSettings
from models import LoginFailure, Role

PASSWORD = "correct-horse-9"
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
POLICY = AuthSettings(max_failures=3, max_client_failures=5, failure_window_minutes=10, lockout_minutes=15)


def _user(session: Session, username: str = "center1") -> None:
    create_user(session, username=username, password=PASSWORD, display_name="中心", role=Role.CENTER)


def test_right_password_gives_the_user(session: Session) -> None:
    _user(session)
    user = authenticate(session, " Center1 ", PASSWORD, now=T0, policy=POLICY)
    assert user.username == "center1"


@pytest.mark.parametrize(("username", "password"), [("center1", "wrong-password"), ("nobody", PASSWORD)])
def test_wrong_username_or_password_says_the_same(session: Session, username: str, password: str) -> None:
    _user(session)
    with pytest.raises(LoginFailed) as info:
        authenticate(session, username, password, now=T0, policy=POLICY)
    assert info.value.message == "用户名或密码错误"
    assert session.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.username == username)) == 1


def test_deactivated_user_cannot_log_in(session: Session) -> None:
    _user(session)
    user = authenticate(session, "center1", PASSWORD, now=T0, policy=POLICY)
    deactivate_user(session, user.id)
    with pytest.raises(LoginFailed, match="已停用"):
        authenticate(session, "center1", PASSWORD, now=T0, policy=POLICY)


def test_failures_lock_the_username_until_a_stated_time(session: Session) -> None:
    _user(session)
    for i in range(2):
        with pytest.raises(LoginFailed):
            authenticate(session, "center1", "bad", now=T0 + timedelta(minutes=i), policy=POLICY)
    with pytest.raises(LoginFailed, match="10:17"):  # third failure at 10:02 locks until 10:17 Beijing time
        authenticate(session, "center1", "bad", now=T0 + timedelta(minutes=2), policy=POLICY)
    with pytest.raises(TooManyAttempts, match=r"请在 10:17（北京时间，约 12 分钟后）再试"):
        authenticate(session, "center1", PASSWORD, now=T0 + timedelta(minutes=5), policy=POLICY)
    # a locked attempt is not checked and not counted
    assert session.scalar(select(func.count()).select_from(LoginFailure)) == 3
    user = authenticate(session, "center1", PASSWORD, now=T0 + timedelta(minutes=17), policy=POLICY)
    assert user.username == "center1"
    assert session.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.username == "center1")) == 0


def test_failures_outside_the_window_do_not_count(session: Session) -> None:
    _user(session)
    for minutes in (0, 11, 22):
        with pytest.raises(LoginFailed) as info:
            authenticate(session, "center1", "bad", now=T0 + timedelta(minutes=minutes), policy=POLICY)
        assert "锁定" not in info.value.message
    assert authenticate(session, "center1", PASSWORD, now=T0 + timedelta(minutes=23), policy=POLICY)


def test_one_client_trying_many_usernames_is_locked(session: Session) -> None:
    _user(session)
    for i in range(5):
        with pytest.raises(LoginFailed):
            authenticate(session, f"guess{i}", "bad", client_key="203.0.113.9", now=T0, policy=POLICY)
    with pytest.raises(TooManyAttempts):
        authenticate(session, "center1", PASSWORD, client_key="203.0.113.9", now=T0, policy=POLICY)
    # the account itself is not locked for other clients
    assert authenticate(session, "center1", PASSWORD, client_key="198.51.100.1", now=T0, policy=POLICY)


def test_a_failed_login_is_kept_although_the_unit_of_work_raises(bound_db: Database) -> None:
    with bound_db.unit_of_work() as session:
        _user(session)
    with pytest.raises(LoginFailed), bound_db.unit_of_work() as session:
        authenticate(session, "center1", "bad", now=T0, policy=POLICY)
    with bound_db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(LoginFailure)) == 1


def test_the_lock_holds_across_processes(fresh_database: Database) -> None:
    """Two Database objects (two engines, as two processes have) share the lock through the database."""
    with fresh_database.unit_of_work() as session:
        _user(session)
    other = Database.from_url(fresh_database.engine.url.render_as_string(hide_password=False))
    try:
        for db in (fresh_database, other, fresh_database):
            with pytest.raises(LoginFailed), db.unit_of_work() as session:
                authenticate(session, "center1", "bad", now=T0, policy=POLICY)
        with pytest.raises(TooManyAttempts), other.unit_of_work() as session:
            authenticate(session, "center1", PASSWORD, now=T0, policy=POLICY)
    finally:
        other.dispose()
