"""Every ``/api`` endpoint: a request that exercises it, and what each party must get back.

``expect`` lists the status for each party whose role the endpoint declares; every other party must
get 403 (401 without a token) from the role gate. A route missing here fails
``test_every_api_route_has_a_scope_case``: a new endpoint needs its scope spelled out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models import DemandStatus
from tests.api.parties import Parties

Build = Callable[[Parties], tuple[str, dict[str, Any]]]
"""The URL and the keyword arguments of the request (json, data, files, params)."""

ALL_STAFF = ("la_quanzhou", "la_fuzhou", "society_a", "society_b", "center", "department")
MANAGERS = ("center", "department")
EVERY_USER = ("enterprise_a", "enterprise_b", "expert_a", *ALL_STAFF)
SCREENERS_OF_A = {"la_quanzhou": 200, "la_fuzhou": 404, "center": 200}
"""A local association screens its own region's demands only; the center every region's."""
OWNER_OF_A = {"enterprise_a": 200, "enterprise_b": 404}
OFFERED_TO_A = {"society_a": 200, "society_b": 404}
"""Society A's offer: society B can neither read nor answer it."""
DOCKING_OF_A = OFFERED_TO_A


@dataclass(frozen=True)
class Case:
    build: Build
    expect: dict[str, int] = field(default_factory=dict)


def same(status: int, *parties: str) -> dict[str, int]:
    return dict.fromkeys(parties, status)


def _url(url: str, **kwargs: Any) -> Build:
    return lambda p: (url, kwargs)


_CSV = "专家编号,姓名,工作单位\nSCOPE-1,测试专家,福州大学\n"


def _on(state: DemandStatus | None, action: str, **kwargs: Any) -> Build:
    """A move on enterprise A's demand in ``state`` (None: the submitted ``demand_a``)."""
    return lambda p: (f"/api/demands/{p.demand_a.id if state is None else p.demand_in(state)}/{action}", kwargs)


def _new_user(p: Parties) -> tuple[str, dict[str, Any]]:
    body = {"username": "scope.user", "display_name": "测试", "password": "Scope-Test-2026", "role": "center"}
    return "/api/users", {"json": body}


def _new_enterprise(p: Parties) -> tuple[str, dict[str, Any]]:
    from directory import credit_code

    body = {"name": "范围测试有限公司", "credit_code": credit_code.generate("350582", 991), "region_code": "350582"}
    return "/api/enterprises", {"json": body}


