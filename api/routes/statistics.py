"""Program statistics: the dashboard figures over the caller's scope (rules in :mod:`reporting`)."""

from __future__ import annotations

from fastapi import APIRouter

from api.access import ActorDep, allow
from api.deps import ReadSessionDep
from models import Role
from reporting import dashboard
from reporting.schemas import Dashboard

router = APIRouter(prefix="/api/statistics", tags=["统计"])


@router.get(
    "",
    summary="统计：需求状态、地区、月份、匹配率、对接率、对接用时、逾期推荐（本地区或全省）",
    **allow(Role.LOCAL_ASSOCIATION, Role.CENTER, Role.DEPARTMENT),
)
def statistics(actor: ActorDep, session: ReadSessionDep) -> Dashboard:
    return dashboard(session, actor)
