"""Use case: match a demand to experts and societies, with constraints and reasons.

A match is a pure read in two steps: :func:`read_match_inputs` reads the demand, the open dockings
and the service stations (a few short queries), and :func:`rank_match` encodes the demand, searches
the in-memory index and explains the result without touching the database. A caller that owns its
session only for the match (the HTTP route) closes it between the two, so no pooled connection waits
on the encoder or FAISS. The index is kept in step by its keeper (:mod:`matching.maintenance`),
never by a match: the result names the ``index_watermark`` it was computed at.
"""

from __future__ import annotations

import heapq
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sqlalchemy.orm import Session

from core.errors import NotFound, ServiceUnavailable
from directory.regions import PROVINCE_CODE, city_of, codes_in_city, is_city
from ingestion.segment import search_tokens
from matching import repository as repo
from matching.documents import demand_text
from matching.engine import MatchingEngine
from matching.explain import expert_reason, matched_keywords, query_words
from matching.index import ExpertIndex
from matching.metrics import MATCH_SECONDS
from matching.passages import demand_vectors
from matching.policy import MatchPolicy
from matching.schemas import (
    ExcludedExpert,
    ExpertMatch,
    MatchResult,
    SocietyMatch,
    SupportingWork,
    TeamMember,
)
from matching.scoring import ExpertEvidence, QueryEvidence, gather_evidence, supporting_works

MAX_EXCLUDED_SHOWN = 10
MIN_RANKED = 60
"""Experts ranked per match at least (society teams draw on them), even when fewer are shown."""

INDEX_NOT_READY = "匹配索引正在准备中，请稍后再试"
STRONG_ITEM = 0.5
"""A field item is named in the reason when it matched a demand passage at least this well (0–1)."""


@dataclass(frozen=True)
class MatchInputs:
    """What a match reads from the database; the rest comes from the in-memory index."""

    demand: repo.DemandRecord
    loads: dict[int, int]
    """Dockings in progress per busy expert (fresh: dockings change without a profile change)."""
    stations: dict[int, list[str]]
    """Service stations near the demand's region, per society."""
    region_names: dict[str, str]
    barred_societies: frozenset[int] = frozenset()
    """Societies that lost their pilot qualification (seed art. 18): never suggested."""


@dataclass(slots=True)
class RankedExpert:
    expert_id: int
    score: float
    relevance: float
    bonus: float
    evidence: ExpertEvidence
    card: repo.ExpertCard
    society_ids: tuple[int, ...]


@lru_cache(maxsize=65536)
def _org(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "").lower()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "()（）·-—")


_ORGANISATION_ENDINGS = ("公司", "集团", "厂", "研究院", "研究所", "大学", "学院", "中心", "医院", "协会", "学会")
_ENTITY_ENDINGS = ("公司", "集团", "厂")


def same_organisation(employer: str, enterprise: str) -> bool:
    return _same_org(_org(employer), _org(enterprise))


def _same_org(a: str, b: str) -> bool:
    """Conflict of interest: the expert works for the enterprise, or for a unit of it.

    Names are compared after NFKC, without spaces, brackets and dots. A longer name counts as the
    same organisation when it is the shorter, complete name plus a sub-unit (``…有限公司研究院``),
    not when the rest is another legal entity (``福州大学`` vs ``福州大学城建设有限公司``).
    """
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if not long_.startswith(short) or not short.endswith(_ORGANISATION_ENDINGS):
        return False
    return not long_[len(short) :].endswith(_ENTITY_ENDINGS)


def in_area(demand_region: str, code: str) -> bool:
    """``code`` lies in the demand's own area: the same county, or anywhere in a city-level demand's city."""
    return code == demand_region or (is_city(demand_region) and city_of(code) == demand_region)


def in_city(demand_region: str, code: str) -> bool:
    """``code`` lies in the demand's prefecture-level city."""
    city = city_of(demand_region)
    return city is not None and city_of(code) == city


