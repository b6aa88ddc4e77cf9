"""Walk each demo demand through the workflow: timeline, audit chain, offers, docking and notices.

Everything here is planned on natural keys (society codes, expert codes, credit codes) so the plan is
pure and deterministic; the loader resolves the keys to ids.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from demo.catalog import INDUSTRY_OF, SUBFIELDS
from demo.experts import ExpertPlan
from demo.people import EmployerKind
from demo.societies import SOCIETY_BY_CODE
from models import DemandCategory, DemandStatus, DockingStatus, OfferStatus, Role

D = DemandStatus
CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=CST).astimezone(UTC)
"""The demo's "today": every timestamp lies before it."""
EARLIEST = datetime(2026, 1, 5, 9, 0, tzinfo=CST).astimezone(UTC)
OFFER_DAYS = 7

ActorRef = tuple[Role, str | None]
"""(role, natural key): enterprise credit code, region code, society code, or None."""


@dataclass(slots=True)
class EventPlan:
    action: str
    from_state: DemandStatus | None
    to_state: DemandStatus
    actor: ActorRef
    at: datetime
    reason: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class OfferPlan:
    society_code: str
    round: int
    rank: int
    score: float
    score_parts: dict[str, float]
    explanation: dict[str, Any]
    expert_codes: list[str]
    status: OfferStatus
    created_at: datetime
    deadline_at: datetime
    responded_at: datetime | None = None
    response_note: str | None = None


@dataclass(slots=True)
class DockingPlan:
    offer_index: int
    society_code: str
    status: DockingStatus
    team: list[tuple[str, str]]
    """(expert code, role) with the leader first."""
    created_at: datetime
    confirmed_at: datetime | None = None
    agreement_signed_on: date | None = None
    agreement_amount: Decimal | None = None
    outcome: str | None = None
    completed_at: datetime | None = None
    rating: int | None = None
    rating_comment: str | None = None
    closed_at: datetime | None = None


@dataclass(slots=True)
class NotificationPlan:
    recipient: ActorRef
    kind: str
    payload: dict[str, Any]
    at: datetime


_GAPS: dict[DemandStatus, tuple[float, float]] = {
    D.SUBMITTED: (0.05, 2),
    D.RETURNED: (1, 5),
    D.REJECTED: (1, 5),
    D.APPROVED: (1, 5),
    D.OFFERED: (0.002, 0.004),
    D.UNMATCHED: (OFFER_DAYS, OFFER_DAYS + 0.3),
    D.ACCEPTED: (1, 6),
    D.DOCKED: (1, 5),
    D.CONTRACTED: (7, 30),
    D.COMPLETED: (30, 120),
    D.CLOSED: (2, 15),
    D.WITHDRAWN: (2, 30),
}
_RECENCY: dict[DemandStatus, tuple[float, float]] = {
    D.DRAFT: (0, 5),
    D.SUBMITTED: (0, 4),
    D.RETURNED: (1, 15),
    D.REJECTED: (3, 150),
    D.APPROVED: (0, 0.05),
    D.OFFERED: (0, 5),
    D.UNMATCHED: (1, 20),
    D.ACCEPTED: (0, 4),
    D.DOCKED: (3, 40),
    D.CONTRACTED: (5, 80),
    D.COMPLETED: (1, 12),
    D.CLOSED: (3, 120),
    D.WITHDRAWN: (2, 120),
}
_ACTIONS: dict[tuple[DemandStatus | None, DemandStatus], str] = {
    (None, D.DRAFT): "create",
    (D.DRAFT, D.SUBMITTED): "submit",
    (D.RETURNED, D.SUBMITTED): "resubmit",
    (D.SUBMITTED, D.RETURNED): "return",
    (D.SUBMITTED, D.REJECTED): "reject",
    (D.SUBMITTED, D.APPROVED): "approve",
    (D.APPROVED, D.OFFERED): "offer",
    (D.OFFERED, D.UNMATCHED): "unmatch",
    (D.UNMATCHED, D.OFFERED): "reroute",
    (D.OFFERED, D.ACCEPTED): "accept",
    (D.ACCEPTED, D.DOCKED): "confirm_docking",
    (D.DOCKED, D.CONTRACTED): "sign_agreement",
    (D.CONTRACTED, D.COMPLETED): "complete",
    (D.COMPLETED, D.CLOSED): "close",
}
_RETURN_REASONS = (
    "需求描述不够具体，请补充{t}的现有工艺参数和检测数据。",
    "请补充预算范围和期望完成时间。",
    "请补充企业基本情况（主营产品、规模）及联系人信息。",
    "需求中包含多个方向，请拆分为单项技术需求后重新提交。",
)
_REJECT_REASONS = (
    "该需求属于设备采购，不属于助力工程受理的技术需求范围。",
    "需求与本地区已对接项目重复，请在原项目中补充。",
    "内容以产品推广为主，不符合助力工程受理范围。",
    "经核实企业已迁出本地区，请向所在地科协提交。",
)
_WITHDRAW_REASONS = (
    "企业已自行解决。",
    "项目计划调整，暂缓实施。",
    "已与其他高校达成合作。",
    "企业经营调整，暂不需要。",
)
_DECLINE_NOTES = (
    "本会暂无该方向可承接的专家。",
    "相关专家近期任务已满，建议转其他学会。",
    "需求超出本会专业范围。",
    "专家评估后认为需求尚不具备实施条件。",
)
_RATING_COMMENTS = {
    5: ("专家非常专业，问题解决得很彻底。", "响应快、方案实用，已经推广到其他车间。", "非常满意，希望长期合作。"),
    4: ("效果不错，后续还想继续合作。", "基本达到预期，个别指标还需优化。"),
    3: ("问题基本解决，响应速度可以再快一些。", "方案可行，但落地指导偏少。"),
    2: ("进度拖延较多，效果一般。",),
    1: ("专家来过一次就没有下文了。",),
}


