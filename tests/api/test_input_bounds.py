"""Hostile input gets a clear Chinese refusal, nothing stored, and oversize bodies are not read."""

from __future__ import annotations

import json
from typing import Any

import anyio
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.app import create_app
from core.db import Database
from core.settings import ApiSettings, Settings
from directory import credit_code
from models import Enterprise


def _enterprise(name: str, n: int) -> dict[str, Any]:
    return {"name": name, "credit_code": credit_code.generate("350526", n), "region_code": "350526"}


def test_an_id_out_of_range_is_a_422_not_a_500(center_client: TestClient) -> None:
    response = center_client.get("/api/demands/99999999999999999999999/matches")
    assert response.status_code == 422
    assert "应不大于" in response.text


def test_an_oversize_body_is_a_chinese_413(center_client: TestClient, session: Session) -> None:
    payload = _enterprise("大包公司", 5101) | {"address": "福" * (1024 * 1024)}
    response = center_client.post("/api/enterprises", json=payload)
    assert response.status_code == 413
    assert response.json() == {"error": "payload_too_large", "detail": "提交的内容过大（上限 1 MB）"}
    assert session.scalar(select(Enterprise).where(Enterprise.name == "大包公司")) is None


def test_an_oversize_body_is_refused_before_it_is_read(settings: Settings, bound_db: Database) -> None:
    """Straight through the ASGI interface: count how much of a 60 MB body the app pulls."""
    app = create_app(
        settings.model_copy(update={"api": ApiSettings(max_body_bytes=64 * 1024)}), database=bound_db, keep_index=False
    )
    chunk = b"x" * 65536
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": chunk, "more_body": pulled < 960}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    def scope(headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
        return {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
            "path": "/api/enterprises", "raw_path": b"/api/enterprises", "query_string": b"", "root_path": "",
            "headers": [(b"content-type", b"application/json"), *headers], "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
        }  # fmt: skip

    anyio.run(app, scope([(b"content-length", str(960 * 65536).encode())]), receive, send)
    assert sent[0]["status"] == 413
    assert pulled == 0  # the declared length was enough
    sent.clear()
    anyio.run(app, scope([]), receive, send)  # chunked: no length declared
    assert sent[0]["status"] == 413
    assert pulled <= 3
    assert json.loads(sent[1]["body"])["error"] == "payload_too_large"


def test_deep_nesting_is_refused_in_chinese(center_client: TestClient) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    response = center_client.post("/api/enterprises", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"] == "JSON 嵌套层数过多（最多 32 层）"


def test_a_nul_character_is_refused_and_nothing_stored(center_client: TestClient, session: Session) -> None:
    response = center_client.post("/api/enterprises", json=_enterprise("空字符\x00公司", 5102))
    assert response.status_code == 422
    assert response.json()["detail"] == "内容含有不允许的控制字符（NUL）"
    assert session.scalar(select(Enterprise).where(Enterprise.name.like("空字符%"))) is None


def test_ordinary_bodies_still_pass_the_guard(center_client: TestClient) -> None:
    response = center_client.post("/api/enterprises", json=_enterprise("正常公司", 5103))
    assert response.status_code == 201, response.text
