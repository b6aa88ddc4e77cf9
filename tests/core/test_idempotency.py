"""The idempotency store on both backends: fingerprints, expiry, and two concurrent repeats."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from core.db import Database
from core.idempotency import (
    KeyedRequest,
    KeyReused,
    StoredResponse,
    fingerprint,
    purge_expired,
    reserve,
    store,
    stored_path,
)
from models import IdempotencyKey

TTL = timedelta(hours=1)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _request(key: str = "k", fp: str = "f" * 64) -> KeyedRequest:
    return KeyedRequest(principal="user:1", key=key, method="POST", path="/api/demands/1/approve", fingerprint=fp)


def test_fingerprints_ignore_json_formatting_and_multipart_boundaries() -> None:
    assert fingerprint("application/json", b'{"a": 1, "b": [1, 2]}') == fingerprint(
        "application/json; charset=utf-8", b'{"b":[1,2],"a":1}'
    )
    assert fingerprint("application/json", b'{"a": 1}') != fingerprint("application/json", b'{"a": 2}')
    part = b'--%s\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nx,y\r\n--%s--\r\n'
    assert fingerprint("multipart/form-data; boundary=AAA", part % (b"AAA", b"AAA")) == fingerprint(
        "multipart/form-data; boundary=BBB", part % (b"BBB", b"BBB")
    )
    assert fingerprint("application/json", b"{") != fingerprint("application/json", b"}")


def test_long_paths_are_stored_as_their_digest() -> None:
    assert stored_path("/api/x") == "/api/x"
    long = stored_path("/api/" + "x" * 600)
    assert long.startswith("sha256:")
    assert len(long) < 80


def test_repeat_replays_and_a_different_body_is_refused(session: Session) -> None:
    reservation = reserve(session, _request(), ttl=TTL, now=NOW)
    assert isinstance(reservation, IdempotencyKey)
    store(session, reservation, StoredResponse(200, "application/json", b'{"ok":true}'))
    assert reserve(session, _request(), ttl=TTL, now=NOW) == StoredResponse(200, "application/json", b'{"ok":true}')
    with pytest.raises(KeyReused):
        reserve(session, _request(fp="0" * 64), ttl=TTL, now=NOW)


def test_expired_keys_are_free_again_and_purged(session: Session) -> None:
    old = reserve(session, _request("old"), ttl=TTL, now=NOW)
    assert isinstance(old, IdempotencyKey)
    store(session, old, StoredResponse(201, None, b""))
    fresh = reserve(session, _request("old", fp="1" * 64), ttl=TTL, now=NOW + TTL)
    assert isinstance(fresh, IdempotencyKey)
    assert fresh.expires_at == NOW + 2 * TTL
    store(session, fresh, StoredResponse(201, None, b""))
    keep = reserve(session, _request("keep"), ttl=3 * TTL, now=NOW)
    assert isinstance(keep, IdempotencyKey)
    store(session, keep, StoredResponse(201, None, b""))
    assert purge_expired(session, now=NOW + 2 * TTL) == 1
    assert session.get(IdempotencyKey, keep.id) is not None


def test_a_concurrent_repeat_waits_for_the_first_and_replays_it(fresh_database: Database) -> None:
    first = fresh_database.new_session()
    outcome: dict[str, object] = {}
    try:
        reservation = reserve(first, _request(), ttl=TTL)
        assert isinstance(reservation, IdempotencyKey)

        def repeat() -> None:
            try:
                with fresh_database.unit_of_work() as second:
                    outcome["result"] = reserve(second, _request(), ttl=TTL)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                outcome["error"] = exc

        thread = threading.Thread(target=repeat)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive(), f"the repeat did not wait for the first request: {outcome}"
        store(first, reservation, StoredResponse(201, "application/json", b'{"id":7}'))
        first.commit()
        thread.join(10)
    finally:
        first.close()
    assert outcome == {"result": StoredResponse(201, "application/json", b'{"id":7}')}