def _snap(at: datetime, rng: random.Random, after: datetime | None, system: bool) -> datetime:
    """Move a timestamp into Beijing office hours, strictly after ``after``."""
    if system and after is not None:
        return after + timedelta(minutes=rng.randrange(1, 6))
    local = at.astimezone(CST)
    local = local.replace(hour=rng.randrange(9, 18), minute=rng.randrange(60), second=rng.randrange(60))
    snapped = local.astimezone(UTC)
    if after is not None and snapped <= after:
        snapped = after + timedelta(minutes=rng.randrange(20, 180))
    snapped = min(snapped, NOW - timedelta(minutes=1))
    return snapped if after is None else max(snapped, after + timedelta(minutes=1))


def status_path(rng: random.Random, status: DemandStatus) -> list[DemandStatus]:
    head = [D.DRAFT, D.SUBMITTED]
    if status is not D.DRAFT and rng.random() < 0.15:
        head = [D.DRAFT, D.SUBMITTED, D.RETURNED, D.SUBMITTED]
    offered = [D.APPROVED, D.OFFERED]
    if status in (D.OFFERED, D.ACCEPTED, D.DOCKED, D.CONTRACTED, D.COMPLETED, D.CLOSED) and rng.random() < 0.2:
        offered = [D.APPROVED, D.OFFERED, D.UNMATCHED, D.OFFERED]
    after_offer = [D.ACCEPTED, D.DOCKED, D.CONTRACTED, D.COMPLETED, D.CLOSED]
    if status is D.DRAFT:
        return [D.DRAFT]
    if status in (D.SUBMITTED, D.RETURNED, D.REJECTED, D.APPROVED):
        return head + ([] if status is D.SUBMITTED else [status])
    if status is D.OFFERED:
        return head + offered
    if status is D.UNMATCHED:
        return head + [D.APPROVED, D.OFFERED, D.UNMATCHED]
    if status in after_offer:
        return head + offered + after_offer[: after_offer.index(status) + 1]
    prefix = rng.choice(
        (head, head + [D.APPROVED, D.OFFERED], [D.DRAFT, D.SUBMITTED, D.RETURNED], head + offered + after_offer[:2])
    )
    return [*prefix, D.WITHDRAWN]


def _gap(rng: random.Random, prev: DemandStatus, state: DemandStatus) -> timedelta:
    if state is D.OFFERED and prev is D.UNMATCHED:
        return timedelta(days=rng.uniform(1, 3))  # the center re-routes within a few days
    return timedelta(days=rng.uniform(*_GAPS[state]))


