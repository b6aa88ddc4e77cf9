"""End to end on the demo data: a WeChat-style demand gets the experts and society a reader expects."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory import credit_code
from matching.engine import MatchingEngine
from matching.schemas import MatchResult
from matching.service import match_demand
from models import Demand, DemandCategory, DemandSource, DemandStatus, Enterprise, Expert, Society
from tests.demo.conftest import DemoWorld


@pytest.fixture
def demo(demo_world: DemoWorld) -> Iterator[tuple[Session, MatchingEngine]]:
    """The shared demo load and its engine; what a test adds is rolled back."""
    session = demo_world.session
    nested = session.begin_nested()
    try:
        yield session, demo_world.engine
    finally:
        nested.rollback()
        session.rollback()


def _demand(session: Session, enterprise_name: str, title: str, description: str, region: str) -> Demand:
    enterprise = Enterprise(
        name=enterprise_name, credit_code=credit_code.generate(region, 77_000_000 + len(title)), region_code=region
    )
    session.add(enterprise)
    session.flush()
    demand = Demand(
        enterprise_id=enterprise.id,
        region_code=region,
        title=title,
        description=description,
        category=DemandCategory.KEY_TECHNOLOGY,
        status=DemandStatus.SUBMITTED,
        source=DemandSource.WECHAT,
    )
    session.add(demand)
    session.flush()
    return demand


def _fields(session: Session, result: MatchResult, n: int) -> list[str]:
    ids = [m.expert_id for m in result.experts[:n]]
    by_id = dict(session.execute(select(Expert.id, Expert.fields).where(Expert.id.in_(ids))).all())
    return [by_id[i] for i in ids]


def test_separator_coating_demand_gets_separator_experts_and_their_society(
    demo: tuple[Session, MatchingEngine],
) -> None:
    session, engine = demo
    demand = _demand(
        session,
        "宁德时代新能源科技股份有限公司",
        "隔膜涂布厚度不均匀",
        "我们厂的锂电池隔膜涂布厚度老是不均匀，良品率上不去，请问有没有专家能来看看？",
        "350902",
    )
    result = match_demand(session, engine, demand.id, top_experts=10, top_societies=3)

    top_fields = _fields(session, result, 5)
    assert "隔膜" in top_fields[0]
    assert sum("隔膜" in f or "涂层" in f or "涂覆" in f for f in top_fields) >= 4
    first = result.experts[0]
    assert any("隔膜" in k for k in first.matched_keywords)
    assert first.supporting_works
    assert "隔膜" in first.reason

    # the separator expert employed by the enterprise itself is left out (conflict of interest)
    colleague = session.scalar(
        select(Expert).where(Expert.employer == "宁德时代新能源科技股份有限公司", Expert.fields.contains("隔膜"))
    )
    assert colleague is not None
    assert colleague.id not in {m.expert_id for m in result.experts}
    assert any(e.expert_id == colleague.id and "利益回避" in e.reason for e in result.excluded)

    # the society hosting the battery-separator experts comes first, with them as its team
    society = session.get(Society, result.societies[0].society_id)
    assert society is not None
    assert "锂电池" in society.industries
    team = {t.expert_id for t in result.societies[0].team}
    assert first.expert_id in team or len(team & {m.expert_id for m in result.experts[:5]}) >= 2


def test_tea_demand_from_anxi_gets_tea_experts_and_the_tea_society(demo: tuple[Session, MatchingEngine]) -> None:
    session, engine = demo
    demand = _demand(
        session,
        "安溪某茶业有限公司",
        "铁观音做青香气不足",
        "今年的铁观音做青以后香气一直上不来，摇青和晾青的时间不知道怎么掌握，希望茶叶专家指导。",
        "350524",
    )
    result = match_demand(session, engine, demand.id, top_experts=5, top_societies=3)
    assert all("茶" in f for f in _fields(session, result, 3))
    top_society = session.get(Society, result.societies[0].society_id)
    assert top_society is not None
    assert top_society.code == "TEA"
    assert result.societies[0].has_station_in_region  # the tea society has a station in 安溪


def test_every_demo_demand_can_be_matched(demo: tuple[Session, MatchingEngine]) -> None:
    session, engine = demo
    demand_ids = list(session.scalars(select(Demand.id).order_by(Demand.id)))
    assert len(demand_ids) > 20
    for demand_id in demand_ids:
        result = match_demand(session, engine, demand_id, top_experts=5, top_societies=2)
        assert len(result.experts) == 5
        assert all(m.reason for m in result.experts)
        assert result.societies
        assert result.experts[0].score >= result.experts[-1].score
