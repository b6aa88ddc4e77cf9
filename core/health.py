"""What ``/healthz`` reports: database reachable, migrations at head, index state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from core.db import Database
from core.migrations import current_revision, head_revision


def check_health(db: Database, index_status: dict[str, Any] | None) -> tuple[bool, dict[str, Any]]:
    """Return ``(healthy, report)``; healthy means the database answers and is migrated to head.

    The index may still be building: that is reported, but the service can take requests.
    ``index_status`` is the serving engine's (``MatchingEngine.status``) or the saved index's
    (``matching.maintenance.saved_index_status``); ``None`` leaves the index out of the report.
    """
    report: dict[str, Any] = {"database": {"dialect": db.dialect}}
    try:
        with db.read_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        report["database"]["reachable"] = True
    except Exception as exc:  # noqa: BLE001 - any failure here means "not reachable"
        report["database"].update(reachable=False, error=type(exc).__name__)
        report["migrations"] = {"current": None, "head": head_revision(), "at_head": False}
        if index_status is not None:
            report["index"] = index_status
        report["status"] = "unavailable"
        return False, report
    current, head = current_revision(db.read_engine), head_revision()
    report["migrations"] = {"current": current, "head": head, "at_head": current == head}
    if index_status is not None:
        report["index"] = index_status
    healthy = current == head
    index_ready = index_status is None or index_status.get("state") == "ready"
    report["status"] = "ok" if healthy and index_ready else "degraded" if healthy else "unavailable"
    return healthy, report
