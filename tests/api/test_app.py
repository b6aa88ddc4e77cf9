from __future__ import annotations

import gc
import re
import weakref

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.app import create_app
from core.db import Database
from core.settings import Settings
from directory import credit_code
from models import Enterprise
from tests.factories import make_enterprise


def test_healthz_reports_database_migrations_and_index(client: TestClient, backend: str) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == {"dialect": backend, "reachable": True}
    assert body["migrations"]["at_head"] is True
    assert body["migrations"]["current"] == body["migrations"]["head"]
    assert "state" in body["index"]
    assert response.headers["x-request-id"]


def test_healthz_is_503_when_the_database_is_not_migrated(settings: Settings, tmp_path: object) -> None:
    empty = Database.from_url(f"sqlite:///{settings.data_dir / 'empty.db'}")
    with TestClient(create_app(settings, database=empty, keep_index=False)) as c:
        response = c.get("/healthz")
    assert response.status_code == 503
    assert response.json()["migrations"]["at_head"] is False
    assert response.json()["status"] == "unavailable"


def test_healthz_is_503_when_the_database_is_unreachable(settings: Settings) -> None:
    down = Database.from_url("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    with TestClient(create_app(settings, database=down, keep_index=False)) as c:
        response = c.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["reachable"] is False


def test_enterprise_registration_commits_through_the_request_session(
    center_client: TestClient, session: Session
) -> None:
    code = credit_code.generate("350526", 4242)
    response = center_client.post(
        "/api/enterprises",
        json={"name": "德化县瓷都陶瓷有限公司", "credit_code": code, "region_code": "350526", "industry": "陶瓷"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["credit_code"] == code
    stored = session.scalar(select(Enterprise).where(Enterprise.credit_code == code))
    assert stored is not None
    assert stored.name == "德化县瓷都陶瓷有限公司"


def test_bad_credit_code_gets_a_chinese_error_and_nothing_is_stored(
    center_client: TestClient, session: Session
) -> None:
    good = credit_code.generate("350526", 4243)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = center_client.post(
        "/api/enterprises", json={"name": "错误代码公司", "credit_code": bad, "region_code": "350526"}
    )
    assert response.status_code == 422
    assert response.json()["error"] == "validation_failed"
    assert "校验位" in response.json()["detail"]
    assert session.scalar(select(Enterprise).where(Enterprise.name == "错误代码公司")) is None


def test_duplicate_enterprise_is_a_conflict(center_client: TestClient) -> None:
    payload = {"name": "重复公司", "credit_code": credit_code.generate("350582", 4244), "region_code": "350582"}
    assert center_client.post("/api/enterprises", json=payload).status_code == 201
    response = center_client.post("/api/enterprises", json=payload)
    assert response.status_code == 409
    assert "已登记" in response.json()["detail"]


def test_request_validation_errors_are_explained_in_chinese(center_client: TestClient) -> None:
    response = center_client.post("/api/enterprises", json={"name": "x"})
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert fields["body.credit_code"] == "必填"
    assert "至少 2 个字符" in fields["body.name"]


def test_malformed_json_is_refused_clearly(center_client: TestClient) -> None:
    response = center_client.post(
        "/api/enterprises", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"] == "validation_failed"


def test_unknown_path_is_a_chinese_404(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "找不到所请求的页面或接口"}


def test_regions_cover_fujian_with_demonstration_areas(client: TestClient) -> None:
    regions = client.get("/api/regions").json()
    codes = {r["code"] for r in regions}
    assert {"350100", "350200", "350300", "350400", "350500", "350600", "350700", "350800", "350900"} <= codes
    assert "350128" in codes  # Pingtan
    assert len([r for r in regions if r["level"] == "county"]) == 84
    demo = client.get("/api/regions", params={"demonstration_only": True}).json()
    assert demo
    assert all(r["is_demonstration"] for r in demo)


def _enterprises_shown(page: str) -> int:
    found = re.search(r"<th>企业</th><td>(\d+)</td>", page)
    assert found is not None, page
    return int(found.group(1))


def test_home_page_is_chinese_and_counts_enterprises(client: TestClient, session: Session) -> None:
    before = client.get("/")
    assert before.status_code == 200
    assert "创新驱动助力工程" in before.text
    make_enterprise(session)
    make_enterprise(session)
    session.commit()
    after = client.get("/").text
    assert _enterprises_shown(after) == _enterprises_shown(before.text) + 2


def test_docs_page_loads_swagger_ui_from_our_own_static_files(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets
    assert all(a.startswith("/static/vendor/swagger-ui-dist/") for a in assets), assets  # no CDN
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "cdn" not in page.text.lower()
    assert client.get("/redoc").status_code == 404  # ReDoc would load from a CDN


def test_a_dropped_app_is_freed_after_serving_every_kind_of_page(settings: Settings, bound_db: Database) -> None:
    """FastAPI caches each endpoint callable process-wide: an endpoint closing over its app kept
    every app a process ever built alive (the test run grew to millions of objects and its full
    garbage collections to over 10 s)."""
    app = create_app(settings, database=bound_db, keep_index=False)
    with TestClient(app) as c:
        for path in ("/healthz", "/metrics", "/docs", "/docs/oauth2-redirect", "/openapi.json", "/api/regions"):
            assert c.get(path).status_code in (200, 503), path
    freed = weakref.ref(app)
    del app, c
    gc.collect()
    assert freed() is None
