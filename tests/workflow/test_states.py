"""The transition tables: consistent as a graph, and every move refused from every state it does not start from."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from core.errors import IllegalTransition, NotFound
from models import DemandStatus, OfferStatus, Role
from tests.workflow.conftest import World, counts, demand_in
from tests.workflow.moves import MOVES
from workflow.states import DEMAND_TRANSITIONS, OFFER_TRANSITIONS, TERMINAL_DEMAND_STATES


def _reachable(start: set[DemandStatus]) -> set[DemandStatus]:
    seen, todo = set(start), list(start)
    while todo:
        state = todo.pop()
        for t in DEMAND_TRANSITIONS.values():
            if state in t.sources and t.target not in seen:
                seen.add(t.target)
                todo.append(t.target)
    return seen


def test_every_demand_state_is_reachable_from_draft() -> None:
    assert _reachable({DemandStatus.DRAFT}) == set(DemandStatus)


def test_only_rejected_closed_and_withdrawn_are_terminal() -> None:
    assert TERMINAL_DEMAND_STATES == {DemandStatus.REJECTED, DemandStatus.CLOSED, DemandStatus.WITHDRAWN}


def test_every_offer_state_but_pending_is_reached_by_one_move() -> None:
    targets = {t.target for t in OFFER_TRANSITIONS.values()}
    assert targets == set(OfferStatus) - {OfferStatus.PENDING}
    assert all(OfferStatus.PENDING in t.sources for t in OFFER_TRANSITIONS.values())


def test_withdrawal_is_possible_exactly_before_contracting() -> None:
    sources = DEMAND_TRANSITIONS["withdraw"].sources
    assert DemandStatus.CONTRACTED not in sources
    assert DemandStatus.DOCKED in sources
    assert sources == {s for s in DemandStatus if s not in TERMINAL_DEMAND_STATES} - {
        DemandStatus.CONTRACTED,
        DemandStatus.COMPLETED,
    }


def test_every_transition_names_its_roles() -> None:
    for t in [*DEMAND_TRANSITIONS.values(), *OFFER_TRANSITIONS.values()]:
        assert t.roles
        assert t.label
        assert Role.DEPARTMENT not in t.roles  # the department supervises; it does not act on demands


ILLEGAL = [(name, state) for name in MOVES for state in DemandStatus if state not in DEMAND_TRANSITIONS[name].sources]


@pytest.mark.parametrize(("name", "state"), ILLEGAL, ids=[f"{n}-from-{s.value}" for n, s in ILLEGAL])
def test_move_from_a_state_it_does_not_start_from_is_refused(
    session: Session, world: World, name: str, state: DemandStatus
) -> None:
    move, who = MOVES[name]
    demand = demand_in(session, world, state, submitted_at=None)
    before = counts(session)
    actor = world.actor(who)
    if state is DemandStatus.DRAFT and actor.role is not Role.ENTERPRISE:
        with pytest.raises(NotFound):  # a draft is the enterprise's own: staff cannot see it at all
            move(session, actor, demand.id)
    else:
        with pytest.raises(IllegalTransition) as info:
            move(session, actor, demand.id)
        assert f"当前状态为「{state.label}」" in info.value.message
    session.refresh(demand)
    assert demand.status is state
    assert counts(session) == before
