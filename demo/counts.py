"""What a demo load added."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AuditEvent, Docking, DockingExpert, Notification, Offer


@dataclass(slots=True)
class DemoCounts:
    """Rows this load added (all zero when the demo was already there)."""

    regions: int = 0
    societies: int = 0
    service_stations: int = 0
    local_associations: int = 0
    enterprises: int = 0
    experts: int = 0
    expert_works: int = 0
    memberships: int = 0
    users: int = 0
    demands: int = 0
    offers: int = 0
    dockings: int = 0
    docking_experts: int = 0
    audit_events: int = 0
    notifications: int = 0
    progress_reports: int = 0
    evaluations: int = 0
    pilot_applications: int = 0

    @property
    def total(self) -> int:
        return sum(asdict(self).values())


def demo_rows(session: Session, demand_ids: list[int]) -> dict[str, int]:
    """The rows the replay wrote for these demands, by :class:`DemoCounts` field."""
    if not demand_ids:
        return {}

    def count(column: object, *where: object) -> int:
        return int(session.scalar(select(func.count(column)).where(*where)) or 0)  # type: ignore[arg-type]

    return {
        "demands": len(demand_ids),
        "offers": count(Offer.id, Offer.demand_id.in_(demand_ids)),
        "dockings": count(Docking.id, Docking.demand_id.in_(demand_ids)),
        "docking_experts": count(
            DockingExpert.expert_id,
            DockingExpert.docking_id.in_(select(Docking.id).where(Docking.demand_id.in_(demand_ids))),
        ),
        "audit_events": count(AuditEvent.id, AuditEvent.demand_id.in_(demand_ids)),
        "notifications": count(Notification.id, Notification.demand_id.in_(demand_ids)),
    }
