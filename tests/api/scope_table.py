"""Every ``/api`` endpoint: a request that exercises it, and what each party must get back.

``expect`` lists the status for each party whose role the endpoint declares; every other party must
get 403 (401 without a token) from the role gate. A route missing here fails
``test_every_api_route_has_a_scope_case``: a new endpoint needs its scope spelled out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.api.parties import Parties

Build = Callable[[Parties], tuple[str, dict[str, Any]]]
"""The URL and the keyword arguments of the request (json, data, files, params)."""

ALL_STAFF = ("la_quanzhou", "la_fuzhou", "society_a", "society_b", "center", "department")
MANAGERS = ("center", "department")
EVERY_USER = ("enterprise_a", "enterprise_b", "expert_a", *ALL_STAFF)


@dataclass(frozen=True)
class Case:
    build: Build
    expect: dict[str, int] = field(default_factory=dict)


def same(status: int, *parties: str) -> dict[str, int]:
    return dict.fromkeys(parties, status)


def _url(url: str, **kwargs: Any) -> Build:
    return lambda p: (url, kwargs)


_CSV = "专家编号,姓名,工作单位\nSCOPE-1,测试专家,福州大学\n"


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
}