def region_bonus(demand_region: str, expert_region: str | None, policy: MatchPolicy) -> float:
    """A preference for experts near the demand (none for a province-wide demand or unknown codes)."""
    if not expert_region or not demand_region or demand_region == PROVINCE_CODE:
        return 0.0
    if in_area(demand_region, expert_region) and city_of(demand_region) is not None:
        return policy.region_bonus_same_area
    if in_city(demand_region, expert_region):
        return policy.region_bonus_same_city
    return 0.0


def _exclusion(card: repo.ExpertCard, load: int, enterprise_org: str) -> str | None:
    if card.capacity == 0:
        return "暂不接受对接（服务能力设为 0）"
    if load >= card.capacity:
        return f"已满负荷（在办 {load} 项，上限 {card.capacity} 项）"
    if _same_org(_org(card.employer), enterprise_org):
        return "与提出需求的企业同属一个单位（利益回避）"
    return None


def rank_experts(
    engine: MatchingEngine, inputs: MatchInputs, policy: MatchPolicy
) -> tuple[list[RankedExpert], list[ExcludedExpert], QueryEvidence, np.ndarray, ExpertIndex]:
    """All eligible candidates, best first, and the relevant ones a constraint excluded."""
    demand = inputs.demand
    index = engine.index
    if index is None:
        raise ServiceUnavailable(INDEX_NOT_READY)
    # In line, before the index is read (on its own thread it was slower: ``demand_vectors``).
    vector, passage_vectors = demand_vectors(engine.encoder, demand, passages=engine.weights.dense_passages > 0)
    query_ids = index.vocab.lookup(search_tokens(demand_text(demand)))
    evidence = gather_evidence(index, vector, query_ids, engine.weights, passage_vectors)
    weights = engine.weights
    relevance = {e: ev.relevance(weights) for e, ev in evidence.experts.items()}
    loads = inputs.loads
    enterprise_org = _org(demand.enterprise_name)
    cards = index.cards_of(relevance)
    active_societies = set(index.society_entries())
    ranked: list[RankedExpert] = []
    left_out: list[tuple[float, ExcludedExpert]] = []
    # Candidates come in relevance order and a preference multiplies by at most ``1 + max_bonus``:
    # once the next relevance cannot reach the ``needed``-th score, nothing below it can either.
    needed = max(policy.top_experts, MIN_RANKED)
    max_bonus = max(policy.region_bonus_same_area, policy.region_bonus_same_city, 0.0)
    best: list[float] = []  # min-heap of the ``needed`` best scores so far
    bonus_of: dict[str | None, float] = {}  # the demand's region preference, per expert region
    # Best relevance first, ties by id: a stable sort by relevance of the ids in ascending order.
    for expert_id in sorted(sorted(relevance), key=relevance.__getitem__, reverse=True):
        rel = relevance[expert_id]
        if len(best) >= needed and rel * (1 + max_bonus) < best[0]:
            break
        card = cards[expert_id]
        if card is None:  # removed by a sync since the evidence was gathered
            continue
        reason = _exclusion(card, loads.get(expert_id, 0), enterprise_org)
        if reason is not None:
            left_out.append((rel, ExcludedExpert(expert_id=expert_id, name=card.name, reason=reason)))
            continue
        bonus = bonus_of.get(card.region_code)
        if bonus is None:
            bonus = bonus_of[card.region_code] = region_bonus(demand.region_code, card.region_code, policy)
        societies = tuple(s for s in card.society_ids if s in active_societies)
        score = rel * (1 + bonus)
        ranked.append(RankedExpert(expert_id, score, rel, bonus, evidence.experts[expert_id], card, societies))
        if len(best) < needed:
            heapq.heappush(best, score)
        elif score > best[0]:
            heapq.heapreplace(best, score)
    ranked.sort(key=lambda r: (-r.score, r.expert_id))
    # Report only those a constraint kept out of the list the caller will see.
    cutoff = ranked[policy.top_experts - 1].score if len(ranked) >= policy.top_experts else 0.0
    excluded = [e for rel, e in left_out if rel >= cutoff][:MAX_EXCLUDED_SHOWN]
    return ranked, excluded, evidence, vector, index


