"""Every demand move as a uniform call ``(session, actor, demand_id)``, with its in-scope allowed actor."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

import workflow
from accounts import Actor
from models import Demand

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
}
