"""Performance evaluation end to end over HTTP: configure → compute → score → publish → the unit sees its
result → rectification due → reminder → submit → return / accept; disqualification → no new offers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.settings import Settings
from models import (
    AuditEvent,
    Demand,
    DemandStatus,
    Disqualification,
    Notification,
    Offer,
    OfferStatus,
    Rectification,
    RectificationStatus,
    Region,
    Society,
)
from program.rectification import remind_rectifications
from tests.api.evaluation_world import Units, make_units
from tests.api.parties import Parties
from tests.factories import make_demand
from tests.workflow.offering import store_ranking
from workflow.jobs import JobContext

PUBLISHED = datetime(2027, 1, 10, 2, 0, tzinfo=UTC)  # 10:00 in Beijing; rectification due 2027-04-10
INDICATORS = [
    {"name": "对接率", "weight": 40, "source": "computed", "metric": "docking_rate"},
    {"name": "签约项目数", "weight": 20, "source": "computed", "metric": "contracts"},
    {"name": "专家评审", "weight": 40, "source": "entered"},
]


@pytest.fixture
def units(session: Session, parties: Parties) -> Units:
    return make_units(session, parties)


def _as(client: TestClient, parties: Parties, who: str, method: str, url: str, **kw: Any) -> Any:
    return client.request(method, url, headers=parties.headers(who), **kw)


def _notices(session: Session, user_id: int, kind: str) -> list[Notification]:
    query = select(Notification).where(Notification.recipient_user_id == user_id, Notification.kind == kind)
    return list(session.scalars(query))


def _ctx(settings: Settings, now: datetime) -> JobContext:
    return JobContext(engine=None, settings=settings, now=now)


def _configured_round(client: TestClient, parties: Parties) -> dict[str, Any]:
    """A round over 2026 with the test's indicators, expert A named reviewer and the figures computed."""
    body = {
        "title": "2026年度绩效评价",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "indicators": INDICATORS,
    }
    created = _as(client, parties, "department", "POST", "/api/evaluation-rounds", json=body)
    assert created.status_code == 201, created.text
    round_id = created.json()["id"]
    expert = parties.users["expert_a"].id
    named = _as(
        client, parties, "department", "POST", f"/api/evaluation-rounds/{round_id}/reviewers", json={"user_id": expert}
    )
    assert named.status_code == 201, named.text
    computed = _as(client, parties, "department", "POST", f"/api/evaluation-rounds/{round_id}/compute")
    assert computed.status_code == 200, computed.text
    detail = _as(client, parties, "department", "GET", f"/api/evaluation-rounds/{round_id}")
    assert detail.status_code == 200
    data: dict[str, Any] = detail.json()
    return data


def _results_by_unit(detail: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["unit_name"]: r for r in detail["results"]}


def _score_and_publish(client: TestClient, parties: Parties, detail: dict[str, Any], marks: dict[str, int]) -> None:
    entered = next(i["id"] for i in detail["indicators"] if i["source"] == "entered")
    rows = _results_by_unit(detail)
    scores = [{"result_id": rows[name]["id"], "indicator_id": entered, "score": mark} for name, mark in marks.items()]
    url = f"/api/evaluation-rounds/{detail['id']}"
    stored = _as(client, parties, "expert_a", "PUT", f"{url}/scores", json={"scores": scores})
    assert stored.status_code == 200, stored.text
    published = _as(client, parties, "department", "POST", f"{url}/publish")
    assert published.status_code == 200, published.text


