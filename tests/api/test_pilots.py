"""Pilot application and selection over HTTP (seed arts. 12–13): a county and a society through publication."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts import issue_token
from matching.schemas import MatchResult, SocietyMatch, TeamMember
from models import (
    AuditEvent,
    DemandStatus,
    Notification,
    Offer,
    ProfileChange,
    ProfileChangeKind,
    Region,
    Role,
    Society,
    User,
)
from tests.api import pilot_files as files
from tests.api.parties import Parties
from tests.factories import make_demand, make_enterprise, make_expert, make_society, make_user
from workflow.suggestions import store_snapshot

COUNTY = "350525"
"""永春县: a county of Quanzhou that is not a demonstration area yet."""
YEAR = 2027


def _auth(settings: object, user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user, settings)}"}  # type: ignore[arg-type]


def _ok(response: object, code: int = 200) -> dict:
    assert response.status_code == code, response.text  # type: ignore[attr-defined]
    return response.json()  # type: ignore[attr-defined]


def _form(title: str) -> dict[str, object]:
    return {
        "year": YEAR,
        "title": title,
        "contact_name": "林主任",
        "contact_phone": "0595-23881234",
        "key_industries": ["茶叶", "陶瓷", "茶叶"],
        "application_letter": "经县委、县政府同意，申报示范县。",
        "industry_demands": "重点企业技术需求 12 项。",
        "work_plan": "成立工作领导小组，建立需求征集和对接机制。",
    }


def _upload(client: TestClient, headers: dict[str, str], app_id: int, material: str, name: str, data: bytes):
    return client.post(
        f"/api/pilot-applications/{app_id}/files",
        data={"material": material},
        files={"file": (name, data, "application/octet-stream")},
        headers=headers,
    )


def _kinds(session: Session, user: User) -> list[str]:
    rows = session.scalars(select(Notification.kind).where(Notification.recipient_user_id == user.id))
    return sorted(set(rows))


def test_a_county_applies_is_returned_corrects_is_surveyed_selected_and_published(
    client: TestClient, parties: Parties, session: Session
) -> None:
    settings = parties.settings
    county = make_user(session, Role.LOCAL_ASSOCIATION, region_code=COUNTY, display_name="永春县科协")
    surveyor_a = parties.users["expert_a"]
    surveyor_b = make_user(session, Role.EXPERT, expert_id=parties.expert_b.id, display_name="调研专家乙")
    bystander = make_user(session, Role.EXPERT, expert_id=make_expert(session).id)
    la, center, dept = _auth(settings, county), parties.headers("center"), parties.headers("department")

    created = _ok(client.post("/api/pilot-applications", json=_form("永春县示范县申报书"), headers=la), 201)
    app_id = created["id"]
    assert created["status"] == "submitted"
    assert "pilot.submit" in _kinds(session, parties.users["center"])
    base = f"/api/pilot-applications/{app_id}"
    _ok(_upload(client, la, app_id, "recommendation_letter", "推荐函.pdf", files.PDF))
    detail = _ok(_upload(client, la, app_id, "work_plan", "工作方案.docx", files.docx()))
    assert detail["missing_materials"] == ["industry_demands"]
    assert detail["key_industries"] == ["茶叶", "陶瓷"]

    refused = client.post(f"{base}/format-review", json={"passed": True}, headers=center)
    assert refused.status_code == 409
    assert "缺少：产业需求" in refused.json()["detail"]
    no_reason = client.post(f"{base}/format-review", json={"passed": False}, headers=center)
    assert no_reason.status_code == 422
    returned = _ok(
        client.post(f"{base}/format-review", json={"passed": False, "note": "缺产业需求清单"}, headers=center)
    )
    assert returned["status"] == "format_failed"
    assert "pilot.return_format" in _kinds(session, county)
    assert client.post(f"{base}/format-review", json={"passed": True}, headers=center).status_code == 409

    _ok(_upload(client, la, app_id, "industry_demands", "产业需求.xlsx", files.xlsx()))
    corrected = {**_form("永春县示范县申报书（修改稿）")}
    assert _ok(client.post(f"{base}/resubmit", json=corrected, headers=la))["status"] == "submitted"
    assert (
        _ok(client.post(f"{base}/format-review", json={"passed": True, "note": "材料齐全"}, headers=center))["status"]
        == "format_passed"
    )

    early = client.post(f"{base}/recommend", json={"note": "建议入选"}, headers=dept)
    assert early.status_code == 409
    assert "实地调研" in early.json()["detail"]
    assigned = {"expert_user_ids": [surveyor_a.id, surveyor_b.id]}
    _ok(client.post(f"{base}/surveyors", json=assigned, headers=center))
    assert "pilot.assign_survey" in _kinds(session, surveyor_b)
    assert client.get(base, headers=_auth(settings, bystander)).status_code == 404
    form = {"layout_score": 5, "demand_score": 4, "effect_score": 4, "foundation_score": 3, "comments": "茶产业集中"}
    first = _ok(client.post(f"{base}/survey", json=form, headers=parties.headers("expert_a")))
    assert first["status"] == "format_passed"
    assert client.post(f"{base}/survey", json=form, headers=parties.headers("expert_a")).status_code == 409
    bad_score = client.post(f"{base}/survey", json={**form, "layout_score": 6}, headers=_auth(settings, surveyor_b))
    assert bad_score.status_code == 422
    assert _ok(client.post(f"{base}/survey", json=form, headers=_auth(settings, surveyor_b)))["status"] == "surveyed"
    seen = _ok(client.get(base, headers=dept))
    assert [s["total"] for s in seen["surveys"]] == [16, 16]
    assert _ok(client.get(base, headers=la))["surveys"] == []

    assert _ok(client.post(f"{base}/recommend", json={"note": "产业需求集中，建议入选"}, headers=dept))["status"] == (
        "recommended"
    )
    blocked = client.post("/api/pilot-applications/publish", json={"year": YEAR}, headers=dept)
    assert blocked.status_code == 409
    decision = {"selected": True, "meeting_date": "2026-11-30", "meeting_number": "2026年第12次主席办公会议"}
    assert client.post(f"{base}/decision", json=decision, headers=center).status_code == 403
    assert _ok(client.post(f"{base}/decision", json=decision, headers=dept))["status"] == "selected"
    assert session.get(Region, COUNTY).is_demonstration is True  # type: ignore[union-attr]
    shown = client.get("/api/regions", params={"demonstration_only": True}).json()
    assert COUNTY in {r["code"] for r in shown}
    assert client.post(f"{base}/decision", json=decision, headers=dept).status_code == 409

    assert client.get("/api/public/pilots").json() == []
    published = _ok(client.post("/api/pilot-applications/publish", json={"year": YEAR}, headers=dept))
    assert published["published"] == [app_id]
    listed = client.get("/api/public/pilots").json()
    assert [(p["applicant"], p["kind_label"], p["meeting_date"]) for p in listed] == [
        ("永春县科学技术协会", "示范县（市、区）", "2026-11-30")
    ]
    page = client.get("/pilots")
    assert page.status_code == 200
    assert "永春县科学技术协会" in page.text
    actions = list(
        session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.entity_type == "pilot_application", AuditEvent.entity_id == app_id
            )
        )
    )
    assert actions == [
        "pilot.submit", "pilot.upload", "pilot.upload", "pilot.return_format", "pilot.upload", "pilot.resubmit",
        "pilot.pass_format", "pilot.assign_survey", "pilot.file_survey", "pilot.file_survey", "pilot.recommend",
        "pilot.decide", "pilot.publish",
    ]  # fmt: skip
    assert {"pilot.decide", "pilot.publish"} <= set(_kinds(session, county))

    # A demand submitted afterwards in the new demonstration county is screened by its own association.
    enterprise = make_enterprise(session, region_code=COUNTY)
    owner = make_user(session, Role.ENTERPRISE, enterprise_id=enterprise.id)
    draft = {"title": "茶叶烘焙温度控制", "description": "乌龙茶烘焙时温度波动大，希望专家优化烘焙工艺和设备控制。"}
    demand = _ok(client.post("/api/demands", json=draft, headers=_auth(settings, owner)), 201)
    _ok(client.post(f"/api/demands/{demand['id']}/submit", headers=_auth(settings, owner)))
    told = session.scalars(select(Notification.recipient_user_id).where(Notification.demand_id == demand["id"])).all()
    assert county.id in told
    queue = _ok(client.get("/api/demands", params={"status": "submitted"}, headers=la))
    assert demand["id"] in [d["id"] for d in queue["items"]]


def _ranking(session: Session, demand_id: int, society: Society) -> None:
    result = MatchResult(
        demand_id=demand_id,
        model="test",
        index_watermark=1,
        experts=[],
        societies=[
            SocietyMatch(
                rank=1,
                society_id=society.id,
                code=society.code,
                name=society.name,
                score=0.9,
                score_parts={"profile": 0.4, "members": 0.5, "station": 0.0},
                team=[
                    TeamMember(
                        expert_id=make_expert(session, societies=[society]).id, name="张工", role="leader", score=0.5
                    )
                ],
                reason="学会会员研究茶叶加工",
            )  # fmt: skip
        ],
    )
    store_snapshot(session, demand_id, 0, result)


def test_a_society_applies_without_survey_and_once_selected_receives_offers(
    client: TestClient, parties: Parties, session: Session
) -> None:
    settings = parties.settings
    society = make_society(session, name="福建省茶叶学会（测试）", is_active=False)
    staff = make_user(session, Role.SOCIETY, society_id=society.id)
    mine, center, dept = _auth(settings, staff), parties.headers("center"), parties.headers("department")
    before = make_demand(session, parties.enterprise_a)
    _ranking(session, before.id, society)
    _ok(client.post(f"/api/demands/{before.id}/approve", headers=parties.headers("la_quanzhou")))
    assert session.scalars(select(Offer).where(Offer.demand_id == before.id)).all() == []  # inactive: no offer

    form = {**_form("福建省茶叶学会试点学会申报书"), "key_industries": ["茶叶"]}
    app_id = _ok(client.post("/api/pilot-applications", json=form, headers=mine), 201)["id"]
    base = f"/api/pilot-applications/{app_id}"
    wrong = _upload(client, mine, app_id, "recommendation_letter", "推荐函.pdf", files.PDF)
    assert wrong.status_code == 200  # a society may upload any material; only its own three count
    for material, name, data in (
        ("application_letter", "申报函.pdf", files.PDF),
        ("enterprise_demands", "企业需求.xlsx", files.xlsx()),
        ("work_plan", "方案.png", files.PNG),
    ):
        _ok(_upload(client, mine, app_id, material, name, data))
    assert (
        client.post(
            f"{base}/surveyors", json={"expert_user_ids": [parties.users["expert_a"].id]}, headers=center
        ).status_code
        == 409
    )
    _ok(client.post(f"{base}/format-review", json={"passed": True}, headers=center))
    _ok(client.post(f"{base}/recommend", json={"note": "学会工作基础扎实"}, headers=dept))
    decision = {"selected": True, "meeting_date": "2026-11-30", "meeting_number": "第12次"}
    changes_before = session.scalar(select(ProfileChange.id).order_by(ProfileChange.id.desc()).limit(1))
    _ok(client.post(f"{base}/decision", json=decision, headers=dept))
    session.refresh(society)
    assert (society.is_pilot, society.is_active) == (True, True)
    change = session.scalars(select(ProfileChange).where(ProfileChange.id > (changes_before or 0))).all()
    assert [(c.kind, c.ref_id) for c in change] == [(ProfileChangeKind.SOCIETY, society.id)]
    listed = client.get("/api/societies", params={"is_pilot": True}, headers=center).json()
    assert society.id in [s["id"] for s in listed["items"]]

    after = make_demand(session, parties.enterprise_a)
    _ranking(session, after.id, society)
    moved = _ok(client.post(f"/api/demands/{after.id}/approve", headers=parties.headers("la_quanzhou")))
    assert moved["status"] == DemandStatus.OFFERED.value
    offers = _ok(client.get("/api/offers", headers=mine))
    assert [o["demand_id"] for o in offers["items"]] == [after.id]
    _ok(client.post("/api/pilot-applications/publish", json={"year": YEAR}, headers=dept))
    assert [p["applicant"] for p in client.get("/api/public/pilots").json()] == ["福建省茶叶学会（测试）"]
    assert _ok(client.get(base, headers=mine))["published_at"] is not None


def test_not_selected_is_published_but_not_listed_and_changes_nothing(
    client: TestClient, parties: Parties, session: Session
) -> None:
    staff = parties.users["society_b"]
    mine, center, dept = parties.headers("society_b"), parties.headers("center"), parties.headers("department")
    app_id = _ok(client.post("/api/pilot-applications", json=_form("学会乙申报书"), headers=mine), 201)["id"]
    for material in ("application_letter", "enterprise_demands", "work_plan"):
        _ok(_upload(client, mine, app_id, material, f"{material}.pdf", files.PDF))
    base = f"/api/pilot-applications/{app_id}"
    _ok(client.post(f"{base}/format-review", json={"passed": True}, headers=center))
    _ok(client.post(f"{base}/recommend", json={"note": "提交会议研究"}, headers=dept))
    future = {"selected": False, "meeting_date": date(2099, 1, 1).isoformat(), "meeting_number": "第1次"}
    assert client.post(f"{base}/decision", json=future, headers=dept).status_code == 422
    decision = {"selected": False, "meeting_date": "2026-11-30", "meeting_number": "第12次"}
    assert _ok(client.post(f"{base}/decision", json=decision, headers=dept))["status"] == "not_selected"
    assert session.get(Society, staff.society_id).is_pilot is False  # type: ignore[union-attr]
    _ok(client.post("/api/pilot-applications/publish", json={"year": YEAR}, headers=dept))
    assert client.get("/api/public/pilots").json() == []
    again = client.post("/api/pilot-applications/publish", json={"year": YEAR}, headers=dept)
    assert again.status_code == 409
    assert "没有待公布" in again.json()["detail"]
