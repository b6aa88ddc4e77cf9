"""The indicators computed from Zhuli's own data, per evaluated unit and period, and how each scores 0–100.

A unit is a pilot society (its offers and dockings) or a demonstration area's local association (the
demands of its region subtree). Every figure is read over the round's period, Beijing days inclusive:

- ``docking_rate``: of the demands offered to the unit in the period, the share whose docking (with the
  society, for a society) was confirmed; scores ``100 × share``.
- ``docking_days``: mean days from the accepted offer to the docking's confirmation, for dockings
  confirmed in the period; scores 100 up to ``docking_target_days``, then ``100 × target / days``.
- ``contracts`` / ``contract_amount``: agreements signed in the period (count / yuan); score relative to
  the best unit of the round (``100 × figure / best``).
- ``rating``: the enterprises' mean rating (1–5) of dockings closed in the period; scores ``20 × mean``.
- ``punctuality``: of the monthly reports on months of the period already due (the reports' own rule,
  :meth:`program.periods.Month.due_at` with ``program.report_due_day``), the share first submitted by
  their due time; scores ``100 × share``.

A unit without the figure in the period (nothing offered, nothing rated) scores 0 for it, said so in
the detail: the evaluation is of work done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from core.clock import BEIJING
from core.settings import EvaluationSettings
from directory.regions import region_subtree
from models import Demand, Docking, Offer, ProgressReport
from program.periods import Month
from program.units import Unit

METRICS: dict[str, str] = {
    "docking_rate": "对接率",
    "docking_days": "对接时效",
    "contracts": "签约项目数",
    "contract_amount": "协议金额",
    "rating": "企业评价",
    "punctuality": "月报按时报送率",
}
RELATIVE = frozenset({"contracts", "contract_amount"})
DEFAULT_SET: tuple[tuple[str, Decimal], ...] = (
    ("docking_rate", Decimal(25)),
    ("docking_days", Decimal(15)),
    ("contracts", Decimal(15)),
    ("contract_amount", Decimal(10)),
    ("rating", Decimal(15)),
    ("punctuality", Decimal(20)),
)
"""The computed indicators (and weights) a new round starts with; the department edits the set."""


@dataclass(frozen=True)
class Figure:
    value: float | None
    detail: str


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    low = datetime.combine(start, time(), BEIJING).astimezone(UTC)
    high = datetime.combine(end + timedelta(days=1), time(), BEIJING).astimezone(UTC)
    return low, high


def _region_codes(session: Session, unit: Unit) -> list[str]:
    assert unit.region_code is not None
    return sorted(region_subtree(session, unit.region_code))


def _offer_filter(session: Session, unit: Unit) -> ColumnElement[bool]:
    if unit.society_id is not None:
        return Offer.society_id == unit.society_id
    return Demand.region_code.in_(_region_codes(session, unit))


def _docking_filter(session: Session, unit: Unit) -> ColumnElement[bool]:
    if unit.society_id is not None:
        return Docking.society_id == unit.society_id
    return Demand.region_code.in_(_region_codes(session, unit))


def _docking_rate(session: Session, unit: Unit, low: datetime, high: datetime) -> Figure:
    offered = (
        select(Offer.demand_id)
        .join(Demand, Demand.id == Offer.demand_id)
        .where(_offer_filter(session, unit), Offer.created_at >= low, Offer.created_at < high)
        .distinct()
    )
    total = int(session.scalar(select(func.count()).select_from(offered.subquery())) or 0)
    if not total:
        return Figure(None, "期内无推荐的需求")
    docked = session.scalar(
        select(func.count(Docking.id))
        .join(Demand, Demand.id == Docking.demand_id)
        .where(Docking.demand_id.in_(offered), Docking.confirmed_at.is_not(None), _docking_filter(session, unit))
    )
    count = int(docked or 0)
    return Figure(count / total, f"推荐 {total} 项，确认对接 {count} 项")


def _docking_days(session: Session, unit: Unit, low: datetime, high: datetime) -> Figure:
    rows = session.execute(
        select(Offer.created_at, Docking.confirmed_at)
        .join(Offer, Offer.id == Docking.offer_id)
        .join(Demand, Demand.id == Docking.demand_id)
        .where(_docking_filter(session, unit), Docking.confirmed_at >= low, Docking.confirmed_at < high)
    ).all()
    if not rows:
        return Figure(None, "期内无确认的对接")
    days = [(confirmed - offered).total_seconds() / 86400 for offered, confirmed in rows if confirmed is not None]
    mean = sum(days) / len(days)
    return Figure(mean, f"{len(rows)} 项对接，平均 {mean:.1f} 天")


def _contracts(session: Session, unit: Unit, start: date, end: date) -> tuple[Figure, Figure]:
    count, amount = session.execute(
        select(func.count(Docking.id), func.coalesce(func.sum(Docking.agreement_amount), 0))
        .join(Demand, Demand.id == Docking.demand_id)
        .where(
            _docking_filter(session, unit),
            Docking.agreement_signed_on >= start,
            Docking.agreement_signed_on <= end,
        )
    ).one()
    total = float(amount or 0)
    return Figure(float(count), f"签约 {count} 项"), Figure(total, f"协议金额 {total:,.2f} 元")


def _rating(session: Session, unit: Unit, low: datetime, high: datetime) -> Figure:
    ratings = list(
        session.scalars(
            select(Docking.rating)
            .join(Demand, Demand.id == Docking.demand_id)
            .where(
                _docking_filter(session, unit),
                Docking.rating.is_not(None),
                Docking.closed_at >= low,
                Docking.closed_at < high,
            )
        )
    )
    if not ratings:
        return Figure(None, "期内无企业评价")
    mean = sum(r for r in ratings if r is not None) / len(ratings)
    return Figure(mean, f"{len(ratings)} 项评价，平均 {mean:.2f} 分")


def _punctuality(session: Session, unit: Unit, start: date, end: date, now: datetime, due_day: int) -> Figure:
    """Reports on the months that begin in the period and were due by ``now``, first submitted in time."""
    months, month = [], Month(start.year, start.month) if start.day == 1 else Month(start.year, start.month).next()
    while date(month.year, month.month, 1) <= end:
        if month.due_at(due_day) <= now:
            months.append(month)
        month = month.next()
    if not months:
        return Figure(None, "期内无到期的月度报告")
    owner = (
        ProgressReport.society_id == unit.society_id
        if unit.society_id is not None
        else ProgressReport.local_association_id == unit.local_association_id
    )
    handed_in = func.coalesce(ProgressReport.first_submitted_at, ProgressReport.submitted_at)
    rows = session.execute(
        select(ProgressReport.year, ProgressReport.month, handed_in).where(owner, handed_in.is_not(None))
    ).all()
    first = {Month(y, m): at for y, m, at in rows}
    on_time = sum(1 for m in months if m in first and first[m] < m.due_at(due_day))
    return Figure(on_time / len(months), f"应报 {len(months)} 期，按时 {on_time} 期")


def figures(
    session: Session, unit: Unit, start: date, end: date, metrics: set[str], *, now: datetime, due_day: int
) -> dict[str, Figure]:
    """The computed ``metrics`` of ``unit`` over the period (``now`` bounds which reports were due yet)."""
    low, high = _bounds(start, end)
    out: dict[str, Figure] = {}
    if "docking_rate" in metrics:
        out["docking_rate"] = _docking_rate(session, unit, low, high)
    if "docking_days" in metrics:
        out["docking_days"] = _docking_days(session, unit, low, high)
    if metrics & RELATIVE:
        out["contracts"], out["contract_amount"] = _contracts(session, unit, start, end)
    if "rating" in metrics:
        out["rating"] = _rating(session, unit, low, high)
    if "punctuality" in metrics:
        out["punctuality"] = _punctuality(session, unit, start, end, now, due_day)
    return out


def score_of(metric: str, figure: Figure, best: float, policy: EvaluationSettings) -> float:
    """The 0–100 score of one figure (``best``: the round's highest figure, for relative metrics)."""
    value = figure.value
    if value is None:
        return 0.0
    if metric in ("docking_rate", "punctuality"):
        score = 100 * value
    elif metric == "docking_days":
        score = 100.0 if value <= policy.docking_target_days else 100 * policy.docking_target_days / value
    elif metric in RELATIVE:
        score = 100 * value / best if best > 0 else 0.0
    else:  # rating, 1–5
        score = 20 * value
    return round(max(0.0, min(100.0, score)), 2)
