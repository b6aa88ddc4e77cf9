"""Scope cases of the programme's report endpoints (merged into ``scope_table.CASES``).

Society A is made a pilot society with a report in the wanted state; society B and both local
associations (Quanzhou and Fuzhou are no demonstration areas) take no part: they see none of it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import object_session

from models import ProgressReport, ReportStatus
from tests.api.parties import Parties

UNITS = ("society_a", "society_b", "la_quanzhou", "la_fuzhou")
ALL_STAFF = (*UNITS, "center", "department")
OWN_REPORT = {"society_a": 200, "society_b": 404, "la_quanzhou": 404, "la_fuzhou": 404}


def _report_of_a(p: Parties, status: ReportStatus) -> int:
    session = object_session(p.society_a)
    assert session is not None
    p.society_a.is_pilot = True
    handed_in = status is not ReportStatus.DRAFT
    report = ProgressReport(
        society_id=p.society_a.id,
        year=2026,
        month=9,
        summary="九月走访企业5家。",
        stats={},
        status=status,
        submitted_at=datetime(2026, 10, 5, 2, 0, tzinfo=UTC) if handed_in else None,
        first_submitted_at=datetime(2026, 10, 5, 2, 0, tzinfo=UTC) if handed_in else None,
    )
    session.add(report)
    session.flush()
    return report.id


def _on(status: ReportStatus, action: str = "", **kwargs: Any) -> Any:
    def build(p: Parties) -> tuple[str, dict[str, Any]]:
        suffix = f"/{action}" if action else ""
        return f"/api/program/reports/{_report_of_a(p, status)}{suffix}", kwargs

    return build


def _prepare(p: Parties) -> tuple[str, dict[str, Any]]:
    _report_of_a(p, ReportStatus.ACCEPTED)  # makes society A a pilot society
    return "/api/program/reports", {"json": {"year": 2026, "month": 10}}


def program_cases(case: Any, same: Any) -> dict[tuple[str, str], Any]:
    return {
        ("GET", "/api/program/reports"): case(lambda p: ("/api/program/reports", {}), same(200, *ALL_STAFF)),
        ("POST", "/api/program/reports"): case(
            _prepare, {"society_a": 201, "society_b": 403, "la_quanzhou": 403, "la_fuzhou": 403}
        ),
        ("GET", "/api/program/reports/overdue"): case(
            lambda p: ("/api/program/reports/overdue", {}), same(200, *ALL_STAFF)
        ),
        ("GET", "/api/program/reports/export"): case(
            lambda p: ("/api/program/reports/export", {"params": {"year": 2026, "month": 9}}),
            same(200, "center", "department"),
        ),
        ("GET", "/api/program/reports/{report_id}"): case(
            _on(ReportStatus.SUBMITTED), {**OWN_REPORT, "center": 200, "department": 200}
        ),
        ("PATCH", "/api/program/reports/{report_id}"): case(
            _on(ReportStatus.DRAFT, json={"summary": "九月走访企业6家。"}), OWN_REPORT
        ),
        ("POST", "/api/program/reports/{report_id}/refresh"): case(_on(ReportStatus.RETURNED, "refresh"), OWN_REPORT),
        ("POST", "/api/program/reports/{report_id}/submit"): case(_on(ReportStatus.DRAFT, "submit"), OWN_REPORT),
        ("POST", "/api/program/reports/{report_id}/accept"): case(
            _on(ReportStatus.SUBMITTED, "accept"), {"center": 200}
        ),
        ("POST", "/api/program/reports/{report_id}/return"): case(
            _on(ReportStatus.SUBMITTED, "return", json={"reason": "请补充数据来源"}), {"center": 200}
        ),
        ("GET", "/api/program/overview"): case(lambda p: ("/api/program/overview", {}), same(200, *ALL_STAFF)),
    }
