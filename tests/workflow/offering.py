"""Helpers for offer tests: a stored match snapshot naming societies and their teams, and a demand offered from it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

import workflow
from core.settings import WorkflowSettings
from matching.schemas import MatchResult, SocietyMatch, TeamMember
from models import Demand, DemandStatus, Expert, Notification, Offer, Society
from tests.workflow.conftest import World, demand_in
from workflow.suggestions import store_snapshot

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
POLICY = WorkflowSettings(societies_per_round=2, max_rounds=2, offer_deadline_hours=120)


def store_ranking(session: Session, demand: Demand, ranking: list[tuple[Society, list[Expert]]]) -> MatchResult:
    """Keep a snapshot ranking ``ranking`` best first, as the ``demand.match`` job would."""
    societies = [
        SocietyMatch(
            rank=i,
            society_id=society.id,
            code=society.code,
            name=society.name,
            score=round(1.0 - i / 10, 3),
            score_parts={"profile": 0.3, "members": round(0.6 - i / 10, 3), "station": 0.1},
            has_station_in_region=i == 1,
            team=[
                TeamMember(expert_id=e.id, name=e.name, role="leader" if j == 0 else "member", score=0.5)
                for j, e in enumerate(team)
            ],
            reason=f"{society.name}的会员长期研究EVA发泡材料",
        )
        for i, (society, team) in enumerate(ranking, 1)
    ]
    result = MatchResult(demand_id=demand.id, model="test", index_watermark=1, experts=[], societies=societies)
    store_snapshot(session, demand.id, 0, result, now=NOW)
    return result


def offers_of(session: Session, demand_id: int) -> list[Offer]:
    return list(session.scalars(select(Offer).where(Offer.demand_id == demand_id).order_by(Offer.round, Offer.rank)))


def notes(session: Session, demand_id: int, kind: str) -> list[Notification]:
    query = select(Notification).where(Notification.demand_id == demand_id, Notification.kind == kind)
    return list(session.scalars(query.order_by(Notification.id)))


def offered_demand(
    session: Session,
    world: World,
    ranking: list[tuple[Society, list[Expert]]],
    policy: WorkflowSettings = POLICY,
) -> Demand:
    """A submitted demand of the world's enterprise with ``ranking`` stored, approved by Jinjiang's association."""
    demand = demand_in(session, world, DemandStatus.SUBMITTED, submitted_at=NOW)
    store_ranking(session, demand, ranking)
    return workflow.approve(session, world.actor("la_jinjiang"), demand.id, now=NOW, policy=policy)


def accepted_demand(session: Session, world: World, team: list[Expert]) -> Demand:
    """A demand offered to the world's society only and accepted by it with ``team``."""
    demand = offered_demand(session, world, [(world.society, team)])
    [offer] = offers_of(session, demand.id)
    workflow.accept(session, world.actor("society"), offer.id, now=NOW)
    return demand
