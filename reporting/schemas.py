"""What the statistics service returns (the console renders it, the REST API serialises it)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from models import DemandStatus


class StatusCount(BaseModel):
    status: DemandStatus
    label: str
    count: int


class RegionCount(BaseModel):
    region_code: str
    name: str
    demands: int
    docked: int
    """Demands of the region that reached a confirmed docking (or beyond)."""


class MonthCount(BaseModel):
    month: str
    """``YYYY-MM`` in Beijing time."""
    submitted: int
    docked: int


class OverdueOffer(BaseModel):
    offer_id: int
    demand_id: int
    demand_title: str
    society_name: str
    deadline_at: datetime
    overdue_days: float


class StuckDemand(BaseModel):
    demand_id: int
    title: str
    region_name: str
    status: DemandStatus
    status_label: str
    since: datetime
    """When the demand entered its current state."""
    waiting_days: float
    escalated: bool
    """Offered in every allowed round without a taker: it waits for the provincial center to re-route it."""


class StuckReport(BaseModel):
    total: int
    escalated: int
    items: list[StuckDemand]
    """Escalated first, then the longest wait; at most the requested number."""


class Dashboard(BaseModel):
    """Statistics over the demands an actor may see (a local association: its region subtree)."""

    scope: str
    """Chinese name of what the figures cover: 全省 or a region."""
    generated_at: datetime
    demands: int
    """Demands past the draft stage."""
    by_status: list[StatusCount]
    by_region: list[RegionCount]
    by_month: list[MonthCount]
    offered: int
    """Demands that reached societies (have at least one offer)."""
    matched: int
    """Of those, demands a society accepted."""
    match_rate: float | None
    screened_in: int
    """Demands that passed screening (approved, or any later state of an approved demand)."""
    docked: int
    docking_rate: float | None
    """Docked (or later) demands out of those that passed screening."""
    median_days_to_docking: float | None
    """Median time from submission to the confirmed docking, in days."""
    overdue_offers: int
    overdue: list[OverdueOffer]
    stuck_demands: int
    escalated_demands: int
    stuck: list[StuckDemand]
