"""Two societies accepting offers of the same demand at the same moment, on real connections: one docking."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

import workflow
from accounts import Actor
from core.db import Database
from core.errors import DomainError
from models import Demand, DemandStatus, Docking, Offer, OfferStatus, Role
from tests.factories import make_demand, make_enterprise, make_expert, make_society, make_user
from tests.workflow.offering import NOW, POLICY, store_ranking


def test_two_societies_accepting_at_once_give_one_docking(fresh_database: Database) -> None:
    with fresh_database.unit_of_work() as session:
        enterprise = make_enterprise(session, region_code="350582")
        societies = [make_society(session) for _ in range(2)]
        actors = [Actor.of_user(make_user(session, Role.SOCIETY, society_id=s.id)) for s in societies]
        association = make_user(session, Role.LOCAL_ASSOCIATION, region_code="350582")
        demand = make_demand(session, enterprise, status=DemandStatus.SUBMITTED)
        store_ranking(session, demand, [(s, [make_expert(session, societies=[s])]) for s in societies])
        workflow.approve(session, Actor.of_user(association), demand.id, now=NOW, policy=POLICY)
        offers = {o.society_id: o.id for o in session.scalars(select(Offer).where(Offer.demand_id == demand.id))}
        demand_id = demand.id
    start, outcomes = threading.Barrier(2), []

    def answer(actor: Actor) -> None:
        start.wait()
        try:
            with fresh_database.unit_of_work() as session:
                assert actor.society_id is not None
                workflow.accept(session, actor, offers[actor.society_id], now=NOW)
            outcomes.append("accepted")
        except DomainError as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=answer, args=(a,)) for a in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("accepted") == 1
    [lost] = [o for o in outcomes if o != "accepted"]
    assert lost in {"Conflict", "IllegalTransition"}  # the loser is told, in Chinese, the demand moved on
    with fresh_database.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Docking).where(Docking.demand_id == demand_id)) == 1
        statuses = sorted(o.status for o in session.scalars(select(Offer).where(Offer.demand_id == demand_id)))
        assert statuses == sorted([OfferStatus.ACCEPTED, OfferStatus.SUPERSEDED])
        assert session.get_one(Demand, demand_id).status is DemandStatus.ACCEPTED
