"""The one offer-eligibility rule: a society that lost its pilot qualification gets no new offers, until
it is selected as a pilot again; the center's reroute list follows the same rule."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts import Actor
from directory.societies import SocietyFilters, list_societies
from models import Role, Society
from program.eligibility import offerable_society
from tests.factories import make_disqualification, make_society, make_user


def _disqualified(session: Session) -> Society:
    society = make_society(session, is_pilot=False)
    make_disqualification(session, society)
    return society


def _offerable(session: Session, *ids: int) -> set[int]:
    return set(session.scalars(select(Society.id).where(Society.id.in_(ids), offerable_society())))


def test_a_disqualified_society_is_not_offerable_until_selected_again(session: Session) -> None:
    plain, out = make_society(session), _disqualified(session)
    retired = make_society(session, is_active=False)
    assert _offerable(session, plain.id, out.id, retired.id) == {plain.id}
    center = Actor.of_user(make_user(session, Role.CENTER))
    listed = {s.id for s in list_societies(session, center, SocietyFilters(offerable=True), size=1000).items}
    assert plain.id in listed
    assert out.id not in listed
    out.is_pilot = True  # a later pilot selection
    session.flush()
    assert _offerable(session, plain.id, out.id) == {plain.id, out.id}
