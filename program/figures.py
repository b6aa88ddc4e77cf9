"""The figures of a monthly report, computed from Zhuli's own data for a unit's scope and month.

The scope is the workflow's: the demands an actor of the unit may see
(:func:`workflow.scopes.demand_visibility`), i.e. a local association's region subtree and the
demands a society was offered. What happened in the month is read from the demands' audit events
(the moves the workflow recorded), so a figure never depends on where a demand stands today. The
docking figures of a society count only its own dockings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEvent, Demand, Docking, DockingExpert, Offer
from program.periods import Month
from program.units import Unit, UnitKind
from workflow.scopes import demand_visibility


@dataclass(frozen=True, slots=True)
class Figure:
    key: str
    label: str
    help: str
    is_amount: bool = False


FIGURES: tuple[Figure, ...] = (
    Figure("received", "收到需求（项）", "本月提交到本单位范围内的需求；学会为本月收到的推荐"),
    Figure("screened", "审核需求（项）", "本月作出审核决定（通过、退回补充或不予通过）的需求"),
    Figure("offered", "推荐学会（项）", "本月推荐给学会（含重新推荐）的需求"),
    Figure("docked", "确认对接（项）", "本月确认对接的需求"),
    Figure("contracted", "签订协议（项）", "本月登记合作协议的需求"),
    Figure("completed", "完成项目（项）", "本月报告合作成果的需求"),
    Figure("experts", "参与专家（人）", "本月确认对接、签订协议或完成的项目的专家团队人数（去重）"),
    Figure("amount", "协议金额（元）", "本月登记的合作协议金额合计", is_amount=True),
)
FIGURE_KEYS = tuple(f.key for f in FIGURES)
FIGURE_BY_KEY = {f.key: f for f in FIGURES}

_EVENTS: dict[str, str] = {
    "demand.submit": "received",
    "demand.approve": "screened",
    "demand.return_for_info": "screened",
    "demand.reject": "screened",
    "demand.offer": "offered",
    "demand.reroute": "offered",
    "demand.confirm_docking": "docked",
    "demand.record_agreement": "contracted",
    "demand.report_outcome": "completed",
}
_DOCKING_FIGURES = ("docked", "contracted", "completed")


def compute(session: Session, unit: Unit, month: Month) -> dict[str, int | str]:
    """The unit's figures for ``month``: counts of distinct demands, experts, and the agreed amount as a
    decimal string (JSON keeps it exact)."""
    visible = demand_visibility(session, unit.scope_actor())
    rows = session.execute(
        select(AuditEvent.demand_id, AuditEvent.action)
        .join(Demand, Demand.id == AuditEvent.demand_id)
        .where(
            visible,
            # Only demand moves have these actions. No test of entity_type: SQLite would then walk the
            # (entity_type, entity_id) index over nearly every event instead of the month's range on ``at``.
            AuditEvent.action.in_(list(_EVENTS)),
            AuditEvent.at >= month.start,
            AuditEvent.at < month.end,
        )
    ).all()
    demands: dict[str, set[int]] = defaultdict(set)
    for demand_id, action in rows:
        if demand_id is not None:
            demands[_EVENTS[action]].add(demand_id)
    if unit.kind is UnitKind.SOCIETY:
        demands["received"] = set(
            session.scalars(
                select(Offer.demand_id).where(
                    Offer.society_id == unit.id, Offer.created_at >= month.start, Offer.created_at < month.end
                )
            )
        )
    touched = set().union(*(demands[f] for f in _DOCKING_FIGURES))
    dockings = session.execute(
        select(Docking.id, Docking.demand_id, Docking.society_id, Docking.agreement_amount).where(
            Docking.demand_id.in_(sorted(touched))
        )
    ).all()
    if unit.kind is UnitKind.SOCIETY:
        dockings = [d for d in dockings if d.society_id == unit.id]
    own = {d.demand_id for d in dockings}
    for key in _DOCKING_FIGURES:
        demands[key] &= own
    contracted = demands["contracted"]
    amount = sum((d.agreement_amount or Decimal(0) for d in dockings if d.demand_id in contracted), Decimal(0))
    team = session.scalars(
        select(DockingExpert.expert_id).where(DockingExpert.docking_id.in_([d.id for d in dockings])).distinct()
    ).all()
    figures: dict[str, int | str] = {key: len(demands[key]) for key in FIGURE_KEYS if key not in ("experts", "amount")}
    figures["experts"] = len(team)
    figures["amount"] = str(amount.quantize(Decimal("0.01")))
    return figures
