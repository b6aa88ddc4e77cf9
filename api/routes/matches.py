"""Match suggestions for a demand."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.access import ActorDep, allow
from api.deps import DatabaseDep, MatchingDep
from api.params import IdPath
from matching.policy import MAX_TOP_EXPERTS, MAX_TOP_SOCIETIES
from matching.schemas import MatchResult
from models import Role
from workflow.suggestions import read_match_suggestions

router = APIRouter(prefix="/api", tags=["匹配"])


@router.get(
    "/demands/{demand_id}/matches",
    summary="为需求推荐专家与学会（含理由；供审核、分派需求时预览）",
    **allow(Role.LOCAL_ASSOCIATION, Role.CENTER, Role.DEPARTMENT),
)
def demand_matches(
    demand_id: IdPath,
    actor: ActorDep,
    db: DatabaseDep,
    engine: MatchingDep,
    top_experts: Annotated[int | None, Query(ge=1, le=MAX_TOP_EXPERTS, description="推荐专家数")] = None,
    top_societies: Annotated[int | None, Query(ge=0, le=MAX_TOP_SOCIETIES, description="推荐学会数")] = None,
) -> MatchResult:
    # A pure read in a short session of its own, closed before the ranking (no write lock, no
    # pooled connection held while the encoder and FAISS work).
    return read_match_suggestions(db, actor, engine, demand_id, top_experts=top_experts, top_societies=top_societies)