def _rank_societies(
    inputs: MatchInputs,
    index: ExpertIndex,
    ranked: list[RankedExpert],
    evidence: QueryEvidence,
    policy: MatchPolicy,
) -> list[SocietyMatch]:
    dense = evidence.societies_dense
    candidates = set(dense) | set(evidence.societies_lexical)
    if not candidates:
        return []
    members: dict[int, list[RankedExpert]] = {}
    for r in ranked:
        for society_id in r.society_ids:
            members.setdefault(society_id, []).append(r)
    demand = inputs.demand
    best = ranked[0].score if ranked else 0.0
    stations = inputs.stations
    indexed = index.society_entries()
    names = {sid: indexed[sid] for sid in candidates if sid in indexed}
    region_name = inputs.region_names
    scored: list[tuple[float, SocietyMatch]] = []
    for society_id in candidates:
        if society_id not in names or society_id in inputs.barred_societies:
            continue
        profile = policy.society_profile_dense * dense.get(society_id, 0.0) + (
            policy.society_profile_lexical * evidence.societies_lexical.get(society_id, 0.0)
        )
        team = members.get(society_id, [])[: policy.team_size]
        member_score = sum(r.score for r in team) / (policy.team_size * best) if best > 0 else 0.0
        base = policy.society_weight_profile * profile + policy.society_weight_members * member_score
        codes = stations.get(society_id, [])
        near = any(in_area(demand.region_code, c) for c in codes)
        bonus = policy.station_bonus_same_area if near else policy.station_bonus_same_city if codes else 0.0
        score = base * (1 + bonus)
        reason = [f"学会业务与需求相关度 {profile:.2f}"]
        if team:
            reason.append(
                f"{len(members[society_id])} 位相关会员专家，推荐团队：" + "、".join(r.card.name for r in team)
            )
        else:
            reason.append("暂无可用的相关会员专家")
        if codes:
            where = "、".join(region_name.get(c, c) for c in codes[:3])
            reason.append(f"在{where}设有服务站")
        scored.append(
            (
                score,
                SocietyMatch(
                    rank=0,
                    society_id=society_id,
                    code=names[society_id][0],
                    name=names[society_id][1],
                    score=round(score, 6),
                    score_parts={
                        "profile": round(policy.society_weight_profile * profile, 6),
                        "members": round(policy.society_weight_members * member_score, 6),
                        "station": round(base * bonus, 6),
                    },
                    has_station_in_region=near,
                    team=[
                        TeamMember(
                            expert_id=r.expert_id,
                            name=r.card.name,
                            role="leader" if i == 0 else "member",
                            score=round(r.score, 6),
                        )
                        for i, r in enumerate(team)
                    ],
                    reason="；".join(reason),
                ),
            )
        )
    scored.sort(key=lambda t: (-t[0], t[1].society_id))
    out = [m for _, m in scored[: policy.top_societies]]
    for i, m in enumerate(out, 1):
        m.rank = i
    return out


def _field_item(r: RankedExpert, texts: dict[int, str | None]) -> str | None:
    item = r.evidence.best_item
    return texts.get(item) if item is not None else None


def read_match_inputs(session: Session, engine: MatchingEngine, demand_id: int) -> MatchInputs:
    """The database half of a match: a few short reads, nothing written."""
    demand = repo.demand_record(session, demand_id)
    if demand is None:
        raise NotFound(f"需求 {demand_id} 不存在")
    if engine.index is None:
        # Building takes from seconds to minutes and belongs to the index keeper or `zhuli index`
        # (matching.maintenance), never to a request.
        raise ServiceUnavailable(INDEX_NOT_READY)
    city = city_of(demand.region_code)
    stations = repo.stations_in(session, codes_in_city(city)) if city is not None else {}
    return MatchInputs(
        demand,
        repo.open_loads(session),
        stations,
        engine.region_names(session),
        repo.barred_society_ids(session),
    )