def timeline(rng: random.Random, path: list[DemandStatus]) -> list[datetime]:
    """One timestamp per state in ``path`` (the first is the draft's creation), ending recently."""
    gaps = [_gap(rng, prev, state) for prev, state in zip(path, path[1:], strict=False)]
    rigid = [state is D.UNMATCHED for state in path[1:]]  # a round ends when its offers expire
    end = NOW - timedelta(days=rng.uniform(*_RECENCY[path[-1]]))
    total = sum(gaps, timedelta())
    if end - total < EARLIEST:
        fixed = sum((g for g, r in zip(gaps, rigid, strict=True) if r), timedelta())
        factor = (end - EARLIEST - fixed) / (total - fixed) * 0.9
        gaps = [g if r else g * factor for g, r in zip(gaps, rigid, strict=True)]
        total = sum(gaps, timedelta())
    times: list[datetime] = []
    cursor = end - total
    for index, state in enumerate(path):
        if index > 0:
            cursor = cursor + gaps[index - 1]
        after = times[-1] if times else None
        if state is D.UNMATCHED and after is not None:
            times.append(after + timedelta(days=OFFER_DAYS, minutes=rng.randrange(1, 30)))
            cursor = times[-1]
            continue
        system = state is D.OFFERED and path[index - 1] is D.APPROVED
        times.append(_snap(cursor, rng, after, system))
    return times


