"""match_demand: constraints, region and service-station preference, explanations, society teams."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from sqlalchemy.orm import Session

from core.errors import NotFound, ServiceUnavailable
from directory.profiles import set_expert_active
from matching.embedding import forget_recent_vectors
from matching.engine import MatchingEngine
from matching.passages import demand_vectors
from matching.schemas import MatchResult
from matching.service import (
    match_demand,
    rank_match,
    read_match_inputs,
    region_bonus,
    same_organisation,
)
from models import Docking, DockingExpert, DockingStatus, Offer, ServiceStation
from tests.factories import make_demand, make_disqualification, make_enterprise, make_expert, make_society
from tests.matching.conftest import BATTERY, BATTERY_2, CERAMICS, SHOES, TEA, EngineFactory

SEPARATOR_DEMAND = {
    "title": "锂电池隔膜涂布厚度不均匀",
    "description": "我们厂的锂电池隔膜涂布厚度老是不均匀，良品率上不去，希望找专家优化涂覆工艺和在线检测。",
    "keywords": ["隔膜", "涂布"],
}


def _ids(result: MatchResult) -> list[int]:
    return [m.expert_id for m in result.experts]


@pytest.fixture
def engine(make_engine: EngineFactory) -> MatchingEngine:
    return make_engine()


def test_unknown_demand_is_not_found(session: Session, engine: MatchingEngine) -> None:
    engine.ensure_ready(session)
    with pytest.raises(NotFound):
        match_demand(session, engine, 987654)


def test_a_match_before_the_index_is_ready_is_refused_not_built(session: Session, engine: MatchingEngine) -> None:
    make_expert(session, "B1", fields="锂电池隔膜", works=[BATTERY])
    demand = make_demand(session, title="隔膜涂布厚度不均匀", description="锂电池隔膜涂布厚度老是不均匀")
    with pytest.raises(ServiceUnavailable, match="匹配索引正在准备中"):
        match_demand(session, engine, demand.id)
    assert engine.index is None  # the request did not build it inside its own transaction


def test_the_relevant_expert_comes_first_with_reasons(session: Session, engine: MatchingEngine) -> None:
    battery = make_expert(session, "B1", fields="锂电池隔膜与涂覆工艺", works=[BATTERY, BATTERY_2])
    make_expert(session, "T1", fields="茶学", works=[TEA])
    make_expert(session, "S1", fields="鞋材", works=[SHOES])
    demand = make_demand(session, **SEPARATOR_DEMAND)
    engine.ensure_ready(session)
    result = match_demand(session, engine, demand.id)
    top = result.experts[0]
    assert top.expert_id == battery.id
    assert top.rank == 1
    assert {"隔膜"} <= set(top.matched_keywords) or any("隔膜" in k for k in top.matched_keywords)
    assert top.supporting_works
    assert top.supporting_works[0].title in (BATTERY[0], BATTERY_2[0])
    assert "关键词吻合" in top.reason
    assert "代表成果" in top.reason
    assert set(top.score_parts) == {
        "lexical_profile",
        "lexical_works",
        "dense_works",
        "dense_profile",
        "dense_passages",
        "region",
    }
    assert sum(top.score_parts.values()) == pytest.approx(top.score, abs=1e-4)
    assert top.score_parts["lexical_works"] > 0
    assert result.experts[0].score > result.experts[-1].score


def test_inactive_busy_and_same_employer_experts_are_excluded(session: Session, engine: MatchingEngine) -> None:
    enterprise = make_enterprise(session, name="宁德新能隔膜科技有限公司")
    keeper = make_expert(session, "K", works=[BATTERY_2], employer="福州大学")
    inactive = make_expert(session, "I", works=[BATTERY, BATTERY_2], employer="厦门大学")
    busy = make_expert(session, "U", works=[BATTERY, BATTERY_2], employer="华侨大学", capacity=1)
    colleague = make_expert(session, "C", works=[BATTERY, BATTERY_2], employer="宁德新能隔膜科技有限公司")
    branch = make_expert(session, "R", works=[BATTERY], employer="宁德新能隔膜科技有限公司研究院")
    set_expert_active(session, inactive.id, False)
    society = make_society(session, "bat", name="福建省电池学会")
    other = make_demand(session, title="电解液配方", description="电解液低温性能差")
    offer = Offer(demand_id=other.id, society_id=society.id, rank=1, score=1.0)
    session.add(offer)
    session.flush()
    docking = Docking(demand_id=other.id, offer_id=offer.id, society_id=society.id, status=DockingStatus.CONFIRMED)
    session.add(docking)
    session.flush()
    session.add(DockingExpert(docking_id=docking.id, expert_id=busy.id, role="leader"))
    demand = make_demand(session, enterprise, **SEPARATOR_DEMAND)
    engine.ensure_ready(session)

    result = match_demand(session, engine, demand.id)
    ranked = _ids(result)
    assert keeper.id in ranked
    for excluded in (inactive, busy, colleague, branch):
        assert excluded.id not in ranked
    reasons = {e.expert_id: e.reason for e in result.excluded}
    assert "满负荷" in reasons[busy.id]
    assert "利益回避" in reasons[colleague.id]
    assert "利益回避" in reasons[branch.id]
    assert inactive.id not in reasons  # not in the index at all

    # the docking completes: the expert is free again
    docking.status = DockingStatus.COMPLETED
    session.flush()
    assert busy.id in _ids(match_demand(session, engine, demand.id))


def test_each_match_is_timed_in_the_match_latency_histogram(session: Session, engine: MatchingEngine) -> None:
    make_expert(session, "B1", fields="锂电池隔膜与涂覆工艺", works=[BATTERY])
    demand = make_demand(session, **SEPARATOR_DEMAND)
    engine.ensure_ready(session)
    before = REGISTRY.get_sample_value("zhuli_match_seconds_count") or 0.0
    match_demand(session, engine, demand.id)
    match_demand(session, engine, demand.id)
    assert REGISTRY.get_sample_value("zhuli_match_seconds_count") == before + 2
    assert (REGISTRY.get_sample_value("zhuli_match_seconds_sum") or 0.0) > 0


def test_conflict_of_interest_rule() -> None:
    assert same_organisation("宁德时代新能源科技股份有限公司", "宁德时代新能源科技股份有限公司")
    assert same_organisation("宁德时代新能源科技股份有限公司 研究院", "宁德时代新能源科技股份有限公司")
    assert same_organisation("（福建）某某科技有限公司", "(福建)某某科技有限公司")
    assert same_organisation("福州大学", "福州大学材料科学与工程学院")
    assert not same_organisation("福州大学", "福州大学城建设有限公司")
    assert not same_organisation("宁德时代", "宁德时代新能源科技股份有限公司")  # a brand, not the entity
    assert not same_organisation("", "某公司")
    assert not same_organisation("厦门大学", "福州大学")


def test_region_bonus_levels() -> None:
    from matching.policy import MatchPolicy

    p = MatchPolicy.from_settings()
    assert region_bonus("350582", "350582", p) == p.region_bonus_same_area  # same county (晋江)
    assert region_bonus("350582", "350583", p) == p.region_bonus_same_city  # 南安, same city 泉州
    assert region_bonus("350500", "350583", p) == p.region_bonus_same_area  # city-level demand
    assert region_bonus("350582", "350102", p) == 0.0
    assert region_bonus("350000", "350582", p) == 0.0  # province-wide demand: no preference
    assert region_bonus("350582", None, p) == 0.0
    assert region_bonus("350128", "350102", p) == p.region_bonus_same_city  # 平潭 and 鼓楼 under 福州 in the table


def test_codes_outside_the_region_table_earn_no_preference() -> None:
    from matching.policy import MatchPolicy

    p = MatchPolicy.from_settings()
    assert region_bonus("350599", "350582", p) == 0.0  # no such county: not "the same city" by its prefix
    assert region_bonus("359900", "359901", p) == 0.0


def test_equally_relevant_local_expert_is_preferred(session: Session, engine: MatchingEngine) -> None:
    far = make_expert(session, "F", works=[BATTERY], region_code="350102")  # 福州鼓楼
    near = make_expert(session, "N", works=[BATTERY], region_code="350902")  # 宁德蕉城
    enterprise = make_enterprise(session, region_code="350902")
    demand = make_demand(session, enterprise, **SEPARATOR_DEMAND)
    engine.ensure_ready(session)
    result = match_demand(session, engine, demand.id)
    assert _ids(result)[:2] == [near.id, far.id]
    assert result.experts[0].score_parts["region"] > 0
    assert "同在" in result.experts[0].reason
    assert result.experts[1].score_parts["region"] == 0


def test_region_is_a_preference_not_a_filter(session: Session, engine: MatchingEngine) -> None:
    expert = make_expert(session, "F", fields="锂电池隔膜", works=[BATTERY, BATTERY_2], region_code="350102")
    make_expert(session, "L", fields="茶学", works=[TEA], region_code="350902")
    enterprise = make_enterprise(session, region_code="350902")
    demand = make_demand(session, enterprise, **SEPARATOR_DEMAND)
    engine.ensure_ready(session)
    assert _ids(match_demand(session, engine, demand.id))[0] == expert.id


def test_societies_rank_by_profile_and_members_with_a_team(session: Session, engine: MatchingEngine) -> None:
    battery = make_society(
        session, "bat", name="福建省电池学会", description="锂电池材料、隔膜与电池制造工艺", discipline="新能源"
    )
    tea = make_society(session, "tea", name="福建省茶叶学会", description="茶树栽培与茶叶加工")
    ceramics = make_society(session, "cer", name="福建省硅酸盐学会", description="陶瓷、玻璃与建筑材料")
    lead = make_expert(session, "B1", works=[BATTERY, BATTERY_2], societies=["bat"])
    member = make_expert(session, "B2", works=[BATTERY], societies=["bat", "cer"])
    make_expert(session, "T1", works=[TEA], societies=["tea"])
    make_expert(session, "C1", works=[CERAMICS], societies=["cer"])
    demand = make_demand(session, **SEPARATOR_DEMAND)
    engine.ensure_ready(session)
    result = match_demand(session, engine, demand.id, top_societies=3)
    assert [s.society_id for s in result.societies][0] == battery.id
    first = result.societies[0]
    assert [t.expert_id for t in first.team][:2] == [lead.id, member.id]
    assert first.team[0].role == "leader"
    assert first.score_parts["members"] > 0
    assert first.score_parts["profile"] > 0
    assert sum(first.score_parts.values()) == pytest.approx(first.score, abs=1e-4)
    assert "推荐团队" in first.reason
    assert {s.society_id for s in result.societies} == {battery.id, tea.id, ceramics.id}


def test_a_society_that_lost_its_pilot_qualification_is_no_longer_suggested(
    session: Session, engine: MatchingEngine
) -> None:
    battery = make_society(session, "bat", name="福建省电池学会", description="锂电池材料、隔膜与电池制造工艺")
    other = make_society(session, "ene", name="福建省能源学会", description="储能电池与隔膜材料")
    lead = make_expert(session, "B1", works=[BATTERY, BATTERY_2], societies=["bat"])
    make_expert(session, "E1", works=[BATTERY], societies=["ene"])
    demand = make_demand(session, **SEPARATOR_DEMAND)
    engine.ensure_ready(session)
    before = [s.society_id for s in match_demand(session, engine, demand.id).societies]
    assert before[0] == battery.id
    make_disqualification(session, battery)  # the index is untouched: the rule is read at match time
    result = match_demand(session, engine, demand.id)
    assert [s.society_id for s in result.societies] == [other.id]
    assert result.experts[0].expert_id == lead.id  # its experts themselves are still found


def test_a_service_station_in_the_region_lifts_a_society(session: Session, engine: MatchingEngine) -> None:
    first = make_society(session, "s1", name="福建省电池材料学会", description="锂电池隔膜")
    second = make_society(session, "s2", name="福建省储能电池学会", description="锂电池隔膜")
    make_expert(session, "A", works=[BATTERY], societies=["s1"])
    make_expert(session, "B", works=[BATTERY], societies=["s2"])
    enterprise = make_enterprise(session, region_code="350902")
    demand = make_demand(session, enterprise, **SEPARATOR_DEMAND)
    engine.ensure_ready(session)
    before = {s.society_id: s for s in match_demand(session, engine, demand.id).societies}
    session.add(ServiceStation(society_id=second.id, region_code="350902", name="储能电池学会宁德服务站"))
    session.flush()
    after = match_demand(session, engine, demand.id).societies
    assert after[0].society_id == second.id
    assert after[0].has_station_in_region
    assert after[0].score_parts["station"] > 0
    assert "服务站" in after[0].reason
    assert after[0].score > before[second.id].score
    assert not before[first.id].has_station_in_region


def test_a_match_encodes_its_demand_and_ranks_the_same_from_the_in_process_cache(
    session: Session, engine: MatchingEngine
) -> None:
    battery = make_expert(session, "B1", fields="锂电池隔膜与涂覆工艺", works=[BATTERY, BATTERY_2])
    make_expert(session, "T1", fields="茶学", works=[TEA])
    demand = make_demand(session, **SEPARATOR_DEMAND)
    engine.ensure_ready(session)
    inputs = read_match_inputs(session, engine, demand.id)
    forget_recent_vectors()
    vector, passages = demand_vectors(engine.encoder, inputs.demand, passages=True)
    assert passages is not None
    assert passages.shape[1] == vector.shape[0]
    forget_recent_vectors()
    fresh = rank_match(engine, inputs)  # encodes the demand
    assert demand_vectors(engine.encoder, inputs.demand, passages=True)[0].tolist() == vector.tolist()
    cached = rank_match(engine, inputs)  # the in-process cache holds its vectors now
    assert fresh.experts[0].expert_id == battery.id
    assert fresh == cached
