"""Experts and societies over HTTP: scopes, the profile change log, imports and exports."""

from __future__ import annotations

import io

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Expert, ProfileChange, Society
from tests.api.parties import Parties


def _changes(session: Session, kind: str, ref_id: int) -> int:
    stmt = (
        select(func.count())
        .select_from(ProfileChange)
        .where(ProfileChange.kind == kind, ProfileChange.ref_id == ref_id)
    )
    return session.scalar(stmt) or 0


def test_center_creates_an_expert_and_the_index_log_follows(
    client: TestClient, parties: Parties, session: Session
) -> None:
    body = {
        "code": "API-E1",
        "name": "陈海",
        "employer": "厦门大学",
        "fields": "海洋防腐涂料",
        "society_codes": [parties.society_a.code],
    }
    created = client.post("/api/experts", json=body, headers=parties.headers("center"))
    assert created.status_code == 201, created.text
    expert = created.json()
    assert expert["societies"][0]["code"] == parties.society_a.code
    assert _changes(session, "expert", expert["id"]) == 1
    again = client.post("/api/experts", json=body, headers=parties.headers("center"))
    assert again.status_code == 409
    assert "已存在" in again.json()["detail"]


def test_a_society_edits_its_members_but_not_their_memberships_nor_other_experts(
    client: TestClient, parties: Parties, session: Session
) -> None:
    headers = parties.headers("society_a")
    mine, theirs = parties.expert_a.id, parties.expert_b.id
    before = _changes(session, "expert", mine)
    edited = client.patch(f"/api/experts/{mine}", json={"bio": "长期从事鞋材发泡研究"}, headers=headers)
    assert edited.status_code == 200, edited.text
    assert edited.json()["bio"] == "长期从事鞋材发泡研究"
    assert _changes(session, "expert", mine) == before + 1
    refused = client.patch(f"/api/experts/{mine}", json={"society_codes": []}, headers=headers)
    assert refused.status_code == 403
    assert "省科技咨询服务中心" in refused.json()["detail"]
    assert client.patch(f"/api/experts/{theirs}", json={"bio": "x"}, headers=headers).status_code == 404
    assert client.get(f"/api/experts/{theirs}", headers=headers).status_code == 404
    listed = client.get("/api/experts", headers=headers).json()
    assert [e["id"] for e in listed["items"]] == [mine]
    session.expire_all()
    assert session.get(Expert, theirs).bio == ""  # type: ignore[union-attr]


def test_an_expert_sees_and_edits_only_their_own_profile(client: TestClient, parties: Parties) -> None:
    headers = parties.headers("expert_a")
    own = client.patch(f"/api/experts/{parties.expert_a.id}", json={"capacity": 1, "email": None}, headers=headers)
    assert own.status_code == 200, own.text
    assert own.json()["capacity"] == 1
    assert client.get(f"/api/experts/{parties.expert_b.id}", headers=headers).status_code == 404
    cleared = client.patch(f"/api/experts/{parties.expert_a.id}", json={"name": None}, headers=headers)
    assert cleared.status_code == 422
    assert "不能清空" in cleared.json()["detail"]


def test_local_associations_read_every_expert_and_enterprises_none(client: TestClient, parties: Parties) -> None:
    listed = client.get("/api/experts", params={"size": 100}, headers=parties.headers("la_fuzhou"))
    ids = {e["id"] for e in listed.json()["items"]}
    assert {parties.expert_a.id, parties.expert_b.id} <= ids
    refused = client.get("/api/experts", headers=parties.headers("enterprise_a"))
    assert refused.status_code == 403
    assert "企业" in refused.json()["detail"]
    anonymous = client.get("/api/experts")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"


def test_expert_filters_and_pages(client: TestClient, parties: Parties) -> None:
    headers = parties.headers("center")
    by_society = client.get("/api/experts", params={"society_id": parties.society_b.id}, headers=headers).json()
    assert [e["id"] for e in by_society["items"]] == [parties.expert_b.id]
    assert by_society["total"] == 1
    page = client.get("/api/experts", params={"size": 1, "page": 2}, headers=headers).json()
    assert (page["page"], len(page["items"])) == (2, 1)
    assert page["total"] >= 2


def test_deactivating_an_expert_logs_a_change(client: TestClient, parties: Parties, session: Session) -> None:
    before = _changes(session, "expert", parties.expert_b.id)
    off = client.post(f"/api/experts/{parties.expert_b.id}/deactivate", headers=parties.headers("department"))
    assert off.status_code == 200
    assert off.json()["is_active"] is False
    assert _changes(session, "expert", parties.expert_b.id) == before + 1
    assert (
        client.post(f"/api/experts/{parties.expert_b.id}/reactivate", headers=parties.headers("society_b")).status_code
        == 403
    )


