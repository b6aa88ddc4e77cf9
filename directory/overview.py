"""Headline counts for the landing page and the CLI."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Demand, DemandStatus, Enterprise, Expert, ExpertWork, Society


class Overview(BaseModel):
    societies: int
    experts: int
    active_experts: int
    works: int
    enterprises: int
    demands: int
    demands_by_status: dict[DemandStatus, int]


def overview(session: Session) -> Overview:
    def count(stmt: object) -> int:
        return int(session.scalar(stmt) or 0)  # type: ignore[call-overload]

    by_status = {
        DemandStatus(s): int(n) for s, n in session.execute(select(Demand.status, func.count()).group_by(Demand.status))
    }
    return Overview(
        societies=count(select(func.count()).select_from(Society)),
        experts=count(select(func.count()).select_from(Expert)),
        active_experts=count(select(func.count()).select_from(Expert).where(Expert.is_active.is_(True))),
        works=count(select(func.count()).select_from(ExpertWork)),
        enterprises=count(select(func.count()).select_from(Enterprise)),
        demands=sum(by_status.values()),
        demands_by_status=by_status,
    )


def is_empty(session: Session) -> bool:
    """No society and no demand yet: a new database that the demo data may fill."""
    has_society = session.scalar(select(Society.id).limit(1)) is not None
    return not has_society and session.scalar(select(Demand.id).limit(1)) is None
