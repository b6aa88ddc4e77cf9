"""Programme statistics for the dashboards: demands by status, region and month, match and docking
rates, time to docking, overdue offers, stuck and escalated demands — always over what the actor may see.

Scope is the workflow's (:func:`workflow.scopes.demand_visibility`): the provincial center and the
department see the province, a local association its region subtree, a society the demands it was
offered. Enterprises and experts have no dashboard.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from accounts import Actor
from core import clock
from core.clock import BEIJING
from core.errors import PermissionDenied
from core.settings import ReportingSettings, get_settings
from directory.regions import get_region
from models import DemandStatus, Region, RegionLevel, Role
from reporting import repository
from reporting.schemas import Dashboard, MonthCount, OverdueOffer, RegionCount, StatusCount, StuckDemand, StuckReport
from workflow.scopes import EVERYWHERE, demand_visibility

_DAY = 86400.0
DOCKED_OR_LATER = frozenset({DemandStatus.DOCKED, DemandStatus.CONTRACTED, DemandStatus.COMPLETED, DemandStatus.CLOSED})
PASSED_SCREENING = DOCKED_OR_LATER | {
    DemandStatus.APPROVED,
    DemandStatus.OFFERED,
    DemandStatus.UNMATCHED,
    DemandStatus.ACCEPTED,
}
"""States only an approved demand reaches (a withdrawn one may or may not have been approved: not counted)."""
OPEN_STATES = (
    DemandStatus.SUBMITTED,
    DemandStatus.APPROVED,
    DemandStatus.OFFERED,
    DemandStatus.UNMATCHED,
    DemandStatus.ACCEPTED,
)
"""States in which a demand waits for someone in the programme to act; lingering there makes it stuck."""
ESCALATION_ACTION = "demand.escalate"
STUCK_LIST = 50
OVERDUE_LIST = 20
DASHBOARD_ROLES = EVERYWHERE | {Role.LOCAL_ASSOCIATION, Role.SOCIETY}


def _month(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m")


def _months_back(now: datetime, count: int) -> list[str]:
    year, month = now.astimezone(BEIJING).year, now.astimezone(BEIJING).month
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _rollup(regions: dict[str, Region], actor: Actor) -> dict[str, str]:
    """Region code → the code its demands are counted under: cities (Pingtan on its own) province-wide,
    the regions themselves inside a local association's subtree."""
    if actor.role is Role.LOCAL_ASSOCIATION:
        return {code: code for code in regions}
    rollup = {}
    for code, region in regions.items():
        city_level = region.level is not RegionLevel.COUNTY or region.is_special_zone or region.parent_code is None
        rollup[code] = code if city_level else region.parent_code or code
    return rollup


def _scope_name(session: Session, actor: Actor) -> str:
    if actor.role is Role.LOCAL_ASSOCIATION and actor.region_code is not None:
        return get_region(session, actor.region_code).full_name
    if actor.role is Role.SOCIETY:
        return "本会收到推荐的需求"
    return "全省"


def _stuck(
    session: Session,
    facts: list[repository.DemandFact],
    regions: dict[str, Region],
    now: datetime,
    policy: ReportingSettings,
    limit: int = STUCK_LIST,
) -> StuckReport:
    """Open demands that waited past the threshold in one state, escalated ones first, longest wait next."""
    threshold = now - timedelta(days=policy.stuck_after_days)
    open_facts = [f for f in facts if f.status in OPEN_STATES]
    escalated = repository.escalated_demand_ids(session, [f.id for f in open_facts], ESCALATION_ACTION)
    stuck_facts = sorted(
        (f for f in open_facts if f.id in escalated or (f.since or now) < threshold),
        key=lambda f: (f.id not in escalated, f.since or now),
    )
    stuck = [
        StuckDemand(
            demand_id=f.id,
            title=f.title,
            region_name=regions[f.region_code].name if f.region_code in regions else f.region_code,
            status=f.status,
            status_label=f.status.label,
            since=f.since or now,
            waiting_days=round((now - (f.since or now)).total_seconds() / _DAY, 1),
            escalated=f.id in escalated,
        )
        for f in stuck_facts[:limit]
    ]

    return StuckReport(total=len(stuck_facts), escalated=len(escalated), items=stuck)


