"""The whole demo as plain data: enterprises, experts and demands with their workflow history.

:func:`build_dataset` is pure and deterministic (one seeded ``random.Random``, fixed dates), so
every load, every test and every newcomer sees exactly the same demo.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from demo import lifecycle as lc
from demo.catalog import INDUSTRY_OF, SUBFIELDS
from demo.demand_text import compose
from demo.enterprises import EnterpriseSpec, generate_enterprises, government_enterprises
from demo.experts import ExpertPlan, generate_experts
from demo.government import GOVERNMENT_DEMANDS, GovernmentDemand
from demo.notices import notices_for
from models import DemandCategory, DemandStatus, DockingStatus, OfferStatus, Role

SEED = 20161103
D = DemandStatus

STATUS_COUNTS: dict[DemandStatus, int] = {
    D.DRAFT: 10,
    D.SUBMITTED: 16,
    D.RETURNED: 9,
    D.REJECTED: 7,
    D.APPROVED: 6,
    D.OFFERED: 24,
    D.UNMATCHED: 10,
    D.ACCEPTED: 12,
    D.DOCKED: 14,
    D.CONTRACTED: 14,
    D.COMPLETED: 12,
    D.CLOSED: 22,
    D.WITHDRAWN: 10,
}
CATEGORY_WEIGHTS: dict[DemandCategory, int] = {
    DemandCategory.KEY_TECHNOLOGY: 40,
    DemandCategory.RESEARCH: 18,
    DemandCategory.CONSULTING: 12,
    DemandCategory.PLATFORM: 10,
    DemandCategory.PROMOTION: 11,
    DemandCategory.ENTREPRENEURSHIP: 9,
}


@dataclass(slots=True)
class DemandPlan:
    enterprise_key: str
    region_code: str
    subfield: str
    industry: str
    is_government: bool
    title: str
    description: str
    category: DemandCategory | None
    keywords: list[str]
    budget_min: Decimal | None
    budget_max: Decimal | None
    deadline: date | None
    attachments: list[dict[str, Any]]
    status: DemandStatus
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    status_reason: str | None
    created_at: datetime
    submitted_at: datetime | None
    status_changed_at: datetime
    offers: list[lc.OfferPlan] = field(default_factory=list)
    docking: lc.DockingPlan | None = None
    events: list[lc.EventPlan] = field(default_factory=list)
    notifications: list[lc.NotificationPlan] = field(default_factory=list)
    seq: int = 0


@dataclass(frozen=True, slots=True)
class DemoDataset:
    enterprises: tuple[EnterpriseSpec, ...]
    """Enterprises and government bodies."""
    experts: tuple[ExpertPlan, ...]
    demands: tuple[DemandPlan, ...]


@lru_cache(maxsize=1)
def build_dataset() -> DemoDataset:
    rng = random.Random(SEED)
    firms = generate_enterprises(rng)
    governments = government_enterprises(rng)
    experts = generate_experts(rng, firms)
    demands = plan_demands(rng, firms, governments, experts)
    return DemoDataset(tuple(firms + governments), tuple(experts), tuple(demands))


def _categories(rng: random.Random, n: int) -> list[DemandCategory]:
    total = sum(CATEGORY_WEIGHTS.values())
    result = [c for c, w in CATEGORY_WEIGHTS.items() for _ in range(max(1, round(n * w / total)))]
    while len(result) < n:
        result.append(DemandCategory.KEY_TECHNOLOGY)
    result = result[:n]
    rng.shuffle(result)
    return result


def _fits(owner: EnterpriseSpec, category: DemandCategory) -> bool:
    """Start-up help is for small firms and cooperatives; industry-wide research is led by big ones."""
    staff = int(owner.profile.get("employees", 100))
    if category is DemandCategory.ENTREPRENEURSHIP:
        return staff <= 60
    if category is DemandCategory.RESEARCH:
        return staff >= 120
    return True


def _sized(owners: list[EnterpriseSpec], categories: list[DemandCategory]) -> list[DemandCategory]:
    """Swap categories between demands until each fits the size of the firm raising it."""
    result = list(categories)
    for a, owner in enumerate(owners):
        if _fits(owner, result[a]):
            continue
        for b, other in enumerate(owners):
            if _fits(owner, result[b]) and _fits(other, result[a]):
                result[a], result[b] = result[b], result[a]
                break
    return result


def plan_demands(
    rng: random.Random,
    firms: list[EnterpriseSpec],
    governments: list[EnterpriseSpec],
    experts: list[ExpertPlan],
) -> list[DemandPlan]:
    pool = lc.ExpertPool(experts)
    ratings = lc.RatingDeck()
    remaining = Counter(STATUS_COUNTS)
    for gd in GOVERNMENT_DEMANDS:
        remaining[gd.status] -= 1
    statuses = list(remaining.elements())
    rng.shuffle(statuses)
    # Every enterprise raises one demand; the rest go to enterprises at random, at most three each.
    owners = list(firms)
    per_firm = Counter(f.key for f in firms)
    while len(owners) < len(statuses):
        firm = rng.choice(firms)
        if per_firm[firm.key] < 3:
            per_firm[firm.key] += 1
            owners.append(firm)
    categories = _sized(owners, _categories(rng, len(statuses)))
    used_subfields: dict[str, set[str]] = {}
    plans: list[DemandPlan] = []
    for owner, status, category in zip(owners, statuses, categories, strict=True):
        taken = used_subfields.setdefault(owner.key, set())
        fresh = [k for k in owner.focus if k not in taken] or list(owner.focus)
        subfield = rng.choice(fresh)
        taken.add(subfield)
        plans.append(_enterprise_demand(rng, pool, ratings, owner, subfield, status, category))
    by_name = {g.name: g for g in governments}
    plans.extend(_government_demand(rng, pool, ratings, by_name[gd.government], gd) for gd in GOVERNMENT_DEMANDS)
    plans.sort(key=lambda p: p.created_at)
    for seq, plan in enumerate(plans, start=1):
        plan.seq = seq
    return plans


def _enterprise_demand(
    rng: random.Random,
    pool: lc.ExpertPool,
    ratings: lc.RatingDeck,
    owner: EnterpriseSpec,
    subfield: str,
    status: DemandStatus,
    category: DemandCategory,
) -> DemandPlan:
    industry = INDUSTRY_OF[subfield]
    path = lc.status_path(rng, status)
    times = lc.timeline(rng, path)
    text = compose(
        rng,
        owner,
        industry,
        SUBFIELDS[subfield],
        category,
        times[0].date(),
        with_contact_in_text=status is not D.DRAFT and rng.random() < 0.22,
    )
    plan = DemandPlan(
        enterprise_key=owner.key,
        region_code=owner.region_code,
        subfield=subfield,
        industry=industry.label,
        is_government=False,
        title=text.title,
        description=text.description,
        category=None if status is D.DRAFT and rng.random() < 0.4 else category,
        keywords=[] if status is D.DRAFT else text.keywords,
        budget_min=text.budget_min,
        budget_max=text.budget_max,
        deadline=text.deadline,
        attachments=text.attachments,
        status=status,
        contact_name=owner.contact_name,
        contact_phone=owner.contact_phone if status is not D.DRAFT or rng.random() < 0.5 else None,
        contact_email=text.contact_email,
        status_reason=None,
        created_at=times[0],
        submitted_at=None,
        status_changed_at=times[-1],
    )
    _walk(rng, pool, ratings, plan, owner, path, times)
    return plan


def _government_demand(
    rng: random.Random, pool: lc.ExpertPool, ratings: lc.RatingDeck, government: EnterpriseSpec, gd: GovernmentDemand
) -> DemandPlan:
    sf = SUBFIELDS[gd.subfield]
    path = lc.status_path(rng, gd.status)
    times = lc.timeline(rng, path)
    vocabulary = [*sf.terms, *sf.topics, *sf.issues, *sf.methods]
    keywords = [w for w in dict.fromkeys(vocabulary) if w in gd.description or w in gd.title][:6]
    low, high = gd.budget_wan or (None, None)
    plan = DemandPlan(
        enterprise_key=government.key,
        region_code=government.region_code,
        subfield=gd.subfield,
        industry=INDUSTRY_OF[gd.subfield].label,
        is_government=True,
        title=gd.title,
        description=gd.description,
        category=gd.category,
        keywords=keywords or list(sf.terms[:3]),
        budget_min=None if low is None else Decimal(low * 10_000),
        budget_max=None if high is None else Decimal(high * 10_000),
        deadline=(times[0] + timedelta(days=rng.randrange(180, 420))).date() if rng.random() < 0.7 else None,
        attachments=[{"name": f"{gd.title}需求说明.pdf", "size": rng.randrange(200_000, 2_000_000)}],
        status=gd.status,
        contact_name=government.contact_name,
        contact_phone=government.contact_phone,
        contact_email=None,
        status_reason=None,
        created_at=times[0],
        submitted_at=None,
        status_changed_at=times[-1],
    )
    _walk(rng, pool, ratings, plan, government, path, times)
    return plan


def _walk(
    rng: random.Random,
    pool: lc.ExpertPool,
    ratings: lc.RatingDeck,
    plan: DemandPlan,
    owner: EnterpriseSpec,
    path: list[DemandStatus],
    times: list[datetime],
) -> None:
    """Fill in events, offers, the docking and the last notifications along ``path``."""
    enterprise: lc.ActorRef = (Role.ENTERPRISE, owner.key)
    local: lc.ActorRef = (Role.LOCAL_ASSOCIATION, owner.region_code)
    candidates = lc.society_candidates(pool, plan.subfield)
    needs_team = D.ACCEPTED in path
    staffable = [c for c in candidates if pool.can_staff(c, plan.subfield, owner.name)]
    if needs_team and not staffable:
        raise AssertionError(f"demo catalog: no society can staff a team for {plan.subfield}")
    reserved = staffable[0] if needs_team else None
    offered_rounds = path.count(D.OFFERED)
    topic = SUBFIELDS[plan.subfield].topics[0]
    current: list[lc.OfferPlan] = []
    round_ = 0
    for index, state in enumerate(path):
        prev = path[index - 1] if index else None
        at = times[index]
        actor = enterprise
        data: dict[str, Any] = {}
        reason = lc.reason_for(rng, state, topic)
        if state is D.SUBMITTED and plan.submitted_at is None:
            plan.submitted_at = at
        if state in (D.RETURNED, D.REJECTED, D.APPROVED, D.DOCKED):
            actor = local
        if state is D.OFFERED:
            round_ += 1
            actor = (Role.SYSTEM, None) if prev is D.APPROVED else (Role.CENTER, None)
            reason = None if prev is D.APPROVED else "省科技咨询服务中心重新推荐学会。"
            used = {o.society_code for o in plan.offers}
            final = round_ == offered_rounds
            free = [c for c in candidates if c not in used and (final or c != reserved)]
            # Leave a society for each later round (a re-routed demand goes to societies not asked yet).
            room = max(1, len(free) - (offered_rounds - round_))
            chosen = free[: min(room, rng.choices((1, 2, 3), weights=(20, 45, 35))[0])]
            if final and reserved is not None and reserved not in chosen:
                chosen = [reserved, *chosen[:-1]] if chosen else [reserved]
            if not chosen:
                raise AssertionError(f"demo catalog: no society left to offer {plan.subfield} to")
            current = [
                lc.make_offer(rng, pool, c, plan.subfield, plan.keywords, owner.name, round_, rank, at)
                for rank, c in enumerate(chosen, start=1)
            ]
            plan.offers.extend(current)
            data = {"round": round_, "societies": chosen}
        elif state is D.UNMATCHED:
            actor = (Role.SYSTEM, None)
            lc.close_unanswered(rng, current, at)
        elif state is D.ACCEPTED:
            able = [o for o in current if pool.can_staff(o.society_code, plan.subfield, owner.name)]
            offer = able[0] if rng.random() < 0.7 else rng.choice(able)
            team = pool.team(rng, offer.society_code, plan.subfield, owner.name)
            for code in team:
                pool.load[code] = pool.load.get(code, 0) + 1
            offer.status, offer.responded_at = OfferStatus.ACCEPTED, at
            offer.response_note = f"本会已组建{len(team)}人专家团队承接。"
            for other in current:
                if other is offer:
                    continue
                if rng.random() < 0.5:
                    other.status = OfferStatus.DECLINED
                    other.responded_at = other.created_at + (at - other.created_at) * rng.uniform(0.2, 0.9)
                    other.response_note = rng.choice(lc._DECLINE_NOTES)
                else:
                    other.status, other.responded_at = OfferStatus.WITHDRAWN, at
                    other.response_note = "其他学会已接单，推荐自动撤回。"
            roles = [(code, "leader" if i == 0 else "member") for i, code in enumerate(team)]
            plan.docking = lc.DockingPlan(
                plan.offers.index(offer), offer.society_code, DockingStatus.PROPOSED, roles, at
            )
            actor = (Role.SOCIETY, offer.society_code)
            data = {"society": offer.society_code, "team": team}
        elif state is D.DOCKED and plan.docking is not None:
            plan.docking.status, plan.docking.confirmed_at = DockingStatus.CONFIRMED, at
        elif state is D.CONTRACTED and plan.docking is not None:
            amount = _agreement_amount(rng, plan)
            plan.docking.status = DockingStatus.CONTRACTED
            plan.docking.agreement_signed_on = at.astimezone(lc.CST).date()
            plan.docking.agreement_amount = amount
            data = {"amount": str(amount)}
        elif state is D.COMPLETED and plan.docking is not None:
            plan.docking.status, plan.docking.completed_at = DockingStatus.COMPLETED, at
            plan.docking.outcome = lc.outcome_text(rng, plan.subfield, plan.category)
            actor = (Role.SOCIETY, plan.docking.society_code)
        elif state is D.CLOSED and plan.docking is not None:
            stars, comment = ratings.draw(rng)
            plan.docking.status, plan.docking.closed_at = DockingStatus.CLOSED, at
            plan.docking.rating, plan.docking.rating_comment = stars, comment
            reason, data = comment, {"rating": stars}
        elif state is D.WITHDRAWN:
            for offer in current:
                if offer.status is OfferStatus.PENDING:
                    offer.status, offer.responded_at = OfferStatus.WITHDRAWN, at
                    offer.response_note = "企业已撤回需求。"
            if plan.docking is not None:
                plan.docking.status = DockingStatus.CANCELLED
        plan.events.append(lc.EventPlan(lc.action_for(prev, state), prev, state, actor, at, reason, data))
    if plan.docking is not None and plan.status not in (D.ACCEPTED, D.DOCKED, D.CONTRACTED):
        for code, _ in plan.docking.team:
            pool.load[code] -= 1
    plan.status_reason = plan.events[-1].reason if plan.status in (D.RETURNED, D.REJECTED, D.WITHDRAWN) else None
    plan.notifications.extend(notices_for(plan, enterprise, local))


def _agreement_amount(rng: random.Random, plan: DemandPlan) -> Decimal:
    if plan.budget_max is not None:
        low = plan.budget_min if plan.budget_min is not None else plan.budget_max * Decimal("0.5")
        value = rng.uniform(float(low), float(plan.budget_max))
    else:
        value = rng.uniform(30_000, 500_000)
    return Decimal(int(value) // 1000 * 1000)
