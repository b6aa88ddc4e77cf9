"""A small world for workflow tests: an enterprise in Jinjiang, associations around it, two societies, staff."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts import Actor
from models import AuditEvent, Demand, DemandStatus, Enterprise, Job, Notification, Role, Society, User
from tests.factories import make_demand, make_enterprise, make_society, make_user

JINJIANG, QUANZHOU, TAIJIANG, FUZHOU, PINGTAN = "350582", "350500", "350103", "350100", "350128"


@dataclass
class World:
    enterprise: Enterprise
    other_enterprise: Enterprise
    society: Society
    other_society: Society
    users: dict[str, User]

    def actor(self, name: str) -> Actor:
        return Actor.of_user(self.users[name])


@pytest.fixture
def world(session: Session) -> World:
    enterprise = make_enterprise(session, region_code=JINJIANG, name="晋江恒达鞋业有限公司")
    other_enterprise = make_enterprise(session, region_code=JINJIANG, name="晋江别家鞋业有限公司")
    society, other_society = make_society(session, name="福建省材料学会"), make_society(session, name="福建省茶叶学会")
    users = {
        "enterprise": make_user(session, Role.ENTERPRISE, enterprise_id=enterprise.id, wechat_openid="o-ent-1"),
        "other_enterprise": make_user(session, Role.ENTERPRISE, enterprise_id=other_enterprise.id),
        "la_jinjiang": make_user(session, Role.LOCAL_ASSOCIATION, region_code=JINJIANG, wechat_openid="o-la-jj"),
        "la_quanzhou": make_user(session, Role.LOCAL_ASSOCIATION, region_code=QUANZHOU),
        "la_taijiang": make_user(session, Role.LOCAL_ASSOCIATION, region_code=TAIJIANG),
        "la_fuzhou": make_user(session, Role.LOCAL_ASSOCIATION, region_code=FUZHOU),
        "la_pingtan": make_user(session, Role.LOCAL_ASSOCIATION, region_code=PINGTAN),
        "society": make_user(session, Role.SOCIETY, society_id=society.id),
        "other_society": make_user(session, Role.SOCIETY, society_id=other_society.id),
        "center": make_user(session, Role.CENTER),
        "department": make_user(session, Role.DEPARTMENT),
    }
    return World(enterprise, other_enterprise, society, other_society, users)


def demand_in(session: Session, world: World, status: DemandStatus, **overrides: object) -> Demand:
    overrides.setdefault("submitted_by_user_id", world.users["enterprise"].id)
    return make_demand(session, world.enterprise, status=status, **overrides)


def counts(session: Session) -> tuple[int, int, int]:
    """(audit events, notifications, jobs) — what a refused move must leave unchanged."""
    return (
        session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        session.scalar(select(func.count()).select_from(Notification)) or 0,
        session.scalar(select(func.count()).select_from(Job)) or 0,
    )


from tests.matching.conftest import encoder, index_dir, make_engine  # noqa: E402, F401 - shared matcher fixtures
