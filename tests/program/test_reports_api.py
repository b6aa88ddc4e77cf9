"""Monthly progress reports over real HTTP: prepare → correct with a reason → submit → return →
resubmit → accept, each unit kept to its own reports, illegal moves refused in Chinese."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from models import AuditEvent, Notification, ProgressReport, ReportStatus
from tests.program.world import EXPECTED, World, bj

NOV_3 = bj(11, 3)


def call(client: TestClient, world: World, who: str, method: str, path: str, at: datetime = NOV_3, **kw: Any) -> Any:
    with clock.frozen_at(at):
        return client.request(method, path, headers=world.headers(who, at), **kw)


def prepare(client: TestClient, world: World, who: str, month: int = 10, at: datetime = NOV_3) -> Any:
    return call(client, world, who, "POST", "/api/program/reports", at, json={"year": 2026, "month": month})


def figures(body: dict[str, Any]) -> dict[str, str | None]:
    return {f["key"]: f["computed"] for f in body["figures"]}


@pytest.mark.parametrize("who", ["jinjiang", "society_a", "society_b"])
def test_a_draft_is_prefilled_with_the_units_own_october(client: TestClient, world: World, who: str) -> None:
    response = prepare(client, world, who)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "draft"
    assert body["month_label"] == "2026年10月"
    assert body["due_date"] == "2026-11-10"
    assert figures(body) == {k: str(v) for k, v in EXPECTED[who].items()}
    assert body["may_edit"]
    assert body["may_submit"]
    assert not body["may_review"]


def test_the_whole_cycle_with_a_correction(client: TestClient, world: World, session: Session) -> None:
    report_id = prepare(client, world, "jinjiang").json()["id"]
    path = f"/api/program/reports/{report_id}"

    no_reason = call(client, world, "jinjiang", "PATCH", path, json={"corrections": {"experts": {"value": 3}}})
    assert no_reason.status_code == 422
    corrected = call(
        client,
        world,
        "jinjiang",
        "PATCH",
        path,
        json={"corrections": {"experts": {"value": 3, "reason": "一名专家以个人身份参与，未在系统登记"}}},
    )
    assert corrected.status_code == 200, corrected.text
    experts = next(f for f in corrected.json()["figures"] if f["key"] == "experts")
    assert experts == {
        **experts,
        "computed": "2",
        "corrected": "3",
        "value": "3",
        "reason": "一名专家以个人身份参与，未在系统登记",
    }

    empty = call(client, world, "jinjiang", "POST", f"{path}/submit")
    assert empty.status_code == 422
    assert "进展情况" in empty.json()["detail"]
    call(client, world, "jinjiang", "PATCH", path, json={"summary": "十月走访企业12家，促成对接1项。"})
    submitted = call(client, world, "jinjiang", "POST", f"{path}/submit", at=bj(11, 5))
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["on_time"] is True

    late_edit = call(client, world, "jinjiang", "PATCH", path, json={"summary": "改"})
    assert late_edit.status_code == 409
    assert "已报送" in late_edit.json()["detail"]
    bare_return = call(client, world, "center", "POST", f"{path}/return", json={"reason": ""})
    assert bare_return.status_code == 422
    returned = call(
        client, world, "center", "POST", f"{path}/return", at=bj(11, 6), json={"reason": "请补充协议金额说明"}
    )
    assert returned.status_code == 200, returned.text
    assert returned.json()["status"] == "returned"
    assert returned.json()["review_reason"] == "请补充协议金额说明"

    call(client, world, "jinjiang", "PATCH", path, at=bj(11, 12), json={"summary": "十月走访企业12家；协议金额5万元。"})
    again = call(client, world, "jinjiang", "POST", f"{path}/submit", at=bj(11, 12))
    assert again.json()["status"] == "submitted"
    assert again.json()["on_time"] is True  # judged by the first submission, before the due day
    accepted = call(client, world, "center", "POST", f"{path}/accept", at=bj(11, 13))
    assert accepted.json()["status"] == "accepted"
    twice = call(client, world, "center", "POST", f"{path}/accept", at=bj(11, 13))
    assert twice.status_code == 409
    assert "已通过" in twice.json()["detail"]

    report = session.get(ProgressReport, report_id)
    assert report is not None
    session.refresh(report)
    assert report.status is ReportStatus.ACCEPTED
    assert report.stats["experts"] == 2  # the computed value stays beside the correction
    assert report.corrections["experts"]["value"] == "3"
    assert report.summary == "十月走访企业12家；协议金额5万元。"
    assert report.first_submitted_at == bj(11, 5)
    assert report.submitted_at == bj(11, 12)
    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity_type == "progress_report", AuditEvent.entity_id == report_id)
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "report.prepare",
        "report.edit",
        "report.edit",
        "report.submit",
        "report.return",
        "report.edit",
        "report.submit",
        "report.accept",
    ]
    told = session.execute(
        select(Notification.recipient_user_id, Notification.kind).where(Notification.kind.like("report.%"))
    ).all()
    center, unit = world.users["center"].id, world.users["jinjiang"].id
    assert sorted(told) == sorted(
        [
            (center, "report.submitted"),
            (center, "report.submitted"),
            (unit, "report.returned"),
            (unit, "report.accepted"),
        ]
    )
    returned_notice = session.scalars(select(Notification).where(Notification.kind == "report.returned")).one()
    assert "请补充协议金额说明" in returned_notice.payload["text"]


def test_each_unit_sees_only_its_own_reports(client: TestClient, world: World) -> None:
    mine = prepare(client, world, "society_a").json()["id"]
    theirs = prepare(client, world, "society_b").json()["id"]
    for method, suffix, body in (
        ("GET", "", None),
        ("PATCH", "", {"summary": "越权"}),
        ("POST", "/submit", None),
        ("POST", "/refresh", None),
    ):
        response = call(client, world, "society_a", method, f"/api/program/reports/{theirs}{suffix}", json=body)
        assert response.status_code == 404, (method, suffix)
        assert "找不到编号" in response.json()["detail"]
    listed = call(client, world, "society_a", "GET", "/api/program/reports").json()
    assert [r["id"] for r in listed["items"]] == [mine]
    everything = call(client, world, "department", "GET", "/api/program/reports?year=2026&month=10").json()
    assert {r["id"] for r in everything["items"]} == {mine, theirs}
    assert call(client, world, "enterprise", "GET", "/api/program/reports").status_code == 403
    assert call(client, world, "gulou", "GET", f"/api/program/reports/{mine}").status_code == 404


def test_refusals_are_clear(client: TestClient, world: World) -> None:
    assert prepare(client, world, "jinjiang").status_code == 201
    twice = prepare(client, world, "jinjiang")
    assert twice.status_code == 409
    assert "已存在" in twice.json()["detail"]
    unfinished = prepare(client, world, "jinjiang", month=11)
    assert unfinished.status_code == 422
    assert "尚未结束" in unfinished.json()["detail"]
    outsider = prepare(client, world, "society_c")
    assert outsider.status_code == 403
    assert "试点学会" in outsider.json()["detail"]
    ordinary_district = prepare(client, world, "gulou")
    assert ordinary_district.status_code == 403
    assert prepare(client, world, "center").status_code == 403
    bad_month = call(client, world, "jinjiang", "POST", "/api/program/reports", json={"year": 2026, "month": 13})
    assert bad_month.status_code == 422


def test_bad_corrections_change_nothing(client: TestClient, world: World, session: Session) -> None:
    report_id = prepare(client, world, "jinjiang").json()["id"]
    path = f"/api/program/reports/{report_id}"
    for corrections, word in (
        ({"visits": {"value": 1, "reason": "x"}}, "没有名为"),
        ({"docked": {"value": 1.5, "reason": "x"}}, "整数"),
        ({"docked": {"value": -1, "reason": "x"}}, None),
        ({"amount": {"value": "12.345", "reason": "x"}}, None),
    ):
        response = call(client, world, "jinjiang", "PATCH", path, json={"corrections": corrections})
        assert response.status_code == 422, corrections
        if word:
            assert word in response.json()["detail"]
    too_long = call(client, world, "jinjiang", "PATCH", path, json={"summary": "长" * 5001})
    assert too_long.status_code == 422
    center_edit = call(client, world, "center", "PATCH", path, json={"summary": "中心代改"})
    assert center_edit.status_code == 403
    accept_draft = call(client, world, "center", "POST", f"{path}/accept")
    assert accept_draft.status_code == 409
    assert "草稿" in accept_draft.json()["detail"]
    report = session.get(ProgressReport, report_id)
    assert report is not None
    session.refresh(report)
    assert report.corrections == {}
    assert report.summary == ""
    assert report.status is ReportStatus.DRAFT


def test_correcting_back_to_the_computed_value_or_null_removes_the_correction(client: TestClient, world: World) -> None:
    report_id = prepare(client, world, "society_b").json()["id"]
    path = f"/api/program/reports/{report_id}"
    body = {"corrections": {"amount": {"value": "32000.5", "reason": "含一份补充协议"}}}
    first = call(client, world, "society_b", "PATCH", path, json=body).json()
    assert next(f for f in first["figures"] if f["key"] == "amount")["corrected"] == "32000.50"
    assert first["corrected"] == 1
    same = {"corrections": {"amount": {"value": "30000", "reason": "核对无误"}}}
    assert call(client, world, "society_b", "PATCH", path, json=same).json()["corrected"] == 0
    call(client, world, "society_b", "PATCH", path, json=body)
    removed = call(client, world, "society_b", "PATCH", path, json={"corrections": {"amount": None}}).json()
    assert removed["corrected"] == 0
