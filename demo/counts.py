"""What a demo load added."""

from __future__ import annotations

from dataclasses import asdict, dataclass


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
