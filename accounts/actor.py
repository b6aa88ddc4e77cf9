"""The acting party of every service call: a user's role plus the one scope that role carries."""

from __future__ import annotations

from dataclasses import dataclass

from models import Role, User


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting, and on what they may act.

    A local association acts on demands of its region subtree (``region_code``), a society on its own
    offers (``society_id``), an enterprise on its own demands (``enterprise_id``), an expert on its own
    profile (``expert_id``); the provincial center and department everywhere; ``system`` is Zhuli itself
    (jobs, periodic tasks).
    """

    user_id: int | None
    role: Role
    display_name: str = ""
    region_code: str | None = None
    society_id: int | None = None
    enterprise_id: int | None = None
    expert_id: int | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(user_id=None, role=Role.SYSTEM, display_name="系统")

    @classmethod
    def of_user(cls, user: User) -> Actor:
        return cls(
            user_id=user.id,
            role=user.role,
            display_name=user.display_name,
            region_code=user.region_code,
            society_id=user.society_id,
            enterprise_id=user.enterprise_id,
            expert_id=user.expert_id,
        )
