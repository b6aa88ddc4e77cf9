"""An Actor carries exactly the scope of the user it stands for."""

from __future__ import annotations

from sqlalchemy.orm import Session

from accounts import Actor
from models import Role, User
from tests.factories import make_society


def test_actor_of_a_society_user_carries_its_society(session: Session) -> None:
    society = make_society(session)
    user = User(username="xuehui1", display_name="学会秘书", role=Role.SOCIETY, society_id=society.id)
    session.add(user)
    session.flush()
    actor = Actor.of_user(user)
    assert (actor.user_id, actor.role, actor.society_id) == (user.id, Role.SOCIETY, society.id)
    assert actor.region_code is None
    assert actor.enterprise_id is None


def test_system_actor_has_no_user_and_the_system_role() -> None:
    actor = Actor.system()
    assert actor.user_id is None
    assert actor.role is Role.SYSTEM