def test_evaluation_cycle_from_configuration_to_accepted_rectification(
    client: TestClient, parties: Parties, units: Units, session: Session, settings: Settings
) -> None:
    society = parties.society_a.name
    with clock.frozen_at(PUBLISHED - timedelta(days=3)):
        detail = _configured_round(client, parties)
        rows = _results_by_unit(detail)
        assert set(rows) == {society, units.la_jinjiang.name}
        rate, contracts, entered = (i["id"] for i in detail["indicators"])
        # Six demands offered to society A in 2026, three dockings confirmed; two agreements signed.
        assert rows[society]["scores"][str(rate)] == 50.0
        assert rows[society]["details"][str(rate)] == "推荐 6 项，确认对接 3 项"
        assert rows[society]["scores"][str(contracts)] == 100.0
        assert rows[society]["scores"][str(entered)] is None
        assert rows[society]["total"] is None
        # Not all scores entered yet: publishing is refused and nothing changes.
        early = _as(client, parties, "department", "POST", f"/api/evaluation-rounds/{detail['id']}/publish")
        assert early.status_code == 409
        assert "打分未完成" in early.json()["detail"]
        # The reviewer was told, and sees the round it was named for.
        assert len(_notices(session, parties.users["expert_a"].id, "evaluation.reviewer")) == 1
        listed = _as(client, parties, "expert_a", "GET", "/api/evaluation-rounds").json()
        assert [r["id"] for r in listed] == [detail["id"]]
    with clock.frozen_at(PUBLISHED):
        _score_and_publish(client, parties, detail, {society: 40, units.la_jinjiang.name: 80})
        mine = _as(client, parties, "society_a", "GET", "/api/evaluation-results/mine")
        assert mine.status_code == 200
        [result] = mine.json()
        # (50 × 40 + 100 × 20 + 40 × 40) / 100 = 56 → 不合格; Jinjiang (… + 80 × 40) / 100 = 72 → 合格.
        assert (result["total"], result["grade"], result["grade_label"]) == ("56.00", "fail", "不合格")
        assert result["rectification"]["due_on"] == "2027-04-10"
        assert result["rectification"]["status"] == "pending"
        [la_result] = _as(client, parties, "la_jinjiang", "GET", "/api/evaluation-results/mine").json()
        assert (la_result["total"], la_result["grade_label"]) == ("72.00", "合格")
        [told] = _notices(session, parties.users["society_a"].id, "evaluation.result")
        assert "56.00" in told.payload["text"]
        assert "2027-04-10" in told.payload["text"]
        # The dashboard's programme overview shows the latest result and the rectification deadline.
        overview = _as(client, parties, "center", "GET", "/api/program/overview").json()
        row = next(r for r in overview["rows"] if r["unit"]["name"] == society)
        latest = row["latest_evaluation"]
        assert (latest["grade_label"], latest["rectification_due"]) == ("不合格", "2027-04-10")
        assert latest["rectification_status_label"] == "待提交整改报告"
        # Others' results are not found; a society not evaluated has none.
        other = _as(client, parties, "society_b", "GET", f"/api/evaluation-results/{result['id']}")
        assert other.status_code == 404
        assert _as(client, parties, "society_b", "GET", "/api/evaluation-results/mine").json() == []
    rect_id = result["rectification"]["id"]
    la_rect_id = la_result["rectification"]["id"]
    # Reminders: none three weeks before the due day, one 13 days before (once), overdue the day after.
    assert remind_rectifications(session, _ctx(settings, datetime(2027, 3, 20, 2, tzinfo=UTC))) == 0
    soon = datetime(2027, 3, 28, 2, tzinfo=UTC)
    assert remind_rectifications(session, _ctx(settings, soon)) == 2
    assert remind_rectifications(session, _ctx(settings, soon + timedelta(hours=6))) == 0
    assert len(_notices(session, parties.users["society_a"].id, "rectification.reminder")) == 1
    with clock.frozen_at(datetime(2027, 3, 30, 2, tzinfo=UTC)):
        sent = _as(
            client,
            parties,
            "society_a",
            "POST",
            f"/api/rectifications/{rect_id}/submit",
            json={"report": "已建立对接台账，按月督办。"},
        )
        assert sent.status_code == 200, sent.text
        assert sent.json()["status"] == "submitted"
        returned = _as(
            client,
            parties,
            "center",
            "POST",
            f"/api/rectifications/{rect_id}/return",
            json={"reason": "请补充整改台账"},
        )
        assert returned.json()["status"] == "returned"
        [back] = _notices(session, parties.users["society_a"].id, "rectification.reviewed")
        assert "请补充整改台账" in back.payload["text"]
        again = _as(
            client,
            parties,
            "society_a",
            "POST",
            f"/api/rectifications/{rect_id}/submit",
            json={"report": "补充了整改台账。"},
        )
        assert again.json()["status"] == "submitted"
        accepted = _as(client, parties, "center", "POST", f"/api/rectifications/{rect_id}/accept")
        assert accepted.status_code == 200
        assert accepted.json()["status"] == "accepted"
    after = datetime(2027, 4, 11, 2, tzinfo=UTC)
    assert remind_rectifications(session, _ctx(settings, after)) >= 2  # Jinjiang and the center
    [late] = _notices(session, units.la_user.id, "rectification.overdue")
    assert "2027-04-10" in late.payload["text"]
    assert _notices(session, parties.users["society_a"].id, "rectification.overdue") == []
    with clock.frozen_at(after):
        listed = _as(client, parties, "center", "GET", "/api/rectifications").json()
    by_id = {r["id"]: r for r in listed}
    assert (by_id[rect_id]["status"], by_id[rect_id]["overdue"]) == ("accepted", False)
    assert (by_id[la_rect_id]["status"], by_id[la_rect_id]["overdue"]) == ("pending", True)
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_type == "rectification", AuditEvent.entity_id == rect_id)
    ).all()
    assert actions == ["rectification.submit", "rectification.return", "rectification.submit", "rectification.accept"]