CASES: dict[tuple[str, str], Case] = {
    ("POST", "/api/auth/token"): Case(_url("/api/auth/token", data={}), same(422, "anonymous", *EVERY_USER)),
    ("GET", "/api/auth/me"): Case(_url("/api/auth/me"), same(200, *EVERY_USER)),
    ("GET", "/api/regions"): Case(_url("/api/regions"), same(200, "anonymous", *EVERY_USER)),
    ("GET", "/api/statistics"): Case(
        _url("/api/statistics"), same(200, "la_quanzhou", "la_fuzhou", "center", "department")
    ),
    ("POST", "/api/enterprises"): Case(_new_enterprise, same(201, *MANAGERS)),
    # users
    ("GET", "/api/users"): Case(_url("/api/users"), same(200, *MANAGERS)),
    ("POST", "/api/users"): Case(_new_user, same(201, *MANAGERS)),
    ("GET", "/api/users/{user_id}"): Case(
        lambda p: (f"/api/users/{p.users['society_a'].id}", {}), same(200, *MANAGERS)
    ),
    ("POST", "/api/users/{user_id}/deactivate"): Case(
        lambda p: (f"/api/users/{p.users['society_b'].id}/deactivate", {}), same(200, *MANAGERS)
    ),
    ("POST", "/api/users/{user_id}/reactivate"): Case(
        lambda p: (f"/api/users/{p.users['society_b'].id}/reactivate", {}), same(200, *MANAGERS)
    ),
    ("POST", "/api/users/{user_id}/password"): Case(
        lambda p: (f"/api/users/{p.users['society_b'].id}/password", {"json": {"password": "New-Pass-2026"}}),
        same(200, *MANAGERS),
    ),
    ("PUT", "/api/users/{user_id}/scope"): Case(
        lambda p: (
            f"/api/users/{p.users['society_b'].id}/scope",
            {"json": {"role": "society", "society_id": p.society_a.id}},
        ),
        same(200, *MANAGERS),
    ),
    # experts: societies see their members, experts themselves, local associations everyone
    ("GET", "/api/experts"): Case(_url("/api/experts"), same(200, *ALL_STAFF, "expert_a")),
    ("POST", "/api/experts"): Case(
        _url("/api/experts", json={"code": "SCOPE-E", "name": "新专家"}), same(201, *MANAGERS)
    ),
    ("GET", "/api/experts/{expert_id}"): Case(
        lambda p: (f"/api/experts/{p.expert_a.id}", {}),
        {**same(200, *ALL_STAFF, "expert_a"), "society_b": 404},
    ),
    ("PATCH", "/api/experts/{expert_id}"): Case(
        lambda p: (f"/api/experts/{p.expert_a.id}", {"json": {"bio": "范围测试"}}),
        {"society_a": 200, "society_b": 404, "expert_a": 200, **same(200, *MANAGERS)},
    ),
    ("POST", "/api/experts/{expert_id}/deactivate"): Case(
        lambda p: (f"/api/experts/{p.expert_a.id}/deactivate", {}), same(200, *MANAGERS)
    ),
    ("POST", "/api/experts/{expert_id}/reactivate"): Case(
        lambda p: (f"/api/experts/{p.expert_a.id}/reactivate", {}), same(200, *MANAGERS)
    ),
    # societies
    ("GET", "/api/societies"): Case(_url("/api/societies"), same(200, *ALL_STAFF, "expert_a")),
    ("POST", "/api/societies"): Case(
        _url("/api/societies", json={"code": "SCOPE-S", "name": "范围测试学会"}), same(201, *MANAGERS)
    ),
    ("GET", "/api/societies/{society_id}"): Case(
        lambda p: (f"/api/societies/{p.society_a.id}", {}), same(200, *ALL_STAFF, "expert_a")
    ),
    ("PATCH", "/api/societies/{society_id}"): Case(
        lambda p: (f"/api/societies/{p.society_a.id}", {"json": {"description": "范围测试"}}),
        {"society_a": 200, "society_b": 404, **same(200, *MANAGERS)},
    ),
    # imports and exports
    ("POST", "/api/imports/{kind}"): Case(
        _url("/api/imports/experts", files={"file": ("e.csv", _CSV.encode(), "text/csv")}), same(200, *MANAGERS)
    ),
    ("GET", "/api/exports/experts.xlsx"): Case(_url("/api/exports/experts.xlsx"), same(200, *MANAGERS)),
    ("GET", "/api/exports/societies.xlsx"): Case(_url("/api/exports/societies.xlsx"), same(200, *MANAGERS)),
    # match preview: staff who screen or route, within their region (the index is not built here: 503)
    ("GET", "/api/demands/{demand_id}/matches"): Case(
        lambda p: (f"/api/demands/{p.demand_a.id}/matches", {}),
        {"la_quanzhou": 503, "la_fuzhou": 404, **same(503, *MANAGERS)},
    ),
    # the notification inbox: everyone has one, nobody reads another's
    ("GET", "/api/notifications"): Case(_url("/api/notifications"), same(200, *EVERY_USER)),
    ("GET", "/api/notifications/unread-count"): Case(_url("/api/notifications/unread-count"), same(200, *EVERY_USER)),
    ("POST", "/api/notifications/{notification_id}/read"): Case(
        lambda p: (f"/api/notifications/{p.notice_id}/read", {}), same(200, *EVERY_USER)
    ),
    ("POST", "/api/notifications/read-all"): Case(_url("/api/notifications/read-all"), same(200, *EVERY_USER)),
    # demands: the workflow's own scope (own demands, own region, offered societies)
    ("GET", "/api/demands"): Case(_url("/api/demands"), same(200, *EVERY_USER)),
    ("POST", "/api/demands"): Case(
        _url("/api/demands", json={"description": "陶瓷釉面烧成后出现针孔，希望专家帮助分析原因"}),
        same(201, "enterprise_a", "enterprise_b"),
    ),
    ("GET", "/api/demands/{demand_id}"): Case(
        lambda p: (f"/api/demands/{p.demand_a.id}", {}),
        {**OWNER_OF_A, **same(404, "society_a", "society_b", "expert_a"), **SCREENERS_OF_A, "department": 200},
    ),
    ("POST", "/api/demands/{demand_id}/submit"): Case(_on(DemandStatus.DRAFT, "submit"), OWNER_OF_A),
    ("POST", "/api/demands/{demand_id}/supplement"): Case(
        _on(DemandStatus.RETURNED, "supplement", json={"text": "每天产量约两万件"}), OWNER_OF_A
    ),
    ("POST", "/api/demands/{demand_id}/withdraw"): Case(_on(None, "withdraw"), OWNER_OF_A),
    ("POST", "/api/demands/{demand_id}/approve"): Case(_on(None, "approve"), SCREENERS_OF_A),
    ("POST", "/api/demands/{demand_id}/return"): Case(
        _on(None, "return", json={"reason": "请补充产品的规格"}), SCREENERS_OF_A
    ),
    ("POST", "/api/demands/{demand_id}/reject"): Case(
        _on(None, "reject", json={"reason": "不属于技术需求"}), SCREENERS_OF_A
    ),
    ("POST", "/api/demands/{demand_id}/close"): Case(_on(DemandStatus.COMPLETED, "close"), SCREENERS_OF_A),
    # offers: a society reads and answers only its own; the center reroutes unmatched demands
    ("GET", "/api/offers"): Case(_url("/api/offers"), same(200, "society_a", "society_b")),
    ("GET", "/api/offers/{offer_id}"): Case(lambda p: (f"/api/offers/{p.offer_id}", {}), OFFERED_TO_A),
    ("GET", "/api/offers/{offer_id}/candidates"): Case(
        lambda p: (f"/api/offers/{p.offer_id}/candidates", {}), OFFERED_TO_A
    ),
    ("POST", "/api/offers/{offer_id}/accept"): Case(lambda p: (f"/api/offers/{p.offer_id}/accept", {}), OFFERED_TO_A),
    ("POST", "/api/offers/{offer_id}/decline"): Case(
        lambda p: (f"/api/offers/{p.offer_id}/decline", {"json": {"reason": "本会近期任务饱和"}}), OFFERED_TO_A
    ),
    ("POST", "/api/demands/{demand_id}/reroute"): Case(
        lambda p: (
            f"/api/demands/{p.demand_in(DemandStatus.UNMATCHED)}/reroute",
            {"json": {"society_id": p.society_b.id}},
        ),
        {"center": 200},
    ),
    # dockings: the docking's society, the demand's enterprise and its region's association
    ("GET", "/api/dockings"): Case(_url("/api/dockings"), same(200, "society_a", "society_b")),
    ("POST", "/api/demands/{demand_id}/docking/confirm"): Case(
        _on(DemandStatus.ACCEPTED, "docking/confirm"), SCREENERS_OF_A
    ),
    ("POST", "/api/demands/{demand_id}/agreement"): Case(
        _on(DemandStatus.DOCKED, "agreement", json={"signed_on": "2020-01-01", "amount": "80000"}),
        {**OWNER_OF_A, **DOCKING_OF_A, **SCREENERS_OF_A},
    ),
    ("POST", "/api/demands/{demand_id}/outcome"): Case(
        _on(DemandStatus.CONTRACTED, "outcome", json={"outcome": "釉面针孔率降到1%以下"}),
        {**DOCKING_OF_A, **SCREENERS_OF_A},
    ),
    ("POST", "/api/demands/{demand_id}/rating"): Case(
        _on(DemandStatus.COMPLETED, "rating", json={"rating": 5, "comment": "专家很专业"}), OWNER_OF_A
    ),
}

from tests.api.scope_program import program_cases  # noqa: E402 - the programme's endpoints, built on Case

CASES.update(program_cases(Case, same))

from tests.api.scope_evaluations import evaluation_cases  # noqa: E402 - after Case, which it uses

CASES.update(evaluation_cases(Case))

from tests.api.scope_pilots import PILOT_CASES  # noqa: E402 - needs the helpers above

CASES.update(PILOT_CASES)
