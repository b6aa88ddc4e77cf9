"""Pilot applications refuse bad uploads, foreign ids and illegal moves in Chinese, and keep what they took."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import PilotFile, Role
from tests.api import pilot_files as files
from tests.api.parties import Parties
from tests.api.test_pilots import YEAR, _auth, _form, _ok, _upload
from tests.factories import make_user


def _society_application(client: TestClient, parties: Parties) -> int:
    return _ok(
        client.post("/api/pilot-applications", json=_form("学会甲申报书"), headers=parties.headers("society_a")), 201
    )["id"]


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("申报函.pdf", b"", "是空文件"),
        ("申报函.pdf", files.EXE, "内容不是PDF"),
        ("申报函.docx", files.PDF, "内容不是Word"),
        ("申报函.docx", files.plain_zip(), "内容不是Word"),
        ("申报函.xlsx", files.docx(), "内容不是Excel"),
        ("申报函.png", b"\xff\xd8\xff\xe0" + b"\x00" * 40, "内容不是PNG"),
        ("申报函.exe", files.EXE, "只接受"),
        ("申报函", files.PDF, "只接受"),
    ],
)
def test_a_bad_upload_is_refused_in_chinese_and_leaves_nothing(
    client: TestClient, parties: Parties, session: Session, name: str, data: bytes, says: str
) -> None:
    app_id = _society_application(client, parties)
    refused = _upload(client, parties.headers("society_a"), app_id, "application_letter", name, data)
    assert refused.status_code == 422, refused.text
    assert says in refused.json()["detail"]
    count = session.scalar(select(func.count()).select_from(PilotFile).where(PilotFile.application_id == app_id))
    assert count == 0
    assert not (parties.settings.data_dir / "pilot-files" / str(app_id)).exists()


def test_an_oversized_file_is_refused_and_earlier_files_are_kept(
    client: TestClient, parties: Parties, session: Session
) -> None:
    headers = parties.headers("society_a")
    app_id = _society_application(client, parties)
    kept = _ok(_upload(client, headers, app_id, "work_plan", "方案.pdf", files.PDF))["files"]
    limit = parties.settings.pilots.max_file_bytes
    assert limit == 10 * 1024 * 1024
    big = files.PDF + b"0" * (limit - len(files.PDF) + 1)
    refused = _upload(client, headers, app_id, "application_letter", "大文件.pdf", big)
    assert refused.status_code == 422
    assert "超过 10 MB" in refused.json()["detail"]
    exactly = _upload(client, headers, app_id, "application_letter", "刚好.pdf", big[:limit])
    assert exactly.status_code == 200, exactly.text

    detail = _ok(client.get(f"/api/pilot-applications/{app_id}", headers=headers))
    assert [(f["material"], f["filename"]) for f in detail["files"]] == [
        ("application_letter", "刚好.pdf"),
        ("work_plan", "方案.pdf"),
    ]
    [row] = session.scalars(select(PilotFile).where(PilotFile.id == kept[0]["id"])).all()
    stored: Path = parties.settings.data_dir / row.stored_as
    assert stored.read_bytes() == files.PDF
    assert stored.parent == parties.settings.data_dir / "pilot-files" / str(app_id)
    download = client.get(f"/api/pilot-applications/{app_id}/files/{row.id}", headers=headers)
    assert (download.status_code, download.content) == (200, files.PDF)
    assert download.headers["content-type"] == "application/pdf"


def test_a_replaced_material_keeps_the_old_file_on_record(client: TestClient, parties: Parties) -> None:
    headers = parties.headers("society_a")
    app_id = _society_application(client, parties)
    _ok(_upload(client, headers, app_id, "work_plan", "方案一.pdf", files.PDF))
    detail = _ok(_upload(client, headers, app_id, "work_plan", "方案二.docx", files.docx()))
    assert [(f["filename"], f["current"]) for f in detail["files"]] == [("方案二.docx", True), ("方案一.pdf", False)]


def test_foreign_ids_are_not_found_and_roles_are_refused(
    client: TestClient, parties: Parties, session: Session
) -> None:
    app_id = _society_application(client, parties)
    base = f"/api/pilot-applications/{app_id}"
    row_id = _ok(_upload(client, parties.headers("society_a"), app_id, "work_plan", "方案.pdf", files.PDF))["files"][0][
        "id"
    ]
    other_county = make_user(session, Role.LOCAL_ASSOCIATION, region_code="350526")
    for who in (parties.headers("society_b"), _auth(parties.settings, other_county), parties.headers("expert_a")):
        assert client.get(base, headers=who).status_code == 404
        assert client.get(f"{base}/files/{row_id}", headers=who).status_code == 404
        assert client.get("/api/pilot-applications", headers=who).json()["items"] == []
    foreign = _upload(client, parties.headers("society_b"), app_id, "work_plan", "方案.pdf", files.PDF)
    assert foreign.status_code == 404
    assert "找不到编号为" in foreign.json()["detail"]
    assert client.post(f"{base}/resubmit", headers=parties.headers("society_b")).status_code == 404
    assert client.get("/api/pilot-applications/999999", headers=parties.headers("center")).status_code == 404
    assert client.get(f"{base}/files/999999", headers=parties.headers("center")).status_code == 404
    assert client.get(base).status_code == 401
    assert client.get("/api/pilot-applications", headers=parties.headers("enterprise_a")).status_code == 403
    city = client.post("/api/pilot-applications", json=_form("泉州市申报"), headers=parties.headers("la_quanzhou"))
    assert city.status_code == 403
    assert "县级科协" in city.json()["detail"]
    assert (
        client.post(f"{base}/format-review", json={"passed": True}, headers=parties.headers("department")).status_code
        == 403
    )
    assert client.post(f"{base}/recommend", json={"note": "推荐"}, headers=parties.headers("center")).status_code == 403


def test_illegal_moves_are_conflicts_in_chinese_and_change_nothing(client: TestClient, parties: Parties) -> None:
    society, center, dept = parties.headers("society_a"), parties.headers("center"), parties.headers("department")
    app_id = _society_application(client, parties)
    base = f"/api/pilot-applications/{app_id}"
    twice = client.post("/api/pilot-applications", json=_form("第二份"), headers=society)
    assert twice.status_code == 409
    assert f"{YEAR} 年度" in twice.json()["detail"]
    not_returned = client.post(f"{base}/resubmit", headers=society)
    assert not_returned.status_code == 409
    assert "当前状态为「已提交，待形式审查」" in not_returned.json()["detail"]
    for path, body in (
        (f"{base}/recommend", {"note": "推荐入选"}),
        (f"{base}/decision", {"selected": True, "meeting_date": "2026-11-30", "meeting_number": "1"}),
    ):
        refused = client.post(path, json=body, headers=dept)
        assert refused.status_code == 409
        assert refused.json()["error"] == "illegal_transition"
    for material in ("application_letter", "enterprise_demands", "work_plan"):
        _ok(_upload(client, society, app_id, material, "材料.pdf", files.PDF))
    _ok(client.post(f"{base}/format-review", json={"passed": True}, headers=center))
    late = _upload(client, society, app_id, "work_plan", "新方案.pdf", files.PDF)
    assert late.status_code == 409
    assert "不能上传申报材料" in late.json()["detail"]
    assert (
        client.post(f"{base}/format-review", json={"passed": False, "note": "再看看"}, headers=center).status_code
        == 409
    )
    assert client.post("/api/pilot-applications/publish", json={"year": YEAR}, headers=center).status_code == 403
    detail = _ok(client.get(base, headers=center))
    assert (detail["status"], len(detail["files"])) == ("format_passed", 3)
