"""``Idempotency-Key``: a repeat returns the first result and changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import clock
from directory import credit_code
from models import Enterprise, IdempotencyKey
from tests.api.parties import Parties


def _enterprise(n: int, name: str = "泉州市晋江鞋材有限公司") -> dict[str, object]:
    return {"name": name, "credit_code": credit_code.generate("350582", 77_000 + n), "region_code": "350582"}


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Enterprise)) or 0


def test_a_repeat_returns_the_first_response_and_writes_nothing(
    client: TestClient, parties: Parties, session: Session
) -> None:
    before = _count(session)
    first = client.post(
        "/api/enterprises", json=_enterprise(1), headers={**parties.headers("center"), "Idempotency-Key": "reg-1"}
    )
    assert first.status_code == 201, first.text
    assert "idempotency-replayed" not in first.headers
    again = client.post(
        "/api/enterprises", json=_enterprise(1), headers={**parties.headers("center"), "Idempotency-Key": "reg-1"}
    )
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotency-replayed"] == "true"
    assert again.headers["content-type"] == first.headers["content-type"]
    assert _count(session) == before + 1
    # Without the key the same body is a new request, which the directory refuses as a duplicate.
    assert client.post("/api/enterprises", json=_enterprise(1), headers=parties.headers("center")).status_code == 409


def test_json_key_order_and_spacing_do_not_make_a_different_request(client: TestClient, parties: Parties) -> None:
    body = _enterprise(2)
    first = client.post(
        "/api/enterprises", json=body, headers={**parties.headers("center"), "Idempotency-Key": "order"}
    )
    reordered = "{" + ", ".join(f'"{k}": "{v}"' for k, v in reversed(body.items())) + "}"
    again = client.post(
        "/api/enterprises",
        content=reordered.encode(),
        headers={**parties.headers("center"), "Idempotency-Key": "order", "content-type": "application/json"},
    )
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]


def test_the_same_key_with_another_body_is_refused_in_chinese(
    client: TestClient, parties: Parties, session: Session
) -> None:
    assert (
        client.post(
            "/api/enterprises", json=_enterprise(3), headers={**parties.headers("center"), "Idempotency-Key": "k3"}
        ).status_code
        == 201
    )
    before = _count(session)
    other = client.post(
        "/api/enterprises",
        json=_enterprise(4, "另一家公司"),
        headers={**parties.headers("center"), "Idempotency-Key": "k3"},
    )
    assert other.status_code == 422
    assert other.json()["error"] == "idempotency_key_reused"
    assert "不同内容" in other.json()["detail"]
    assert _count(session) == before


def test_the_same_key_on_another_path_or_for_another_caller_is_independent(
    client: TestClient, parties: Parties, session: Session
) -> None:
    first = client.post(
        "/api/enterprises", json=_enterprise(5), headers={**parties.headers("center"), "Idempotency-Key": "shared"}
    )
    assert first.status_code == 201
    other_caller = client.post(
        "/api/enterprises",
        json=_enterprise(6),
        headers={**parties.headers("department"), "Idempotency-Key": "shared"},
    )
    assert other_caller.status_code == 201
    assert other_caller.json()["id"] != first.json()["id"]


def test_a_failed_request_stores_nothing_so_a_retry_runs_again(
    client: TestClient, parties: Parties, session: Session
) -> None:
    bad = {"name": "校验位错误公司", "credit_code": "91350582MA2XXXXXX0", "region_code": "350582"}
    assert (
        client.post(
            "/api/enterprises", json=bad, headers={**parties.headers("center"), "Idempotency-Key": "bad"}
        ).status_code
        == 422
    )
    assert session.scalar(select(IdempotencyKey).where(IdempotencyKey.key == "bad")) is None
    assert (
        client.post(
            "/api/enterprises", json=bad, headers={**parties.headers("center"), "Idempotency-Key": "bad"}
        ).status_code
        == 422
    )


def test_a_key_expires_after_the_configured_time(client: TestClient, parties: Parties, session: Session) -> None:
    start = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    with clock.frozen_at(start):
        first = client.post(
            "/api/enterprises", json=_enterprise(7), headers={**parties.headers("center"), "Idempotency-Key": "old"}
        )
    assert first.status_code == 201
    row = session.scalar(select(IdempotencyKey).where(IdempotencyKey.key == "old"))
    assert row is not None
    assert row.expires_at == start + timedelta(hours=24)
    with clock.frozen_at(start + timedelta(hours=25)):
        late = client.post(
            "/api/enterprises", json=_enterprise(7), headers={**parties.headers("center"), "Idempotency-Key": "old"}
        )
    # The key is free again: the request runs, and the directory refuses the duplicate registration.
    assert late.status_code == 409
    assert "idempotency-replayed" not in late.headers


def test_malformed_keys_are_refused(client: TestClient, parties: Parties) -> None:
    response = client.post(
        "/api/enterprises", json=_enterprise(8), headers={**parties.headers("center"), "Idempotency-Key": "has space"}
    )
    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_invalid"
    too_long = client.post(
        "/api/enterprises", json=_enterprise(8), headers={**parties.headers("center"), "Idempotency-Key": "k" * 256}
    )
    assert too_long.status_code == 422