def _scope(session: Session, actor: Actor) -> tuple[list[repository.DemandFact], dict[str, Region]]:
    if actor.role not in DASHBOARD_ROLES:
        raise PermissionDenied("统计数据仅向科协、学会和省级管理部门开放")
    facts = repository.demand_facts(session, demand_visibility(session, actor))
    return facts, {r.code: r for r in repository.regions(session)}


def stuck_demands(
    session: Session,
    actor: Actor,
    *,
    now: datetime | None = None,
    settings: ReportingSettings | None = None,
    limit: int = 200,
) -> StuckReport:
    """The stuck and escalated demands of ``actor``'s scope (the center re-routes them)."""
    facts, regions = _scope(session, actor)
    return _stuck(session, facts, regions, now or clock.now(), settings or get_settings().reporting, limit)


def dashboard(
    session: Session,
    actor: Actor,
    *,
    now: datetime | None = None,
    settings: ReportingSettings | None = None,
) -> Dashboard:
    """The dashboard figures for ``actor``'s scope at ``now``."""
    facts, regions = _scope(session, actor)
    now = now or clock.now()
    policy = settings or get_settings().reporting
    visible = demand_visibility(session, actor)
    rollup = _rollup(regions, actor)

    status_counts = Counter(fact.status for fact in facts)
    by_status = [StatusCount(status=s, label=s.label, count=status_counts[s]) for s in DemandStatus if status_counts[s]]

    per_region: Counter[str] = Counter()
    docked_per_region: Counter[str] = Counter()
    for fact in facts:
        key = rollup.get(fact.region_code, fact.region_code)
        per_region[key] += 1
        docked_per_region[key] += fact.status in DOCKED_OR_LATER
    by_region = sorted(
        (
            RegionCount(
                region_code=code,
                name=regions[code].name if code in regions else code,
                demands=n,
                docked=docked_per_region[code],
            )
            for code, n in per_region.items()
        ),
        key=lambda r: (-r.demands, r.region_code),
    )

    times = repository.docking_times(session, visible)
    submitted_by_month = Counter(_month(f.submitted_at) for f in facts if f.submitted_at is not None)
    docked_by_month = Counter(_month(t.confirmed_at) for t in times)
    by_month = [
        MonthCount(month=m, submitted=submitted_by_month[m], docked=docked_by_month[m])
        for m in _months_back(now, policy.months)
    ]

    offered, accepted = repository.offered_demands(session, visible)
    screened_in = sum(n for s, n in status_counts.items() if s in PASSED_SCREENING)
    docked = sum(n for s, n in status_counts.items() if s in DOCKED_OR_LATER)
    waits = [(t.confirmed_at - t.submitted_at).total_seconds() / _DAY for t in times if t.submitted_at is not None]

    overdue_total, overdue_rows = repository.overdue_offers(session, visible, now, OVERDUE_LIST)
    overdue = [
        OverdueOffer(**row._asdict(), overdue_days=round((now - row.deadline_at).total_seconds() / _DAY, 1))
        for row in overdue_rows
    ]

    stuck = _stuck(session, facts, regions, now, policy)

    return Dashboard(
        scope=_scope_name(session, actor),
        generated_at=now,
        demands=len(facts),
        by_status=by_status,
        by_region=by_region,
        by_month=by_month,
        offered=len(offered),
        matched=len(accepted),
        match_rate=_rate(len(accepted), len(offered)),
        screened_in=screened_in,
        docked=docked,
        docking_rate=_rate(docked, screened_in),
        median_days_to_docking=round(statistics.median(waits), 1) if waits else None,
        overdue_offers=overdue_total,
        overdue=overdue,
        stuck_demands=stuck.total,
        escalated_demands=stuck.escalated,
        stuck=stuck.items,
    )
