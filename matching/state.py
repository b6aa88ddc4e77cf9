"""The one vocabulary for the state of a matching index (in a process, and on disk)."""

from __future__ import annotations

import enum


class IndexState(enum.StrEnum):
    MISSING = "missing"
    """No index yet: never built, or its files are gone."""
    BUILDING = "building"
    READY = "ready"
    """Holds every profile change the database has."""
    STALE = "stale"
    """Behind the database (changes wait to be applied, or applying them failed), or built with
    another model."""
    CORRUPT = "corrupt"
    """Its files cannot be read or trusted; the next start rebuilds it."""


STATE_LABELS: dict[IndexState, str] = {
    IndexState.MISSING: "不存在（服务启动或 zhuli index rebuild 时建立）",
    IndexState.BUILDING: "正在建立",
    IndexState.READY: "最新",
    IndexState.STALE: "落后于数据库（索引维护程序会自动追平）",
    IndexState.CORRUPT: "已损坏（下次启动时重建）",
}
"""What a user is told for each state (CLI, pages)."""
