"""Every demand move as a uniform call ``(session, actor, demand_id)``, with its in-scope allowed actor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

import workflow
from accounts import Actor
from models import Demand, Offer, Society

Move = Callable[[Session, Actor, int], Demand]

MOVES: dict[str, tuple[Move, str]] = {
    "submit": (workflow.submit, "enterprise"),
    "supplement": (
        lambda s, a, d: workflow.supplement(s, a, d, "补充：鞋底用的是EVA发泡材料，年产量约200万双。"),
        "enterprise",
    ),
    "approve": (workflow.approve, "la_jinjiang"),
    "return_for_info": (lambda s, a, d: workflow.return_for_info(s, a, d, "请说明现有配方和目标回弹率"), "la_jinjiang"),
    "reject": (lambda s, a, d: workflow.reject(s, a, d, "属于产品推销，不是技术需求"), "la_jinjiang"),
    "withdraw": (workflow.withdraw, "enterprise"),
    "close": (workflow.close, "la_jinjiang"),
    "confirm_docking": (workflow.confirm_docking, "la_jinjiang"),
    "record_agreement": (lambda s, a, d: workflow.record_agreement(s, a, d, date(2026, 11, 30), "50000"), "enterprise"),
    "report_outcome": (lambda s, a, d: workflow.report_outcome(s, a, d, "回弹率提高到58%"), "la_jinjiang"),
    "rate": (lambda s, a, d: workflow.rate(s, a, d, 5, "满意"), "enterprise"),
    "reroute": (lambda s, a, d: _reroute(s, a, d), "center"),
}


def _reroute(session: Session, actor: Actor, demand_id: int) -> Demand:
    """Reroute to the first society without an offer for the demand."""
    offered = select(Offer.society_id).where(Offer.demand_id == demand_id)
    society_id = session.scalars(select(Society.id).where(Society.id.not_in(offered)).order_by(Society.id)).first()
    workflow.reroute(session, actor, demand_id, society_id or 0)
    return session.get_one(Demand, demand_id)
