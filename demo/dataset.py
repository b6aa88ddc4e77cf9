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

from core.settings import get_settings
from demo.catalog import INDUSTRY_OF, SUBFIELDS
from demo.demand_text import compose, outcome_text
from demo.enterprises import EnterpriseSpec, generate_enterprises, government_enterprises
from demo.experts import ExpertPlan, generate_experts
from demo.government import GOVERNMENT_DEMANDS, GovernmentDemand
from demo.plan import RatingDeck, Step, Wording, plan_history
from models import DemandCategory, DemandStatus

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
    """The status the history ends in."""
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    steps: list[Step] = field(default_factory=list)
    """The moves, in time order (the first creates the draft), planned against :data:`demo.plan.REFERENCE`."""
    seq: int = 0

    @property
    def created_at(self) -> datetime:
        return self.steps[0].at


@dataclass(frozen=True, slots=True)
class DemoDataset:
    enterprises: tuple[EnterpriseSpec, ...]
    """Enterprises and government bodies."""
    experts: tuple[ExpertPlan, ...]
    demands: tuple[DemandPlan, ...]


@lru_cache(maxsize=4)
def build_dataset(offer_hours: int | None = None) -> DemoDataset:
    """The demo; offers are planned to be answered within ``offer_hours`` (default: the workflow setting)."""
    hours = offer_hours if offer_hours is not None else get_settings().workflow.offer_deadline_hours
    rng = random.Random(SEED)
    firms = generate_enterprises(rng)
    governments = government_enterprises(rng)
    experts = generate_experts(rng, firms)
    demands = plan_demands(rng, firms, governments, hours)
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
    rng: random.Random, firms: list[EnterpriseSpec], governments: list[EnterpriseSpec], offer_hours: int
) -> list[DemandPlan]:
    ratings = RatingDeck()
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
        plans.append(_enterprise_demand(rng, ratings, owner, subfield, status, category, offer_hours))
    by_name = {g.name: g for g in governments}
    plans.extend(_government_demand(rng, ratings, by_name[gd.government], gd, offer_hours) for gd in GOVERNMENT_DEMANDS)
    plans.sort(key=lambda p: p.created_at)
    for seq, plan in enumerate(plans, start=1):
        plan.seq = seq
    return plans


def _history(
    rng: random.Random, ratings: RatingDeck, status: DemandStatus, subfield: str, offer_hours: int
) -> list[Step]:
    sf = SUBFIELDS[subfield]
    return plan_history(rng, status, Wording(sf.topics[0], sf.issues[0]), ratings, offer_hours=offer_hours)


def _enterprise_demand(
    rng: random.Random,
    ratings: RatingDeck,
    owner: EnterpriseSpec,
    subfield: str,
    status: DemandStatus,
    category: DemandCategory,
    offer_hours: int,
) -> DemandPlan:
    industry = INDUSTRY_OF[subfield]
    steps = _history(rng, ratings, status, subfield, offer_hours)
    text = compose(
        rng,
        owner,
        industry,
        SUBFIELDS[subfield],
        category,
        steps[0].at.date(),
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
        steps=steps,
    )
    _decide_docking(rng, plan)
    return plan


def _government_demand(
    rng: random.Random, ratings: RatingDeck, government: EnterpriseSpec, gd: GovernmentDemand, offer_hours: int
) -> DemandPlan:
    sf = SUBFIELDS[gd.subfield]
    steps = _history(rng, ratings, gd.status, gd.subfield, offer_hours)
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
        deadline=(steps[0].at + timedelta(days=rng.randrange(180, 420))).date() if rng.random() < 0.7 else None,
        attachments=[{"name": f"{gd.title}需求说明.pdf", "size": rng.randrange(200_000, 2_000_000)}],
        status=gd.status,
        contact_name=government.contact_name,
        contact_phone=government.contact_phone,
        contact_email=None,
        steps=steps,
    )
    _decide_docking(rng, plan)
    return plan


def _decide_docking(rng: random.Random, plan: DemandPlan) -> None:
    """What the agreement says and what the cooperation achieved (the parties' own words)."""
    for step in plan.steps:
        if step.action == "record_agreement":
            step.data["amount"] = str(_agreement_amount(rng, plan))
        elif step.action == "report_outcome":
            step.reason = outcome_text(rng, plan.subfield, plan.category)


def _agreement_amount(rng: random.Random, plan: DemandPlan) -> Decimal:
    if plan.budget_max is not None:
        low = plan.budget_min if plan.budget_min is not None else plan.budget_max * Decimal("0.5")
        value = rng.uniform(float(low), float(plan.budget_max))
    else:
        value = rng.uniform(30_000, 500_000)
    return Decimal(int(value) // 1000 * 1000)