def match_demand(
    session: Session,
    engine: MatchingEngine,
    demand_id: int,
    *,
    top_experts: int | None = None,
    top_societies: int | None = None,
    policy: MatchPolicy | None = None,
    explain: bool = True,
) -> MatchResult:
    """Ranked experts and societies for a demand, inside the caller's session (reads only)."""
    policy = (policy or engine.policy).with_sizes(top_experts, top_societies)
    return rank_match(engine, read_match_inputs(session, engine, demand_id), policy=policy, explain=explain)


def rank_match(
    engine: MatchingEngine,
    inputs: MatchInputs,
    *,
    top_experts: int | None = None,
    top_societies: int | None = None,
    policy: MatchPolicy | None = None,
    explain: bool = True,
) -> MatchResult:
    """Ranked experts and societies with score parts and reasons, from the index alone (no database).

    ``explain=False`` leaves out keywords, supporting works and reasons (the evaluation ranks 1000
    experts per demand and needs only the order).
    """
    with MATCH_SECONDS.time():
        return _rank_match(engine, inputs, top_experts, top_societies, policy, explain)


def _rank_match(
    engine: MatchingEngine,
    inputs: MatchInputs,
    top_experts: int | None,
    top_societies: int | None,
    policy: MatchPolicy | None,
    explain: bool,
) -> MatchResult:
    policy = (policy or engine.policy).with_sizes(top_experts, top_societies)
    demand = inputs.demand
    ranked, excluded, evidence, vector, index = rank_experts(engine, inputs, policy)
    top = ranked[: policy.top_experts]
    explained = top if explain else []
    region_name = inputs.region_names
    best_works = supporting_works(index, evidence, vector, [r.expert_id for r in explained], engine.weights)
    labels = index.labels_of(w for ws in best_works.values() for w, _ in ws)
    items = index.item_texts(
        r.evidence.best_item
        for r in explained
        if r.evidence.best_item is not None and r.evidence.best_item_value >= STRONG_ITEM
    )
    words = (
        [(w, i) for w in query_words(demand.keywords, demand_text(demand)) for i in index.vocab.lookup([w])]
        if explain
        else []
    )
    experts: list[ExpertMatch] = []
    for rank, r in enumerate(top, 1):
        works = [
            SupportingWork(id=w, title=label[0], year=label[1], kind=label[2], score=round(s, 4))
            for w, s in best_works.get(r.expert_id, [])
            if (label := labels.get(w)) is not None
        ]
        keywords = matched_keywords(index, r.expert_id, words) if explain else []
        parts = {k: round(v, 6) for k, v in r.evidence.parts(engine.weights).items()}
        parts["region"] = round(r.relevance * r.bonus, 6)
        region = region_name.get(r.card.region_code or "") if r.bonus > 0 else None
        experts.append(
            ExpertMatch(
                rank=rank,
                expert_id=r.expert_id,
                name=r.card.name,
                title=r.card.title,
                employer=r.card.employer,
                region_code=r.card.region_code,
                score=round(r.score, 6),
                score_parts=parts,
                matched_keywords=keywords,
                supporting_works=works,
                society_ids=list(r.society_ids),
                reason=expert_reason(keywords, works, region, _field_item(r, items)) if explain else "",
            )
        )
    societies = _rank_societies(inputs, index, ranked, evidence, policy) if policy.top_societies > 0 else []
    return MatchResult(
        demand_id=demand.id,
        model=index.model_id,
        index_watermark=index.watermark,
        experts=experts,
        societies=societies,
        excluded=excluded,
        query_keywords=[w for w, _ in words][:20],
    )
