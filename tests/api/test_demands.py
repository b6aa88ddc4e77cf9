"""A demand through the API: draft, submit, screening, list filters and the detail's timeline."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AuditEvent, Notification
from tests.api.parties import Parties

TEXT = "我们的EVA发泡鞋底回弹性不足，穿久了容易塌陷，希望找专家优化发泡配方。联系电话13905951234"


def _events(session: Session, demand_id: int) -> list[str]:
    stmt = select(AuditEvent.action).where(AuditEvent.demand_id == demand_id).order_by(AuditEvent.id)
    return list(session.scalars(stmt))


def test_an_enterprise_submits_and_its_local_association_screens(
    client: TestClient, parties: Parties, session: Session
) -> None:
    owner, screener = parties.headers("enterprise_a"), parties.headers("la_quanzhou")
    draft = client.post("/api/demands", json={"description": TEXT}, headers=owner)
    assert draft.status_code == 201, draft.text
    body = draft.json()
    assert body["status"] == "draft"
    assert body["notices"]  # the phone number was moved out of the text, and the user is told
    demand_id = body["id"]
    assert client.get(f"/api/demands/{demand_id}", headers=screener).status_code == 404  # drafts are private

    submitted = client.post(f"/api/demands/{demand_id}/submit", headers=owner)
    assert submitted.status_code == 200
    assert submitted.json()["status_label"] == "已提交，待科协审核"
    queue = client.get("/api/demands", params={"status": ["submitted"], "sort": "oldest"}, headers=screener).json()
    assert demand_id in [d["id"] for d in queue["items"]]

    approved = client.post(f"/api/demands/{demand_id}/approve", json={"reason": "需求明确"}, headers=screener)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    again = client.post(f"/api/demands/{demand_id}/approve", headers=screener)
    assert again.status_code == 409
    assert "当前状态" in again.json()["detail"]

    detail = client.get(f"/api/demands/{demand_id}", headers=owner).json()
    assert [e["action"] for e in detail["timeline"]][-1].endswith("approve")
    assert "13905951234" not in detail["description"]
    assert _events(session, demand_id)[-1].endswith("approve")


def test_lists_filter_by_text_and_page(client: TestClient, parties: Parties) -> None:
    headers = parties.headers("center")
    everything = client.get("/api/demands", params={"size": 2}, headers=headers).json()
    assert len(everything["items"]) == 2
    assert everything["total"] >= 2
    second = client.get("/api/demands", params={"size": 2, "page": 2}, headers=headers).json()
    assert {d["id"] for d in second["items"]}.isdisjoint({d["id"] for d in everything["items"]})
    none = client.get("/api/demands", params={"q": "不存在的词语组合"}, headers=headers).json()
    assert none["total"] == 0
    bad = client.get("/api/demands", params={"status": ["nonsense"]}, headers=headers)
    assert bad.status_code == 422


def test_an_idempotent_repeat_of_a_screening_move_changes_nothing(
    client: TestClient, parties: Parties, session: Session
) -> None:
    headers = {**parties.headers("la_quanzhou"), "Idempotency-Key": "reject-once"}
    url = f"/api/demands/{parties.demand_a.id}/reject"
    first = client.post(url, json={"reason": "不属于技术需求"}, headers=headers)
    assert first.status_code == 200, first.text
    events, notices = (
        len(_events(session, parties.demand_a.id)),
        session.scalar(select(func.count()).select_from(Notification)),
    )
    repeat = client.post(url, json={"reason": "不属于技术需求"}, headers=headers)
    assert repeat.status_code == 200
    assert repeat.json() == first.json()
    assert repeat.headers["idempotency-replayed"] == "true"
    assert len(_events(session, parties.demand_a.id)) == events
    assert session.scalar(select(func.count()).select_from(Notification)) == notices
    # Without the key the same move is refused: the demand is no longer waiting for screening.
    plain = client.post(url, json={"reason": "不属于技术需求"}, headers=parties.headers("la_quanzhou"))
    assert plain.status_code == 409
