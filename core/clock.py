"""The one clock every time-dependent rule reads.

Services that depend on time take an optional ``now`` and default to :func:`now`; periodic jobs take
``now`` explicitly. :func:`frozen_at` fixes the clock for the current context (the demo generator
walks its history on a fake clock this way); tests may also use ``time-machine``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8))
"""The programme's calendar: due days, agreement dates and "today" are Beijing days."""

_fixed: ContextVar[datetime | None] = ContextVar("zhuli_clock", default=None)


def now() -> datetime:
    """The current time, UTC-aware (or the time fixed by :func:`frozen_at`)."""
    fixed = _fixed.get()
    return fixed if fixed is not None else datetime.now(UTC)


def today() -> date:
    """Today's Beijing date by :func:`now`."""
    return now().astimezone(BEIJING).date()


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Within the block, :func:`now` returns ``moment`` (call again with a later time to move on)."""
    if moment.tzinfo is None:
        raise ValueError("the clock needs an aware datetime")
    token = _fixed.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _fixed.reset(token)