def test_disqualification_stops_new_offers_to_the_society(
    client: TestClient, parties: Parties, units: Units, session: Session
) -> None:
    society = parties.society_a.name
    with clock.frozen_at(PUBLISHED):
        detail = _configured_round(client, parties)
        _score_and_publish(client, parties, detail, {society: 10, units.la_jinjiang.name: 90})
        result_id = _results_by_unit(detail)[society]["id"]
        la_result_id = _results_by_unit(detail)[units.la_jinjiang.name]["id"]
    decision = {
        "result_id": result_id,
        "document_no": "闽科协〔2027〕5号",
        "document_date": "2027-01-15",
        "reason": "绩效评价不合格",
    }
    with clock.frozen_at(datetime(2027, 1, 16, 2, tzinfo=UTC)):
        passed = _as(
            client,
            parties,
            "department",
            "POST",
            "/api/disqualifications",
            json={**decision, "result_id": la_result_id},
        )
        assert passed.status_code == 409  # 合格 is no ground
        by_center = _as(client, parties, "center", "POST", "/api/disqualifications", json=decision)
        assert by_center.status_code == 403
        made = _as(client, parties, "department", "POST", "/api/disqualifications", json=decision)
        assert made.status_code == 201, made.text
        twice = _as(client, parties, "department", "POST", "/api/disqualifications", json=decision)
        assert twice.status_code == 409
    session.expire_all()
    assert session.get_one(Society, parties.society_a.id).is_pilot is False
    assert session.scalar(select(Disqualification.document_no)) == "闽科协〔2027〕5号"
    [told] = _notices(session, parties.users["society_a"].id, "pilot.disqualified")
    assert "闽科协〔2027〕5号" in told.payload["text"]
    # The pending offer expired at once; the accepted ones and their dockings go on.
    assert session.get_one(Offer, parties.offer_id).status is OfferStatus.EXPIRED
    accepted = session.scalars(
        select(Offer.status).where(Offer.society_id == parties.society_a.id, Offer.status == OfferStatus.ACCEPTED)
    ).all()
    assert len(accepted) == 4
    # A demand approved after the decision, ranking society A first, is never offered to it.
    later = make_demand(
        session, parties.enterprise_a, status=DemandStatus.SUBMITTED, submitted_at=datetime(2027, 2, 1, tzinfo=UTC)
    )
    store_ranking(session, later, [(parties.society_a, [parties.expert_a]), (parties.society_b, [parties.expert_b])])
    session.flush()
    with clock.frozen_at(datetime(2027, 2, 2, 2, tzinfo=UTC)):
        approved = _as(client, parties, "la_quanzhou", "POST", f"/api/demands/{later.id}/approve")
        assert approved.status_code == 200, approved.text
    offered_to = session.scalars(select(Offer.society_id).where(Offer.demand_id == later.id)).all()
    assert offered_to == [parties.society_b.id]
    # Nor can the center route one to it by hand.
    stuck = parties.by_state[DemandStatus.UNMATCHED]
    with clock.frozen_at(datetime(2027, 2, 2, 3, tzinfo=UTC)):
        rerouted = _as(
            client,
            parties,
            "center",
            "POST",
            f"/api/demands/{stuck.id}/reroute",
            json={"society_id": parties.society_a.id},
        )
    assert rerouted.status_code == 422
    assert "取消试点资格" in rerouted.json()["detail"]
    assert session.get_one(Demand, stuck.id).status is DemandStatus.UNMATCHED


