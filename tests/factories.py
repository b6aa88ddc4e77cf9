"""Plain typed factories: ``make_x(session, ...)`` adds a valid row and flushes.

Experts and societies go through the directory's own profile writers, so they log the ProfileChange
the matching index follows; there is no second family of test helpers for them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from directory import credit_code
from directory.profiles import ExpertIn, SocietyIn, WorkIn, upsert_expert, upsert_society
from directory.regions import sync_regions
from models import (
    Demand,
    DemandCategory,
    DemandSource,
    DemandStatus,
    Disqualification,
    Enterprise,
    EvaluationGrade,
    EvaluationResult,
    EvaluationRound,
    Expert,
    Role,
    Society,
    User,
)

_seq = itertools.count(1)


def seed_reference_data(session: Session) -> None:
    sync_regions(session)


def make_society(session: Session, code: str | None = None, **values: Any) -> Society:
    """Create or update a society through the directory's profile writer (logs a ProfileChange)."""
    n = next(_seq)
    values.setdefault("name", f"测试学会{n}")
    society, _ = upsert_society(session, SocietyIn(code=code or f"S{n:04d}", **values))
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


Work = str | tuple[str, list[str], str]
"""A work as tests write it: a title, or ``(title, keywords, abstract)``."""


def make_expert(
    session: Session,
    code: str | None = None,
    *,
    works: Sequence[Work] = (),
    societies: Sequence[Society | str] = (),
    **values: Any,
) -> Expert:
    """Create or update the expert ``code`` through the directory's profile writer.

    Going through ``upsert_expert`` logs the ProfileChange the matching index follows, so the
    index sees factory experts exactly as it sees imported ones. ``societies`` are rows or codes.
    """
    n = next(_seq)
    code = code or f"E{n:06d}"
    values.setdefault("name", f"专家{code}")
    values.setdefault("employer", "福州大学")
    work_in = [
        WorkIn(title=w) if isinstance(w, str) else WorkIn(title=w[0], keywords=w[1], abstract=w[2]) for w in works
    ]
    society_codes = [s if isinstance(s, str) else s.code for s in societies]
    expert, _ = upsert_expert(session, ExpertIn(code=code, works=work_in, society_codes=society_codes, **values))
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


def make_disqualification(session: Session, society: Society) -> Disqualification:
    """The formal decision (seed art. 18) on a published 不合格 result, written as rows."""
    found = EvaluationRound(title="2026年度", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))
    session.add(found)
    session.flush()
    published = datetime(2027, 1, 1, tzinfo=UTC)
    result = EvaluationResult(
        round_id=found.id, society_id=society.id, grade=EvaluationGrade.FAIL, published_at=published
    )
    session.add(result)
    session.flush()
    decision = Disqualification(
        society_id=society.id, result_id=result.id, document_no="闽科协〔2027〕1号", document_date=date(2027, 1, 5),
        reason="不合格",
    )  # fmt: skip
    society.is_pilot = False
    session.add(decision)
    session.flush()
    return decision
