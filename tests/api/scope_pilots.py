"""Scope cases of the pilot-selection endpoints (merged into ``scope_table.CASES``).

Each case builds its own application of society A (or of a county association none of the parties
belongs to) in the status the move starts from, so every party acts on the same untouched row.
"""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session, object_session

from core import clock
from models import LocalAssociation, PilotApplication, PilotFile, PilotMaterial, PilotStatus, PilotSurvey
from tests.api.parties import Parties
from tests.api.pilot_files import PDF
from tests.api.scope_table import ALL_STAFF, Case, same

_years = itertools.count(2030)
READERS = (*ALL_STAFF, "expert_a")
ONLY_A = {"society_a": 200, "society_b": 404, "la_quanzhou": 404, "la_fuzhou": 404}
SEEN_BY_A = {**ONLY_A, "expert_a": 404, "center": 200, "department": 200}


def _session(p: Parties) -> Session:
    session = object_session(p.society_a)
    assert session is not None
    return session


def _files(session: Session, application: PilotApplication, materials: tuple[PilotMaterial, ...]) -> PilotFile:
    rows = [
        PilotFile(application_id=application.id, material=m, filename=f"{m.value}.pdf", file_type="pdf",
                  size_bytes=len(PDF), sha256="0" * 64, stored_as=f"pilot-files/{application.id}/{m.value}.pdf")
        for m in materials
    ]  # fmt: skip
    session.add_all(rows)
    session.flush()
    return rows[0]


def _society_app(p: Parties, status: PilotStatus, *, with_files: bool = True) -> PilotApplication:
    session = _session(p)
    application = PilotApplication(
        society_id=p.society_a.id, year=next(_years), title="学会甲试点申报", status=status, submitted_at=clock.now()
    )
    session.add(application)
    session.flush()
    if with_files:
        materials = (PilotMaterial.APPLICATION_LETTER, PilotMaterial.ENTERPRISE_DEMANDS, PilotMaterial.WORK_PLAN)
        _files(session, application, materials)
    return application


def _county_app(p: Parties, *, surveyor: bool) -> PilotApplication:
    session = _session(p)
    association = LocalAssociation(name=f"范围测试县科协{next(_years)}", region_code="350525")
    existing = session.query(LocalAssociation).filter_by(region_code="350525").one_or_none()
    if existing is None:
        session.add(association)
        session.flush()
    else:
        association = existing
    application = PilotApplication(
        local_association_id=association.id, year=next(_years), title="县示范申报", status=PilotStatus.FORMAT_PASSED
    )
    session.add(application)
    session.flush()
    if surveyor:
        session.add(PilotSurvey(application_id=application.id, expert_user_id=p.users["expert_a"].id))
        session.flush()
    return application


def _on(status: PilotStatus, action: str, **kwargs: Any) -> Any:
    return lambda p: (f"/api/pilot-applications/{_society_app(p, status).id}/{action}", kwargs)


def _file_url(p: Parties) -> tuple[str, dict[str, Any]]:
    application = _society_app(p, PilotStatus.SUBMITTED, with_files=False)
    row = _files(_session(p), application, (PilotMaterial.WORK_PLAN,))
    settings = p.settings
    path = settings.data_dir / row.stored_as
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PDF)
    return f"/api/pilot-applications/{application.id}/files/{row.id}", {}


def _new_application(p: Parties) -> tuple[str, dict[str, Any]]:
    year = _society_app(p, PilotStatus.SUBMITTED).year
    body = {"year": year, "title": "范围测试申报", "contact_name": "王", "contact_phone": "0591-1234567"}
    return "/api/pilot-applications", {"json": body}


def _publish(p: Parties) -> tuple[str, dict[str, Any]]:
    application = _society_app(p, PilotStatus.SELECTED)
    return "/api/pilot-applications/publish", {"json": {"year": application.year}}


PILOT_CASES: dict[tuple[str, str], Case] = {
    ("GET", "/api/pilot-applications"): Case(lambda p: ("/api/pilot-applications", {}), same(200, *READERS)),
    ("POST", "/api/pilot-applications"): Case(
        _new_application, {"society_a": 409, "society_b": 201, "la_quanzhou": 403, "la_fuzhou": 403}
    ),
    ("GET", "/api/pilot-applications/{application_id}"): Case(
        lambda p: (f"/api/pilot-applications/{_society_app(p, PilotStatus.SUBMITTED).id}", {}), SEEN_BY_A
    ),
    ("POST", "/api/pilot-applications/{application_id}/files"): Case(
        _on(PilotStatus.SUBMITTED, "files", data={"material": "work_plan"}, files={"file": ("方案.pdf", PDF)}),
        ONLY_A,
    ),
    ("GET", "/api/pilot-applications/{application_id}/files/{file_id}"): Case(_file_url, SEEN_BY_A),
    ("POST", "/api/pilot-applications/{application_id}/resubmit"): Case(
        _on(PilotStatus.FORMAT_FAILED, "resubmit"), ONLY_A
    ),
    ("POST", "/api/pilot-applications/{application_id}/format-review"): Case(
        _on(PilotStatus.SUBMITTED, "format-review", json={"passed": True}), {"center": 200}
    ),
    ("POST", "/api/pilot-applications/{application_id}/surveyors"): Case(
        lambda p: (
            f"/api/pilot-applications/{_county_app(p, surveyor=False).id}/surveyors",
            {"json": {"expert_user_ids": [p.users["expert_a"].id]}},
        ),
        {"center": 200},
    ),
    ("POST", "/api/pilot-applications/{application_id}/survey"): Case(
        lambda p: (
            f"/api/pilot-applications/{_county_app(p, surveyor=True).id}/survey",
            {
                "json": {
                    "layout_score": 4,
                    "demand_score": 4,
                    "effect_score": 4,
                    "foundation_score": 4,
                    "comments": "良好",
                }
            },
        ),
        {"expert_a": 200},
    ),
    ("POST", "/api/pilot-applications/{application_id}/recommend"): Case(
        _on(PilotStatus.FORMAT_PASSED, "recommend", json={"note": "建议入选"}), {"department": 200}
    ),
    ("POST", "/api/pilot-applications/{application_id}/decision"): Case(
        _on(
            PilotStatus.RECOMMENDED,
            "decision",
            json={"selected": False, "meeting_date": "2026-11-30", "meeting_number": "第1次"},
        ),
        {"department": 200},
    ),
    ("POST", "/api/pilot-applications/publish"): Case(_publish, {"department": 200}),
    ("GET", "/api/public/pilots"): Case(
        lambda p: ("/api/public/pilots", {}), same(200, "anonymous", *READERS, "enterprise_a", "enterprise_b")
    ),
}
