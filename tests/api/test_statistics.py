"""Statistics over HTTP: the dashboard figures, each caller's scope only."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.regions import region_subtree
from models import Demand, DemandStatus
from tests.api.parties import Parties
from tests.factories import make_demand, make_enterprise


def _past_draft(session: Session, regions: frozenset[str] | None = None) -> int:
    query = select(func.count(Demand.id)).where(Demand.status != DemandStatus.DRAFT)
    if regions is not None:
        query = query.where(Demand.region_code.in_(sorted(regions)))
    return int(session.scalar(query) or 0)


def test_the_center_sees_the_province_and_an_association_its_region_only(
    client: TestClient, parties: Parties, session: Session
) -> None:
    make_demand(session, make_enterprise(session, region_code="350102"), region_code="350102")  # 福州市鼓楼区
    session.flush()
    province = client.get("/api/statistics", headers=parties.headers("center"))
    assert province.status_code == 200
    body = province.json()
    assert body["scope"] == "全省"
    assert body["demands"] == _past_draft(session)
    assert sum(s["count"] for s in body["by_status"]) == body["demands"]

    quanzhou = client.get("/api/statistics", headers=parties.headers("la_quanzhou")).json()
    fuzhou = client.get("/api/statistics", headers=parties.headers("la_fuzhou")).json()
    assert quanzhou["demands"] == _past_draft(session, region_subtree(session, "350500"))
    assert fuzhou["demands"] == _past_draft(session, region_subtree(session, "350100"))
    assert 0 < quanzhou["demands"] < body["demands"]
    assert 0 < fuzhou["demands"] < body["demands"]
    assert quanzhou["demands"] + fuzhou["demands"] <= body["demands"]


def test_societies_and_enterprises_have_no_statistics(client: TestClient, parties: Parties) -> None:
    for party in ("society_a", "enterprise_a"):
        refused = client.get("/api/statistics", headers=parties.headers(party))
        assert refused.status_code == 403
        assert refused.json()["error"]
