"""Scope tests for every role and every endpoint, over HTTP, on both backends (see ``scope_table``)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from api.access import PUBLIC_ROLE, ROLES_KEY
from api.app import create_app
from core.db import Database
from core.settings import Settings
from tests.api.parties import PARTY_NAMES, Parties
from tests.api.scope_table import CASES


def _api_operations() -> dict[tuple[str, str], list[str]]:
    """Every ``/api`` operation of the OpenAPI document, with the roles it declares (``x-roles``)."""
    app = create_app(Settings(demo_data=False), database=Database.from_url("sqlite://"), keep_index=False)
    return {
        (method.upper(), path): list(operation.get(ROLES_KEY) or [])
        for path, item in app.openapi()["paths"].items()
        if path.startswith("/api/")
        for method, operation in item.items()
    }


ROUTES = _api_operations()


def test_every_api_route_has_a_scope_case_and_declares_its_roles() -> None:
    assert set(ROUTES) == set(CASES), "routes without a scope case / cases without a route"
    assert [key for key, roles in ROUTES.items() if not roles] == []


@pytest.mark.parametrize("key", sorted(CASES), ids=lambda k: f"{k[0]} {k[1]}")
def test_each_party_gets_what_its_role_and_scope_allow(
    key: tuple[str, str], client: TestClient, parties: Parties, bound_db: Database
) -> None:
    case = CASES[key]
    roles = ROUTES[key]
    connection = bound_db.sessionmaker.kw["bind"]
    assert isinstance(connection, Connection)
    url, kwargs = case.build(parties)
    got: dict[str, int] = {}
    wanted: dict[str, int] = {}
    for name in PARTY_NAMES:
        role = parties.role(name)
        if PUBLIC_ROLE in roles or (role is not None and role.value in roles):
            assert name in case.expect, f"{key}: the table says nothing about {name}"
            wanted[name] = case.expect[name]
        else:
            assert name not in case.expect, f"{key}: {name} is expected through a gate that refuses its role"
            wanted[name] = 401 if role is None else 403
        savepoint = connection.begin_nested()  # each party acts on the same untouched data
        try:
            response = client.request(key[0], url, headers=parties.headers(name), **kwargs)
        finally:
            savepoint.rollback()
        got[name] = response.status_code
    assert got == wanted