def test_rectification_moves_are_scoped_and_checked(
    client: TestClient, parties: Parties, units: Units, session: Session
) -> None:
    with clock.frozen_at(PUBLISHED):
        detail = _configured_round(client, parties)
        _score_and_publish(client, parties, detail, {parties.society_a.name: 40, units.la_jinjiang.name: 95})
        rects = {r.result_id: r for r in session.scalars(select(Rectification))}
        la_result = _results_by_unit(detail)[units.la_jinjiang.name]["id"]
        society_result = _results_by_unit(detail)[parties.society_a.name]["id"]
        # Jinjiang (40×… + 95×40: 78 → 良好) owes none; society A does.
        assert la_result not in rects
        rect = rects[society_result]
        url = f"/api/rectifications/{rect.id}"
        assert _as(client, parties, "society_b", "POST", f"{url}/submit", json={"report": "x"}).status_code == 404
        assert _as(client, parties, "la_jinjiang", "GET", url).status_code == 404
        assert _as(client, parties, "center", "POST", f"{url}/accept").status_code == 409  # nothing submitted
        assert _as(client, parties, "society_a", "POST", f"{url}/accept").status_code == 403
        blank = _as(client, parties, "society_a", "POST", f"{url}/submit", json={"report": "   "})
        assert blank.status_code == 422
        huge = _as(client, parties, "society_a", "POST", f"{url}/submit", json={"report": "整" * 20_001})
        assert huge.status_code == 422
        no_reason = _as(client, parties, "center", "POST", f"{url}/return", json={})
        assert no_reason.status_code == 422
    session.expire_all()
    assert session.get_one(Rectification, rect.id).status is RectificationStatus.PENDING


