"""The project clock: fixed within a block, and the column defaults follow it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from core import clock
from models import AuditEvent, Role


def test_frozen_clock_returns_the_moment_in_utc_and_releases_it() -> None:
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    with clock.frozen_at(moment):
        assert clock.now() == datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
        assert clock.now().tzinfo is UTC
    assert clock.now() - datetime.now(UTC) < timedelta(seconds=5)


def test_frozen_clock_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="aware"), clock.frozen_at(datetime(2026, 3, 1)):
        pass


def test_column_defaults_read_the_frozen_clock(session: Session) -> None:
    moment = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
    with clock.frozen_at(moment):
        event = AuditEvent(entity_type="demand", entity_id=1, action="noop", actor_role=Role.SYSTEM)
        session.add(event)
        session.flush()
    session.expire(event)
    assert event.at == moment
