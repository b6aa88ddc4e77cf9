"""Strategic and industry-wide demands raised by local governments (seed art. 7 and art. 11), from
``data/governments.json``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from demo.datafiles import read
from models import DemandCategory, DemandStatus


@dataclass(frozen=True, slots=True)
class GovernmentDemand:
    government: str
    subfield: str
    category: DemandCategory
    status: DemandStatus
    title: str
    description: str
    budget_wan: tuple[int, int] | None
    """Budget range in 万元, or None when not stated."""


def _demand(raw: dict[str, Any]) -> GovernmentDemand:
    budget = raw.get("budget_wan")
    return GovernmentDemand(
        government=raw["government"],
        subfield=raw["subfield"],
        category=DemandCategory(raw["category"]),
        status=DemandStatus(raw["status"]),
        title=raw["title"],
        description=raw["description"],
        budget_wan=(int(budget[0]), int(budget[1])) if budget else None,
    )


GOVERNMENT_DEMANDS: tuple[GovernmentDemand, ...] = tuple(_demand(raw) for raw in read("governments.json")["demands"])
