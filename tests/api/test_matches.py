"""GET /api/demands/{id}/matches: the matcher behind the HTTP API, on both databases."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matching.engine import MatchingEngine
from models import Expert, Society
from tests.factories import make_demand, make_expert
from tests.matching.conftest import BATTERY, BATTERY_2, TEA


def _seed(session: Session) -> int:
    make_expert(session, "B1", fields="锂电池隔膜涂布", works=[BATTERY, BATTERY_2])
    make_expert(session, "T1", fields="茶叶加工", works=[TEA])
    demand = make_demand(session, title="隔膜涂布厚度不均匀", description="我们厂的锂电池隔膜涂布厚度老是不均匀")
    session.commit()
    return demand.id


def test_matches_are_refused_with_503_while_the_index_is_not_ready(center_client: TestClient, session: Session) -> None:
    demand_id = _seed(session)
    response = center_client.get(f"/api/demands/{demand_id}/matches")
    assert response.status_code == 503
    assert response.json()["detail"] == "匹配索引正在准备中，请稍后再试"


def test_matches_rank_the_separator_expert_first_with_reasons(center_client: TestClient, session: Session) -> None:
    demand_id = _seed(session)
    engine: MatchingEngine = center_client.app.state.matching  # type: ignore[attr-defined]
    engine.ensure_ready(session)

    response = center_client.get(f"/api/demands/{demand_id}/matches", params={"top_experts": 2})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [e["name"] for e in body["experts"]][0] == "专家B1"
    assert len(body["experts"]) <= 2
    first = body["experts"][0]
    assert first["reason"]
    assert any("隔膜" in w["title"] for w in first["supporting_works"])

    health = center_client.get("/healthz").json()
    assert health["index"]["state"] == "ready"
    assert health["index"]["counts"] == {
        "experts": session.scalar(select(func.count()).select_from(Expert)),
        "works": 3,
        "societies": session.scalar(select(func.count()).select_from(Society)),
    }
    assert "reason" not in health["index"]


def test_an_unknown_demand_is_a_404_in_chinese(center_client: TestClient, session: Session) -> None:
    _seed(session)
    engine: MatchingEngine = center_client.app.state.matching  # type: ignore[attr-defined]
    engine.ensure_ready(session)
    response = center_client.get("/api/demands/987654/matches")
    assert response.status_code == 404
    assert response.json()["detail"] == "找不到编号为 987654 的需求（或不在您的办理范围内）"


def test_out_of_range_sizes_are_refused(center_client: TestClient) -> None:
    response = center_client.get("/api/demands/1/matches", params={"top_experts": 0})
    assert response.status_code == 422
    assert "应不小于 1" in response.text
