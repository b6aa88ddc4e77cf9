"""Scope: every move by every kind of actor — foreign parties see nothing, wrong roles are refused, nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from core.errors import NotFound, PermissionDenied
from directory.regions import region_subtree
from models import DemandStatus, Docking, Offer
from tests.factories import make_enterprise
from tests.workflow.conftest import FUZHOU, JINJIANG, PINGTAN, QUANZHOU, TAIJIANG, World, counts, demand_in
from tests.workflow.moves import MOVES
from workflow.scopes import can_see_demand, visible_offer
from workflow.states import DEMAND_TRANSITIONS

SEES_JINJIANG_DEMAND = {"enterprise", "la_jinjiang", "la_quanzhou", "center", "department", "society"}
ACTORS = [
    "enterprise", "other_enterprise", "la_jinjiang", "la_quanzhou", "la_taijiang", "la_fuzhou", "la_pingtan",
    "society", "other_society", "center", "department",
]  # fmt: skip
CASES = [(move, who) for move in MOVES for who in ACTORS]
DOCKING_STATES = {DemandStatus.ACCEPTED, DemandStatus.DOCKED, DemandStatus.CONTRACTED, DemandStatus.COMPLETED}


def _start_state(name: str) -> DemandStatus:
    sources = DEMAND_TRANSITIONS[name].sources
    return DemandStatus.SUBMITTED if DemandStatus.SUBMITTED in sources else min(sources, key=list(DemandStatus).index)


@pytest.mark.parametrize(("name", "who"), CASES, ids=[f"{m}-by-{w}" for m, w in CASES])
def test_each_move_by_each_actor(session: Session, world: World, name: str, who: str) -> None:
    move, _ = MOVES[name]
    start = _start_state(name)
    demand = demand_in(session, world, start)
    # the society has an offer for the demand, so it sees it (the other society does not)
    offer = Offer(demand_id=demand.id, society_id=world.society.id, rank=1, score=0.5)
    session.add(offer)
    session.flush()
    if start in DOCKING_STATES:  # and from acceptance on, its docking
        session.add(Docking(demand_id=demand.id, offer_id=offer.id, society_id=world.society.id))
        session.flush()
    actor = world.actor(who)
    visible = who in SEES_JINJIANG_DEMAND and not (start is DemandStatus.DRAFT and who != "enterprise")
    allowed = visible and actor.role in DEMAND_TRANSITIONS[name].roles
    before = counts(session)
    if allowed:
        assert move(session, actor, demand.id).status is DEMAND_TRANSITIONS[name].target
        assert counts(session)[0] > before[0]
        return
    with pytest.raises(PermissionDenied if visible else NotFound):
        move(session, actor, demand.id)
    session.refresh(demand)
    assert demand.status is start
    assert counts(session) == before


def test_a_city_association_oversees_its_counties_but_not_pingtan(session: Session) -> None:
    fuzhou = region_subtree(session, FUZHOU)
    assert {FUZHOU, TAIJIANG, "350181"} <= fuzhou
    assert PINGTAN not in fuzhou
    assert region_subtree(session, PINGTAN) == {PINGTAN}
    assert region_subtree(session, JINJIANG) == {JINJIANG}
    assert JINJIANG in region_subtree(session, QUANZHOU)


def test_pingtan_demands_belong_to_the_pingtan_association_only(session: Session, world: World) -> None:
    pingtan_enterprise = make_enterprise(session, region_code=PINGTAN)
    demand = demand_in(session, world, DemandStatus.SUBMITTED, enterprise_id=pingtan_enterprise.id, region_code=PINGTAN)
    assert can_see_demand(session, world.actor("la_pingtan"), demand.id)
    assert not can_see_demand(session, world.actor("la_fuzhou"), demand.id)
    assert can_see_demand(session, world.actor("center"), demand.id)


def test_drafts_are_seen_by_their_enterprise_only(session: Session, world: World) -> None:
    demand = demand_in(session, world, DemandStatus.DRAFT)
    seen = {who for who in ACTORS if can_see_demand(session, world.actor(who), demand.id)}
    assert seen == {"enterprise"}


def test_a_society_sees_only_its_own_offers(session: Session, world: World) -> None:
    demand = demand_in(session, world, DemandStatus.OFFERED)
    mine = Offer(demand_id=demand.id, society_id=world.society.id, rank=1, score=0.5)
    theirs = Offer(demand_id=demand.id, society_id=world.other_society.id, rank=2, score=0.4)
    session.add_all([mine, theirs])
    session.flush()
    assert visible_offer(session, world.actor("society"), mine.id) is mine
    with pytest.raises(NotFound):
        visible_offer(session, world.actor("society"), theirs.id)
    assert visible_offer(session, world.actor("la_jinjiang"), theirs.id) is theirs
    with pytest.raises(NotFound):
        visible_offer(session, world.actor("la_taijiang"), theirs.id)
