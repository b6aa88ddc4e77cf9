"""Logging in with the OAuth2 password flow, throttling, and administering users."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts import create_user
from models import AuditEvent, Role
from tests.api.parties import Parties

PASSWORD = "Quanzhou-2026"


def _login(client: TestClient, username: str, password: str) -> tuple[int, dict[str, object]]:
    response = client.post("/api/auth/token", data={"username": username, "password": password})
    return response.status_code, response.json()


def test_password_login_gives_a_bearer_token_for_the_users_role(client: TestClient, session: Session) -> None:
    create_user(
        session,
        username="la.jinjiang",
        password=PASSWORD,
        display_name="晋江市科协",
        role=Role.LOCAL_ASSOCIATION,
        region_code="350582",
    )
    status, body = _login(client, "la.jinjiang", PASSWORD)
    assert status == 200, body
    assert body["token_type"] == "bearer"
    assert isinstance(body["expires_in"], int)
    assert body["expires_in"] > 0
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["role"] == "local_association"
    assert me.json()["region_code"] == "350582"


def test_wrong_passwords_are_refused_in_chinese_then_throttled_with_429(client: TestClient, session: Session) -> None:
    create_user(session, username="center.ops", password=PASSWORD, display_name="中心", role=Role.CENTER)
    status, body = _login(client, "center.ops", "wrong-password")
    assert status == 401
    assert "用户名或密码错误" in str(body["detail"])
    for _ in range(10):
        status, body = _login(client, "center.ops", "wrong-password")
        if status == 429:
            break
    assert status == 429
    assert "锁定" in str(body["detail"])
    # While locked even the right password is refused.
    assert _login(client, "center.ops", PASSWORD)[0] == 429


def test_a_forged_or_garbled_token_is_401(client: TestClient) -> None:
    for token in ("v1.abc.def", "garbage", "v1." + "x" * 3000 + ".y"):
        response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.json()["error"] == "not_authenticated"


def test_the_center_administers_users_and_changes_end_old_tokens(
    client: TestClient, parties: Parties, session: Session
) -> None:
    admin = parties.headers("center")
    created = client.post(
        "/api/users",
        json={
            "username": "society.a2",
            "display_name": "学会秘书",
            "password": PASSWORD,
            "role": "society",
            "society_id": parties.society_a.id,
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    token = _login(client, "society.a2", PASSWORD)[1]["access_token"]
    as_user = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/auth/me", headers=as_user).json()["society_id"] == parties.society_a.id

    moved = client.put(
        f"/api/users/{user_id}/scope", json={"role": "society", "society_id": parties.society_b.id}, headers=admin
    )
    assert moved.status_code == 200, moved.text
    assert client.get("/api/auth/me", headers=as_user).status_code == 401  # the old scope's token is void

    reset = client.post(f"/api/users/{user_id}/password", json={"password": "Another-2026x"}, headers=admin)
    assert reset.status_code == 200
    token = _login(client, "society.a2", "Another-2026x")[1]["access_token"]
    off = client.post(f"/api/users/{user_id}/deactivate", headers=admin)
    assert off.json()["is_active"] is False
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert _login(client, "society.a2", "Another-2026x")[0] == 401
    assert client.post(f"/api/users/{user_id}/reactivate", headers=admin).json()["is_active"] is True

    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_type == "user", AuditEvent.entity_id == user_id)
    )
    assert list(actions) == [
        "user.created",
        "user.scope_changed",
        "user.password_reset",
        "user.deactivated",
        "user.reactivated",
    ]


def test_bad_user_data_and_self_service_are_refused(client: TestClient, parties: Parties) -> None:
    admin = parties.headers("center")
    no_scope = client.post(
        "/api/users",
        json={"username": "la.x", "display_name": "某科协", "password": PASSWORD, "role": "local_association"},
        headers=admin,
    )
    assert no_scope.status_code == 422
    assert "所辖行政区划" in no_scope.json()["detail"]
    me = parties.users["center"].id
    assert client.post(f"/api/users/{me}/deactivate", headers=admin).status_code == 422
    assert client.get("/api/users", headers=parties.headers("la_quanzhou")).status_code == 403
    listed = client.get("/api/users", params={"role": "society"}, headers=admin).json()
    assert {u["society_id"] for u in listed["items"]} >= {parties.society_a.id, parties.society_b.id}
