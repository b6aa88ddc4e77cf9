"""Signed tokens: valid until they expire, and never for a deactivated or changed user."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session

from accounts import deactivate_user, issue_token, set_password, verify_token
from core.errors import NotAuthenticated
from core.settings import Settings
from models import Role
from tests.factories import make_user

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
SETTINGS = Settings(secret_key=SecretStr("test-secret"))


def test_token_names_its_user_until_it_expires(session: Session) -> None:
    user = make_user(session, Role.CENTER)
    token = issue_token(user, SETTINGS, ttl=timedelta(minutes=30), now=T0)
    assert verify_token(session, token, SETTINGS, now=T0 + timedelta(minutes=29)).id == user.id
    with pytest.raises(NotAuthenticated, match="已过期"):
        verify_token(session, token, SETTINGS, now=T0 + timedelta(minutes=30))


def test_default_lifetime_comes_from_settings(session: Session) -> None:
    user = make_user(session, Role.CENTER)
    token = issue_token(user, SETTINGS, now=T0)
    minutes = SETTINGS.auth.token_ttl_minutes
    assert verify_token(session, token, SETTINGS, now=T0 + timedelta(minutes=minutes - 1)).id == user.id
    with pytest.raises(NotAuthenticated):
        verify_token(session, token, SETTINGS, now=T0 + timedelta(minutes=minutes))


def test_deactivating_the_user_invalidates_its_tokens(session: Session) -> None:
    user = make_user(session, Role.CENTER)
    token = issue_token(user, SETTINGS, now=T0)
    deactivate_user(session, user.id)
    with pytest.raises(NotAuthenticated, match="重新登录"):
        verify_token(session, token, SETTINGS, now=T0)


def test_changing_the_password_invalidates_earlier_tokens(session: Session) -> None:
    user = make_user(session, Role.CENTER)
    token = issue_token(user, SETTINGS, now=T0)
    set_password(session, user.id, "a-new-password-1")
    with pytest.raises(NotAuthenticated):
        verify_token(session, token, SETTINGS, now=T0)
    assert verify_token(session, issue_token(user, SETTINGS, now=T0), SETTINGS, now=T0).id == user.id


def test_changing_the_scope_invalidates_earlier_tokens(session: Session) -> None:
    user = make_user(session, Role.LOCAL_ASSOCIATION, region_code="350582")
    token = issue_token(user, SETTINGS, now=T0)
    user.region_code = "350100"
    session.flush()
    with pytest.raises(NotAuthenticated):
        verify_token(session, token, SETTINGS, now=T0)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: t.replace("v1.", "v2.", 1),
        lambda t: "v1.e30." + t.split(".")[2],
        lambda t: "garbage",
        lambda t: "",
        lambda t: "v1.!!!.???",
    ],
)
def test_tampered_tokens_are_refused(session: Session, mangle: object) -> None:
    user = make_user(session, Role.CENTER)
    token = issue_token(user, SETTINGS, now=T0)
    with pytest.raises(NotAuthenticated):
        verify_token(session, mangle(token), SETTINGS, now=T0)  # type: ignore[operator]


def test_a_token_signed_with_another_key_is_refused(session: Session) -> None:
    user = make_user(session, Role.CENTER)
    token = issue_token(user, Settings(secret_key=SecretStr("other-secret")), now=T0)
    with pytest.raises(NotAuthenticated):
        verify_token(session, token, SETTINGS, now=T0)
