"""Match suggestions in the workflow: the snapshot kept per submission, and live suggestions for staff.

The ``demand.match`` job (:mod:`workflow.tasks`) stores the matcher's result for each submission in
:class:`~models.DemandMatch`; the screening view shows the newest one and the offers are made from it,
so what the association saw when it approved is what the societies receive.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core import clock
from core.db import Database, insert_ignoring_duplicates
from core.errors import IllegalTransition, PermissionDenied
from core.settings import WorkflowSettings
from matching.engine import MatchingEngine
from matching.schemas import MatchResult
from matching.service import MatchInputs, rank_match, read_match_inputs
from models import DemandMatch, DemandStatus, Role
from workflow.scopes import visible_demand

SUGGESTION_ROLES = frozenset({Role.LOCAL_ASSOCIATION, Role.CENTER, Role.DEPARTMENT, Role.SYSTEM})
NOT_MATCHED = {
    DemandStatus.DRAFT: "需求还是草稿，提交后才会计算匹配建议",
    DemandStatus.REJECTED: "需求未通过审核，不再计算匹配建议",
    DemandStatus.WITHDRAWN: "需求已被企业撤回，不再计算匹配建议",
}


def societies_to_rank(policy: WorkflowSettings) -> int:
    """Enough societies for every round of offers."""
    return policy.societies_per_round * policy.max_rounds


def latest_snapshot(session: Session, demand_id: int) -> MatchResult | None:
    row = session.scalar(
        select(DemandMatch)
        .where(DemandMatch.demand_id == demand_id)
        .order_by(DemandMatch.submission_event_id.desc())
        .limit(1)
    )
    return MatchResult.model_validate(row.result) if row is not None else None


def has_snapshot(session: Session, demand_id: int, submission_event_id: int) -> bool:
    found = session.scalar(
        select(DemandMatch.id).where(
            DemandMatch.demand_id == demand_id, DemandMatch.submission_event_id == submission_event_id
        )
    )
    return found is not None


def store_snapshot(
    session: Session, demand_id: int, submission_event_id: int, result: MatchResult, *, now: datetime | None = None
) -> bool:
    """Keep ``result`` for this submission; a second store of the same submission keeps the first."""
    row = {
        "demand_id": demand_id,
        "submission_event_id": submission_event_id,
        "model": result.model,
        "index_watermark": result.index_watermark,
        "result": result.model_dump(mode="json"),
        "computed_at": now or clock.now(),
    }
    return insert_ignoring_duplicates(session, DemandMatch.__table__, [row]) == 1  # type: ignore[arg-type]


def _suggestion_inputs(session: Session, actor: Actor, engine: MatchingEngine, demand_id: int) -> MatchInputs:
    demand = visible_demand(session, actor, demand_id)
    if actor.role not in SUGGESTION_ROLES:
        raise PermissionDenied("匹配建议供地方科协和省级管理部门审核、分派需求时使用")
    reason = NOT_MATCHED.get(demand.status)
    if reason is not None:
        raise IllegalTransition(reason)
    return read_match_inputs(session, engine, demand.id)


def match_suggestions(
    session: Session,
    actor: Actor,
    engine: MatchingEngine,
    demand_id: int,
    *,
    top_experts: int | None = None,
    top_societies: int | None = None,
) -> MatchResult:
    """Fresh match suggestions for staff who screen or route a demand (submitted onward).

    Societies and enterprises are refused (a society sees its own offer's explanation, not the
    ranking of its peers); draft, rejected and withdrawn demands are refused with the reason.
    """
    inputs = _suggestion_inputs(session, actor, engine, demand_id)
    return rank_match(engine, inputs, top_experts=top_experts, top_societies=top_societies)


def read_match_suggestions(
    db: Database,
    actor: Actor,
    engine: MatchingEngine,
    demand_id: int,
    *,
    top_experts: int | None = None,
    top_societies: int | None = None,
) -> MatchResult:
    """:func:`match_suggestions` in a short read of its own, closed before the ranking starts.

    For callers with no transaction of their own (the HTTP route): the read does not queue for
    SQLite's write lock, and no pooled connection waits while the encoder and FAISS work.
    """
    with db.read_session() as session:
        inputs = _suggestion_inputs(session, actor, engine, demand_id)
    return rank_match(engine, inputs, top_experts=top_experts, top_societies=top_societies)
