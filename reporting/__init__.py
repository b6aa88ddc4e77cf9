"""Programme statistics over the demands an actor may see (dashboards in the console, statistics in the API)."""

from reporting.schemas import Dashboard, StuckReport
from reporting.service import dashboard, stuck_demands

__all__ = ["Dashboard", "StuckReport", "dashboard", "stuck_demands"]
