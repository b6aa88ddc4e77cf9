"""Plain typed factories: ``make_x(session, **overrides)`` adds a valid row and flushes."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from directory import credit_code
from directory.profiles import record_change
from directory.regions import sync_regions
from models import (
    Demand,
    DemandCategory,
    DemandSource,
    DemandStatus,
    Enterprise,
    Expert,
    ExpertWork,
    ProfileChangeKind,
    Role,
    Society,
    SocietyMembership,
    User,
)

_seq = itertools.count(1)


def seed_reference_data(session: Session) -> None:
    sync_regions(session)


def make_society(session: Session, **overrides: Any) -> Society:
    n = next(_seq)
    values: dict[str, Any] = {"code": f"S{n:04d}", "name": f"测试学会{n}", "discipline": "工程"}
    values.update(overrides)
    society = Society(**values)
    session.add(society)
    session.flush()
    record_change(session, ProfileChangeKind.SOCIETY, society.id)  # as the directory's writers do
    session.flush()
    return society


def make_enterprise(session: Session, **overrides: Any) -> Enterprise:
    n = next(_seq)
    region = overrides.get("region_code", "350582")
    values: dict[str, Any] = {
        "name": f"测试企业{n}有限公司",
        "credit_code": credit_code.generate(region, 10_000_000 + n),
        "region_code": region,
        "industry": "纺织鞋服",
    }
    values.update(overrides)
    enterprise = Enterprise(**values)
    session.add(enterprise)
    session.flush()
    return enterprise


def make_expert(session: Session, *, societies: list[Society] | None = None, **overrides: Any) -> Expert:
    n = next(_seq)
    values: dict[str, Any] = {
        "code": f"E{n:06d}",
        "name": f"专家{n}",
        "employer": "福州大学",
        "fields": "材料",
    }
    works = overrides.pop("works", [])
    values.update(overrides)
    expert = Expert(**values)
    session.add(expert)
    session.flush()
    for w in works:
        session.add(ExpertWork(expert_id=expert.id, **w))
    for s in societies or []:
        session.add(SocietyMembership(expert_id=expert.id, society_id=s.id))
    record_change(session, ProfileChangeKind.EXPERT, expert.id)  # so the matching index sees it
    session.flush()
    return expert


def make_demand(session: Session, enterprise: Enterprise | None = None, **overrides: Any) -> Demand:
    enterprise = enterprise or make_enterprise(session)
    values: dict[str, Any] = {
        "enterprise_id": enterprise.id,
        "region_code": enterprise.region_code,
        "title": "鞋底发泡材料回弹性差",
        "description": "EVA发泡鞋底回弹性不足，希望找专家优化配方。",
        "category": DemandCategory.KEY_TECHNOLOGY,
        "status": DemandStatus.SUBMITTED,
        "source": DemandSource.CONSOLE,
    }
    values.update(overrides)
    demand = Demand(**values)
    session.add(demand)
    session.flush()
    return demand


def make_user(session: Session, role: Role, **overrides: Any) -> User:
    """A user without a password (fast: no scrypt); pass the scope column the role needs."""
    n = next(_seq)
    values: dict[str, Any] = {"username": f"{role.value}-{n}", "display_name": f"用户{n}", "role": role}
    values.update(overrides)
    user = User(**values)
    session.add(user)
    session.flush()
    return user
