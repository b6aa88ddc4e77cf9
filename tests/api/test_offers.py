"""Offers and dockings over HTTP: a society answers its offer, the association confirms, the demand runs to closed."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from core import clock
from core.clock import BEIJING
from models import DemandStatus
from tests.api.parties import Parties


def _post(client: TestClient, parties: Parties, who: str, url: str, body: dict[str, object] | None = None) -> dict:
    response = client.post(url, json=body, headers=parties.headers(who))
    assert response.status_code == 200, response.text
    return response.json()


def test_an_offer_is_answered_and_its_docking_runs_to_closed_over_http(
    client: TestClient, parties: Parties, session: Session
) -> None:
    demand = parties.by_state[DemandStatus.OFFERED]
    demand.contact_phone = "13912345678"
    session.flush()
    offer_id = parties.offer_id
    inbox = client.get("/api/offers", headers=parties.headers("society_a")).json()
    assert [o["id"] for o in inbox["items"]] == [offer_id]
    assert inbox["pending"] == 1
    assert client.get("/api/offers", headers=parties.headers("society_b")).json()["items"] == []
    detail = client.get(f"/api/offers/{offer_id}", headers=parties.headers("society_a")).json()
    assert detail["demand"]["contact"] is None
    assert detail["offer"]["score_parts"] == {"profile": 0.3, "members": 0.4, "station": 0.1}
    assert [m["expert_id"] for m in detail["proposed"]] == [parties.expert_a.id]
    assert "13912345678" not in client.get(f"/api/offers/{offer_id}", headers=parties.headers("society_a")).text

    wrong = client.post(
        f"/api/offers/{offer_id}/accept",
        json={"expert_ids": [parties.expert_b.id]},
        headers=parties.headers("society_a"),
    )
    assert wrong.status_code == 422
    assert "不是本学会会员" in wrong.json()["detail"]

    accepted = _post(client, parties, "society_a", f"/api/offers/{offer_id}/accept", {"note": "本会承接"})
    assert (accepted["status"], accepted["demand_status"]) == ("accepted", "accepted")
    again = client.post(f"/api/offers/{offer_id}/accept", headers=parties.headers("society_a"))
    assert again.status_code == 409
    assert again.json()["error"] == "illegal_transition"
    assert "已接单" in again.json()["detail"]

    base = f"/api/demands/{demand.id}"
    today = clock.now().astimezone(BEIJING).date().isoformat()
    assert _post(client, parties, "la_quanzhou", f"{base}/docking/confirm")["status"] == "docked"
    seen = client.get(base, headers=parties.headers("society_a")).json()
    assert seen["contact"]["phone"] == "13912345678"
    assert _post(client, parties, "enterprise_a", f"{base}/agreement", {"signed_on": today})["status"] == ("contracted")
    assert _post(client, parties, "society_a", f"{base}/outcome", {"outcome": "针孔率降到1%"})["status"] == "completed"
    bad = client.post(f"{base}/rating", json={"rating": 6}, headers=parties.headers("enterprise_a"))
    assert bad.status_code == 422
    closed = _post(client, parties, "enterprise_a", f"{base}/rating", {"rating": 5, "comment": "很满意"})
    assert (closed["status"], closed["status_label"]) == ("closed", "已结项")
    docking = client.get("/api/dockings", headers=parties.headers("society_a")).json()["items"]
    assert [(d["demand_id"], d["rating"]) for d in docking if d["demand_id"] == demand.id] == [(demand.id, 5)]


def test_the_center_reroutes_and_the_chosen_society_declines_over_http(client: TestClient, parties: Parties) -> None:
    demand_id = parties.demand_in(DemandStatus.UNMATCHED)
    offer = _post(client, parties, "center", f"/api/demands/{demand_id}/reroute", {"society_id": parties.society_b.id})
    assert (offer["status"], offer["demand_status"], offer["society_id"]) == (
        "pending",
        "offered",
        parties.society_b.id,
    )
    refused = client.post(
        f"/api/demands/{demand_id}/reroute",
        json={"society_id": parties.society_a.id},
        headers=parties.headers("center"),
    )
    assert refused.status_code == 409
    no_reason = client.post(
        f"/api/offers/{offer['id']}/decline", json={"reason": ""}, headers=parties.headers("society_b")
    )
    assert no_reason.status_code == 422
    declined = _post(client, parties, "society_b", f"/api/offers/{offer['id']}/decline", {"reason": "领域不符"})
    assert (declined["status"], declined["demand_status"]) == ("declined", "unmatched")