def test_rounds_are_role_scoped_and_refuse_illegal_moves(client: TestClient, parties: Parties, units: Units) -> None:
    with clock.frozen_at(PUBLISHED):
        body = {"title": "评价", "period_start": "2026-01-01", "period_end": "2026-12-31"}
        assert _as(client, parties, "society_a", "POST", "/api/evaluation-rounds", json=body).status_code == 403
        assert _as(client, parties, "anonymous", "GET", "/api/evaluation-rounds").status_code == 401
        reversed_ = {**body, "period_start": "2027-01-01"}
        assert _as(client, parties, "department", "POST", "/api/evaluation-rounds", json=reversed_).status_code == 422
        unknown = {**body, "indicators": [{"name": "x", "weight": 10, "source": "computed", "metric": "luck"}]}
        assert _as(client, parties, "department", "POST", "/api/evaluation-rounds", json=unknown).status_code == 422
        twins = {**body, "indicators": [INDICATORS[2], INDICATORS[2]]}
        assert _as(client, parties, "department", "POST", "/api/evaluation-rounds", json=twins).status_code == 422
        # Without indicators the round starts with the default computed set.
        plain = _as(client, parties, "department", "POST", "/api/evaluation-rounds", json=body).json()
        names = [
            i["name"]
            for i in _as(client, parties, "center", "GET", f"/api/evaluation-rounds/{plain['id']}").json()["indicators"]
        ]
        assert names == ["对接率", "对接时效", "签约项目数", "协议金额", "企业评价", "月报按时报送率"]
        detail = _configured_round(client, parties)
        url = f"/api/evaluation-rounds/{detail['id']}"
        # Expert B is no reviewer of it: not found; the department may not score without being named.
        assert _as(client, parties, "expert_a", "GET", f"/api/evaluation-rounds/{plain['id']}").status_code == 404
        result = detail["results"][0]["id"]
        computed, entered = detail["indicators"][0]["id"], detail["indicators"][2]["id"]
        mark = {"result_id": result, "indicator_id": entered, "score": 70}
        assert _as(client, parties, "department", "PUT", f"{url}/scores", json={"scores": [mark]}).status_code == 403
        on_computed = {"scores": [{**mark, "indicator_id": computed}]}
        assert _as(client, parties, "expert_a", "PUT", f"{url}/scores", json=on_computed).status_code == 422
        too_high = {"scores": [{**mark, "score": 101}]}
        assert _as(client, parties, "expert_a", "PUT", f"{url}/scores", json=too_high).status_code == 422
        assert _as(client, parties, "expert_a", "PUT", f"{url}/scores", json={"scores": [mark]}).status_code == 200
        # Once scored, the indicator set is fixed.
        again = _as(client, parties, "department", "PUT", f"{url}/indicators", json={"indicators": INDICATORS})
        assert again.status_code == 409
        # A unit does not see a result before it is published.
        society_result = _results_by_unit(detail)[parties.society_a.name]["id"]
        assert _as(client, parties, "society_a", "GET", f"/api/evaluation-results/{society_result}").status_code == 404
        marks = {parties.society_a.name: 70, units.la_jinjiang.name: 70}
        _score_and_publish(client, parties, detail, marks)
        assert _as(client, parties, "society_a", "GET", f"/api/evaluation-results/{society_result}").status_code == 200
        late = _as(client, parties, "expert_a", "PUT", f"{url}/scores", json={"scores": [mark]})
        assert late.status_code == 409
        assert _as(client, parties, "department", "POST", f"{url}/publish").status_code == 409
        assert _as(client, parties, "department", "POST", f"{url}/compute").status_code == 409


def test_a_demonstration_area_loses_its_status_and_leaves_later_rounds(
    client: TestClient, parties: Parties, units: Units, session: Session
) -> None:
    la_name = units.la_jinjiang.name
    with clock.frozen_at(PUBLISHED):
        detail = _configured_round(client, parties)
        _score_and_publish(client, parties, detail, {parties.society_a.name: 90, la_name: 0})
        la_result = _results_by_unit(detail)[la_name]
        assert la_result["grade"] is None  # the detail was read before publishing
    decision = {"result_id": la_result["id"], "document_no": "闽科协〔2027〕9号", "reason": "示范工作未开展"}
    with clock.frozen_at(datetime(2027, 1, 20, 2, tzinfo=UTC)):
        future = _as(
            client,
            parties,
            "department",
            "POST",
            "/api/disqualifications",
            json={**decision, "document_date": "2027-02-01"},
        )
        assert future.status_code == 422
        made = _as(
            client,
            parties,
            "department",
            "POST",
            "/api/disqualifications",
            json={**decision, "document_date": "2027-01-19"},
        )
        assert made.status_code == 201, made.text
        listed = _as(client, parties, "center", "GET", "/api/disqualifications").json()
        assert [d["document_no"] for d in listed] == ["闽科协〔2027〕9号"]
        [told] = _notices(session, units.la_user.id, "pilot.disqualified")
        assert la_name in told.payload["text"]
        session.expire_all()
        assert session.get_one(Region, "350582").is_demonstration is False
        # The next round evaluates the pilot society only.
        later = _as(client, parties, "department", "POST", "/api/evaluation-rounds", json={
            "title": "2027年上半年", "period_start": "2027-01-01", "period_end": "2027-06-30", "indicators": INDICATORS,
        }).json()  # fmt: skip
        _as(client, parties, "department", "POST", f"/api/evaluation-rounds/{later['id']}/compute")
        again = _as(client, parties, "department", "GET", f"/api/evaluation-rounds/{later['id']}").json()
    assert [r["unit_name"] for r in again["results"]] == [parties.society_a.name]