def test_a_society_edits_its_own_profile_only(client: TestClient, parties: Parties, session: Session) -> None:
    headers = parties.headers("society_a")
    own = client.patch(
        f"/api/societies/{parties.society_a.id}", json={"description": "服务晋江鞋服产业"}, headers=headers
    )
    assert own.status_code == 200, own.text
    assert own.json()["member_count"] == 1
    assert (
        client.patch(f"/api/societies/{parties.society_b.id}", json={"description": "x"}, headers=headers).status_code
        == 404
    )
    assert (
        client.patch(f"/api/societies/{parties.society_a.id}", json={"is_pilot": True}, headers=headers).status_code
        == 403
    )
    taken = client.patch(
        f"/api/societies/{parties.society_a.id}", json={"name": parties.society_b.name}, headers=headers
    )
    assert taken.status_code == 409
    session.expire_all()
    assert session.get(Society, parties.society_b.id).description == ""  # type: ignore[union-attr]


IMPORT_CSV = (
    "专家编号,姓名,工作单位,研究领域,所属学会\n"
    "IMP-1,王芳,华侨大学,陶瓷釉料,{society}\n"
    "IMP-2,李明,集美大学,水产加工,{society}\n"
)


def test_import_is_a_dry_run_until_asked_to_write(client: TestClient, parties: Parties, session: Session) -> None:
    headers = parties.headers("center")
    data = IMPORT_CSV.format(society=parties.society_a.code).encode()
    files = {"file": ("experts.csv", data, "text/csv")}
    dry = client.post("/api/imports/experts", files=files, headers=headers)
    assert dry.status_code == 200, dry.text
    assert (dry.json()["status"], dry.json()["created"]) == ("validated", 2)
    assert session.scalar(select(Expert).where(Expert.code == "IMP-1")) is None
    done = client.post("/api/imports/experts", params={"dry_run": False}, files=files, headers=headers)
    assert done.status_code == 200
    assert done.json()["status"] == "imported"
    assert session.scalar(select(Expert).where(Expert.code == "IMP-1")) is not None


def test_an_import_with_a_bad_row_reports_it_in_chinese_and_writes_nothing(
    client: TestClient, parties: Parties, session: Session
) -> None:
    data = IMPORT_CSV.format(society="NO-SUCH").encode()
    rejected = client.post(
        "/api/imports/experts",
        params={"dry_run": False},
        files={"file": ("experts.csv", data, "text/csv")},
        headers=parties.headers("center"),
    )
    assert rejected.status_code == 422
    body = rejected.json()
    assert body["error"] == "import_rejected"
    assert "2 处错误" in body["detail"]
    assert {e["row"] for e in body["report"]["errors"]} == {2, 3}
    assert "学会不存在" in body["report"]["errors"][0]["problem"]
    assert session.scalar(select(Expert).where(Expert.code == "IMP-1")) is None
    assert (
        client.post(
            "/api/imports/experts", files={"file": ("e.csv", data)}, headers=parties.headers("society_a")
        ).status_code
        == 403
    )


def test_an_exported_workbook_imports_back_unchanged(client: TestClient, parties: Parties) -> None:
    headers = parties.headers("center")
    client.patch(
        f"/api/experts/{parties.expert_a.id}",
        json={"works": [{"title": "低密度EVA发泡配方", "keywords": ["EVA", "发泡"], "year": 2021, "kind": "patent"}]},
        headers=headers,
    )
    exported = client.get("/api/exports/experts.xlsx", headers=headers)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:2] == ["专家编号", "姓名"]
    back = client.post(
        "/api/imports/experts", files={"file": ("experts.xlsx", exported.content)}, headers=headers
    ).json()
    assert back["status"] == "validated", back
    assert (back["created"], back["updated"]) == (0, 0)
    assert back["unchanged"] == back["total_rows"] >= 2
    societies = client.get("/api/exports/societies.xlsx", headers=headers)
    again = client.post("/api/imports/societies", files={"file": ("s.xlsx", societies.content)}, headers=headers).json()
    assert again["status"] == "validated"
    assert again["unchanged"] == again["total_rows"] >= 2, again["rows"]


def test_out_of_range_ids_and_control_characters_in_searches_are_refused(client: TestClient, parties: Parties) -> None:
    headers = parties.headers("center")
    assert client.get("/api/experts", params={"society_id": 2**40}, headers=headers).status_code == 422
    for path in ("/api/experts", "/api/societies", "/api/users"):
        response = client.get(path, params={"q": "陶瓷\x00"}, headers=headers)
        assert response.status_code == 422, path
        assert response.json()["error"] == "validation_failed"
