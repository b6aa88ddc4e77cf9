"""Job handlers and periodic tasks of the workflow (run by the worker in ``workflow/worker/``).

Each is idempotent and safe on several workers at once: a repeated job finds its effect already there
(unique keys with ``ON CONFLICT DO NOTHING``), a periodic task changes a row only while it is still in
the state the task looks for.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.errors import ServiceUnavailable
from matching.service import INDEX_NOT_READY, match_demand
from models import Demand, DemandStatus
from workflow import periodic as _periodic  # noqa: F401 - registers the periodic tasks with the worker
from workflow.jobs import JobContext, job
from workflow.rounds import OFFER_JOB, make_offer_round
from workflow.suggestions import NOT_MATCHED, has_snapshot, societies_to_rank, store_snapshot


@job("demand.match")
def match_submitted_demand(session: Session, ctx: JobContext, payload: dict[str, Any]) -> None:
    """Compute and keep the match suggestions of one submission (payload: demand_id, submission_event_id)."""
    demand_id = int(payload["demand_id"])
    submission = int(payload["submission_event_id"])
    demand = session.get(Demand, demand_id)
    if demand is None or demand.status in NOT_MATCHED or demand.status is DemandStatus.RETURNED:
        return  # nothing to serve any more: the demand moved on while the job waited
    if has_snapshot(session, demand_id, submission):
        return
    if ctx.engine is None:
        raise ServiceUnavailable(INDEX_NOT_READY)
    result = match_demand(session, ctx.engine, demand_id, top_societies=societies_to_rank(ctx.settings.workflow))
    store_snapshot(session, demand_id, submission, result, now=ctx.now)


@job(OFFER_JOB)
def offer_approved_demand(session: Session, ctx: JobContext, payload: dict[str, Any]) -> None:
    """Make the first round of offers of a demand approved before its match snapshot was ready."""
    make_offer_round(session, ctx.engine, int(payload["demand_id"]), 1, now=ctx.now, policy=ctx.settings.workflow)