@dataclass(slots=True)
class ExpertPool:
    """Who can be proposed: experts by society and sub-field, with their current docking load."""

    plans: list[ExpertPlan]
    load: dict[str, int] = field(default_factory=dict)
    by_society: dict[str, list[ExpertPlan]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_society = {}
        for plan in self.plans:
            for code in plan.data.society_codes:
                self.by_society.setdefault(code, []).append(plan)

    def members(self, society: str, *, subfield: str | None = None, industry: str | None = None) -> list[ExpertPlan]:
        return [
            p
            for p in self.by_society.get(society, ())
            if (subfield is None or p.subfield == subfield) and (industry is None or p.industry == industry)
        ]

    def available(self, plan: ExpertPlan, employer_to_avoid: str) -> bool:
        data = plan.data
        return (
            data.is_active
            and data.capacity > 0
            and self.load.get(data.code, 0) < data.capacity
            and data.employer != employer_to_avoid
        )

    def _eligible(self, society: str, subfield: str, avoid: str) -> tuple[list[ExpertPlan], list[ExpertPlan]]:
        """Available members on the sub-field itself, and on its sibling sub-fields."""
        industry = INDUSTRY_OF[subfield].label
        near: list[ExpertPlan] = []
        wide: list[ExpertPlan] = []
        for p in self.members(society, industry=industry):
            if self.available(p, avoid):
                (near if p.subfield == subfield else wide).append(p)
        return near, wide

    def can_staff(self, society: str, subfield: str, avoid: str) -> bool:
        near, wide = self._eligible(society, subfield, avoid)
        return bool(near or wide)

    def team(self, rng: random.Random, society: str, subfield: str, avoid: str) -> list[str]:
        near, wide = self._eligible(society, subfield, avoid)
        rng.shuffle(near)
        rng.shuffle(wide)
        near.sort(key=lambda p: p.employer_kind is EmployerKind.ENTERPRISE)
        size = rng.choices((1, 2, 3), weights=(25, 45, 30))[0]
        return [p.data.code for p in (near + wide)[:size]]


def society_candidates(pool: ExpertPool, subfield: str) -> list[str]:
    """Societies that fit a sub-field, the ones with most members working on it first."""
    sf, industry = SUBFIELDS[subfield], INDUSTRY_OF[subfield]
    codes = list(dict.fromkeys(sf.societies + industry.societies))
    scored = [(len(pool.members(c, subfield=subfield)), -i, c) for i, c in enumerate(codes)]
    return [c for n, _, c in sorted(scored, reverse=True) if n > 0 or pool.members(c, industry=industry.label)]


def make_offer(
    rng: random.Random,
    pool: ExpertPool,
    society: str,
    subfield: str,
    keywords: list[str],
    avoid: str,
    round_: int,
    rank: int,
    at: datetime,
) -> OfferPlan:
    sf = SUBFIELDS[subfield]
    near = pool.members(society, subfield=subfield)
    proposed = [p for p in near if pool.available(p, avoid)][:3] or [
        p for p in pool.members(society, industry=INDUSTRY_OF[subfield].label) if pool.available(p, avoid)
    ][:3]
    dense = round(rng.uniform(0.55, 0.9) - 0.04 * (rank - 1), 3)
    bm25 = round(rng.uniform(0.35, 0.85) - 0.05 * (rank - 1), 3)
    coverage = round(min(1.0, len(near) / 5), 3)
    score = round(0.5 * dense + 0.3 * bm25 + 0.2 * coverage, 3)
    return OfferPlan(
        society_code=society,
        round=round_,
        rank=rank,
        score=score,
        score_parts={"dense": dense, "bm25": bm25, "coverage": coverage},
        explanation={
            "summary": f"{SOCIETY_BY_CODE[society].name}有{len(near)}位会员专家从事{sf.name}方向研究",
            "matched_terms": keywords[:4],
            "experts": [p.data.name for p in proposed],
        },
        expert_codes=[p.data.code for p in proposed],
        status=OfferStatus.PENDING,
        created_at=at,
        deadline_at=at + timedelta(days=OFFER_DAYS),
    )


def close_unanswered(rng: random.Random, offers: list[OfferPlan], at: datetime) -> None:
    """A round that ended unmatched: each offer was declined before ``at`` or expired."""
    for offer in offers:
        if rng.random() < 0.55:
            offer.status = OfferStatus.DECLINED
            span = max((at - offer.created_at).total_seconds(), 7200.0)
            offer.responded_at = offer.created_at + timedelta(seconds=rng.uniform(3600, span - 1800))
            offer.response_note = rng.choice(_DECLINE_NOTES)
        else:
            offer.status = OfferStatus.EXPIRED


def outcome_text(rng: random.Random, subfield: str, category: DemandCategory | None) -> str:
    sf = SUBFIELDS[subfield]
    visits, topic, method, goal = (
        rng.randrange(2, 9),
        rng.choice(sf.topics),
        rng.choice(sf.methods),
        rng.choice(sf.goals),
    )
    if category is DemandCategory.CONSULTING:
        return (
            f"专家组开展{visits}次实地调研，完成《{sf.name}咨询报告》，围绕{topic}提出{rng.randrange(5, 15)}条建议，"
            "已被委托方采纳并纳入工作计划。"
        )
    if category is DemandCategory.PLATFORM:
        return (
            f"与专家团队所在单位签订共建协议，挂牌成立{sf.name}联合研发中心，"
            f"首批开展{method}等{rng.randrange(2, 5)}个合作课题，联合培养技术骨干{rng.randrange(3, 12)}名。"
        )
    if category is DemandCategory.PROMOTION:
        return (
            f"专家团队完成{method}技术的现场培训{visits}场，技术已在企业{topic}生产中推广应用，{goal}的目标基本实现。"
        )
    if category is DemandCategory.ENTREPRENEURSHIP:
        return f"专家为创业团队提供{visits}次辅导，完成{topic}产品试制，团队已入驻孵化基地并获得首批订单。"
    return f"专家团队{visits}次赴现场指导，围绕{topic}采用{method}，{goal}的目标基本实现，相关工艺已在生产中稳定应用。"


class RatingDeck:
    """Enterprise ratings drawn without replacement from a realistic spread (mostly 4–5, a few low)."""

    SPREAD = (5,) * 9 + (4,) * 7 + (3,) * 3 + (2, 1)

    def __init__(self) -> None:
        self._deck: list[int] = []

    def draw(self, rng: random.Random) -> tuple[int, str]:
        if not self._deck:
            self._deck = list(self.SPREAD)
            rng.shuffle(self._deck)
        stars = self._deck.pop()
        return stars, rng.choice(_RATING_COMMENTS[stars])


def reason_for(rng: random.Random, state: DemandStatus, topic: str) -> str | None:
    if state is D.RETURNED:
        return rng.choice(_RETURN_REASONS).format(t=topic)
    if state is D.REJECTED:
        return rng.choice(_REJECT_REASONS)
    if state is D.WITHDRAWN:
        return rng.choice(_WITHDRAW_REASONS)
    if state is D.UNMATCHED:
        return "推荐的学会均已婉拒或超时未响应。"
    return None


def action_for(prev: DemandStatus | None, state: DemandStatus) -> str:
    return "withdraw" if state is D.WITHDRAWN else _ACTIONS[(prev, state)]
