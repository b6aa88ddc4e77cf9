"""Property-based requests generated from our own OpenAPI document never get a 500.

Schemathesis reads ``/openapi.json`` and sends each operation requests built from its schema
(valid and edge-case values: huge ids, odd Unicode, empty strings, missing fields) as the provincial
center, whose role reaches every endpoint. A fixed seed and a bounded number of examples keep
the run short and repeatable; every answer must be a deliberate one (< 500).
"""

from __future__ import annotations

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings

from api.app import create_app
from core.db import Database
from core.settings import Settings
from tests.api.parties import Parties

# The document is the same for every app; each example is sent to the test's own app (its database).
_DOCUMENT_APP = create_app(Settings(demo_data=False), database=Database.from_url("sqlite://"), keep_index=False)
schema = schemathesis.openapi.from_asgi("/openapi.json", _DOCUMENT_APP).include(path_regex="^/api/")


@schema.parametrize()
@settings(
    max_examples=10,
    phases=[Phase.explicit, Phase.generate],
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_request_from_the_schema_gets_a_500(case: schemathesis.Case, client: TestClient, parties: Parties) -> None:
    response = case.call(app=client.app, headers=parties.headers("center"))
    assert response.status_code != 500, (
        f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    )
