"""Scope cases of the evaluation endpoints (merged into :data:`tests.api.scope_table.CASES`).

The parties hold no evaluation, so the cases name ids nobody has: every role the gate lets through gets
the same "not found" (the services' own scope rules are proven in ``test_evaluations.py``).
"""

from __future__ import annotations

from typing import Any

from tests.api.parties import Parties

Build = Any
NONE = 2_000_000_000
UNITS = ("la_quanzhou", "la_fuzhou", "society_a", "society_b")
STAFF = ("center", "department")
READERS = (*STAFF, "expert_a")


def _url(url: str, **kwargs: Any) -> Build:
    return lambda p: (url, kwargs)


def _same(status: int, *parties: str) -> dict[str, int]:
    return dict.fromkeys(parties, status)


def _round(p: Parties) -> tuple[str, dict[str, Any]]:
    body = {"title": "范围测试评价", "period_start": "2026-01-01", "period_end": "2026-06-30"}
    return "/api/evaluation-rounds", {"json": body}


ROUND = f"/api/evaluation-rounds/{NONE}"
RECT = f"/api/rectifications/{NONE}"
SCORE = {"scores": [{"result_id": 1, "indicator_id": 1, "score": 80}]}
DECISION = {"result_id": NONE, "document_no": "闽科协〔2027〕1号", "document_date": "2026-01-05", "reason": "不合格"}


def evaluation_cases(case: Any) -> dict[tuple[str, str], Any]:
    """The cases, built with the table's ``Case`` class."""
    return {
        ("POST", "/api/evaluation-rounds"): case(_round, {"department": 201}),
        ("GET", "/api/evaluation-rounds"): case(_url("/api/evaluation-rounds"), _same(200, *READERS)),
        ("GET", "/api/evaluation-rounds/{round_id}"): case(_url(ROUND), _same(404, *READERS)),
        ("PUT", "/api/evaluation-rounds/{round_id}/indicators"): case(
            _url(f"{ROUND}/indicators", json={"indicators": [{"name": "评审", "weight": 10, "source": "entered"}]}),
            {"department": 404},
        ),
        ("POST", "/api/evaluation-rounds/{round_id}/reviewers"): case(
            _url(f"{ROUND}/reviewers", json={"user_id": 1}), {"department": 404}
        ),
        ("POST", "/api/evaluation-rounds/{round_id}/compute"): case(_url(f"{ROUND}/compute"), {"department": 404}),
        ("PUT", "/api/evaluation-rounds/{round_id}/scores"): case(
            _url(f"{ROUND}/scores", json=SCORE), _same(404, *READERS)
        ),
        ("POST", "/api/evaluation-rounds/{round_id}/publish"): case(_url(f"{ROUND}/publish"), {"department": 404}),
        ("GET", "/api/evaluation-results/mine"): case(_url("/api/evaluation-results/mine"), _same(200, *UNITS)),
        ("GET", "/api/evaluation-results/{result_id}"): case(
            _url(f"/api/evaluation-results/{NONE}"), _same(404, *UNITS, *STAFF)
        ),
        ("GET", "/api/rectifications"): case(_url("/api/rectifications"), _same(200, *UNITS, *STAFF)),
        ("GET", "/api/rectifications/{rectification_id}"): case(_url(RECT), _same(404, *UNITS, *STAFF)),
        ("POST", "/api/rectifications/{rectification_id}/submit"): case(
            _url(f"{RECT}/submit", json={"report": "已整改"}), _same(404, *UNITS)
        ),
        ("POST", "/api/rectifications/{rectification_id}/accept"): case(_url(f"{RECT}/accept"), {"center": 404}),
        ("POST", "/api/rectifications/{rectification_id}/return"): case(
            _url(f"{RECT}/return", json={"reason": "请补充"}), {"center": 404}
        ),
        ("POST", "/api/disqualifications"): case(_url("/api/disqualifications", json=DECISION), {"department": 404}),
        ("GET", "/api/disqualifications"): case(_url("/api/disqualifications"), _same(200, *STAFF)),
    }
