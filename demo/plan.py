"""The plan of each demo demand's history: which moves, by whom, when, with which decisions.

The plan holds no copy of the workflow's rules: it says what the people involved decide (the
association approves, returns or rejects; a society declines, lets an offer run out or accepts with a
team of a given size; the enterprise rates) and when. :mod:`demo.replay` executes it through the
workflow's own service functions, and the workflow decides the rest (offers from the real matcher,
the next round, escalation, expiry, superseded offers, notifications).

Times are planned against :data:`REFERENCE`, a fixed "today"; the replay shifts them by whole days to
the real time of loading, so the content is the same on every load and only the timestamps move.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from core.clock import BEIJING
from models import DemandStatus

D = DemandStatus
CST = BEIJING  # the programme's calendar (core.clock)
REFERENCE = datetime(2026, 11, 20, 10, 0, tzinfo=CST).astimezone(UTC)
"""The plan's "today": every planned time lies before it."""
EARLIEST = datetime(2026, 1, 5, 9, 0, tzinfo=CST).astimezone(UTC)
SAFETY = timedelta(hours=30)
"""A pending offer's deadline lies at least this far past the plan's today (the load may come up to a
day after the shifted today)."""


@dataclass(slots=True)
class Step:
    """One move of the plan. ``action`` names the workflow service; ``round``/``position`` say which
    offer (the round's offers ordered by the matcher's rank) a society's answer is about."""

    at: datetime
    action: str
    reason: str | None = None
    round: int = 0
    position: int = 0
    data: dict[str, Any] = field(default_factory=dict)


_RETURN_REASONS = (
    "需求描述不够具体，请补充{t}的现有工艺参数和检测数据。",
    "请补充预算范围和期望完成时间。",
    "请补充企业基本情况（主营产品、规模）及联系人信息。",
    "需求中包含多个方向，请明确最急需解决的一项技术问题。",
)
_SUPPLEMENTS = (
    "已补充：{t}目前的工艺参数和近三个月的检测数据见附件，问题主要集中在{i}。",
    "预算约{b}万元，希望在半年内见到效果。",
    "公司主营{t}相关产品，员工约{n}人，联系人即本账号登记人。",
    "最急需解决的是{t}的{i}问题，其余方向暂不考虑。",
)
_REJECT_REASONS = (
    "该需求属于设备采购，不属于助力工程受理的技术需求范围。",
    "需求与本地区已对接项目重复，请在原项目中补充。",
    "内容以产品推广为主，不符合助力工程受理范围。",
    "经核实企业已迁出本地区，请向所在地科协提交。",
)
_APPROVE_NOTES = (None, None, "需求明确，同意推荐。", "符合助力工程受理范围。", None)
_WITHDRAW_REASONS = (
    "企业已自行解决。",
    "项目计划调整，暂缓实施。",
    "已与其他高校达成合作。",
    "企业经营调整，暂不需要。",
)
DECLINE_NOTES = (
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

_RECENCY: dict[DemandStatus, tuple[float, float]] = {
    D.DRAFT: (0, 5),
    D.SUBMITTED: (0, 4),
    D.RETURNED: (1, 15),
    D.REJECTED: (3, 150),
    D.APPROVED: (0, 0.05),
    D.OFFERED: (0, 2),
    D.UNMATCHED: (1, 20),
    D.ACCEPTED: (0, 1.5),
    D.DOCKED: (3, 40),
    D.CONTRACTED: (5, 80),
    D.COMPLETED: (1, 12),
    D.CLOSED: (3, 120),
    D.WITHDRAWN: (2, 120),
}
"""How long ago (days) the demand reached its final status."""
_GAPS: dict[str, tuple[float, float]] = {
    "submit": (0.05, 2),
    "return_for_info": (1, 5),
    "supplement": (1, 5),
    "reject": (1, 5),
    "approve": (1, 5),
    "confirm_docking": (1, 5),
    "record_agreement": (7, 30),
    "report_outcome": (30, 120),
    "rate": (2, 15),
    "close": (2, 15),
    "withdraw": (2, 30),
    "reroute": (1, 3),
}
"""Days between the previous move and this one (moves that people make)."""


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


@dataclass(frozen=True, slots=True)
class Wording:
    """Sub-field words the reasons and supplements are written with."""

    topic: str
    issue: str


def _office_hours(at: datetime, rng: random.Random) -> datetime:
    local = at.astimezone(CST)
    return local.replace(hour=rng.randrange(9, 18), minute=rng.randrange(60), second=rng.randrange(60)).astimezone(UTC)


class _Clock:
    """Walks forward from 0: human moves land in Beijing office hours, after the previous one."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.origin = EARLIEST + timedelta(days=400)  # any day: the whole walk is shifted afterwards
        self.now = self.origin

    def human(self, days: float) -> datetime:
        target = _office_hours(self.now + timedelta(days=days), self.rng)
        if target <= self.now:
            target = self.now + timedelta(minutes=self.rng.randrange(20, 180))
        self.now = target
        return target

    def exact(self, delta: timedelta) -> datetime:
        self.now = self.now + delta
        return self.now


def _head(rng: random.Random, clock: _Clock, words: Wording, returned: bool, *, final: bool = False) -> list[Step]:
    steps = [Step(clock.human(0), "create"), Step(clock.human(rng.uniform(*_GAPS["submit"])), "submit")]
    if returned:
        reason = rng.choice(_RETURN_REASONS).format(t=words.topic)
        steps.append(Step(clock.human(rng.uniform(*_GAPS["return_for_info"])), "return_for_info", reason))
        if not final:
            text = rng.choice(_SUPPLEMENTS).format(
                t=words.topic, i=words.issue, b=rng.randrange(5, 60), n=rng.randrange(30, 600)
            )
            steps.append(Step(clock.human(rng.uniform(*_GAPS["supplement"])), "supplement", text))
    return steps


def _failing_round(rng: random.Random, clock: _Clock, round_no: int, offer_hours: int) -> list[Step]:
    """Every society of the round declines or lets its offer run out; the round ends with the last."""
    start, deadline = clock.now, timedelta(hours=offer_hours)
    steps: list[Step] = []
    ends = []
    for position in range(1, 4):
        if rng.random() < 0.55:
            at = _office_hours(start + deadline * rng.uniform(0.1, 0.8), rng)
            at = min(max(at, start + timedelta(minutes=30)), start + deadline - timedelta(hours=1))
            steps.append(Step(at, "decline", rng.choice(DECLINE_NOTES), round=round_no, position=position))
            ends.append(at)
        else:
            ends.append(start + deadline + timedelta(minutes=5))
    end = max(ends)
    if end > start + deadline:
        steps.append(Step(end, "tick", round=round_no))  # the worker expires the offers
    steps.sort(key=lambda s: s.at)
    clock.now = end + timedelta(minutes=1)
    return steps


def _accepting_round(rng: random.Random, clock: _Clock, round_no: int, offer_hours: int) -> list[Step]:
    """One society accepts (the best-ranked one mostly); some others declined before."""
    start, deadline = clock.now, timedelta(hours=offer_hours)
    at = _office_hours(start + deadline * rng.uniform(0.15, 0.75), rng)
    at = min(max(at, start + timedelta(minutes=40)), start + deadline - timedelta(hours=2))
    position = 1 if rng.random() < 0.7 else 2
    steps = []
    for other in range(1, 4):
        if other != position and rng.random() < 0.5:
            when = start + (at - start) * rng.uniform(0.2, 0.9)
            steps.append(Step(when, "decline", rng.choice(DECLINE_NOTES), round=round_no, position=other))
    size = rng.choices((1, 2, 3), weights=(25, 45, 30))[0]
    steps.append(Step(at, "accept", round=round_no, position=position, data={"team_size": size}))
    steps.sort(key=lambda s: s.at)
    clock.now = at
    return steps


def plan_history(
    rng: random.Random, status: DemandStatus, words: Wording, ratings: RatingDeck, *, offer_hours: int
) -> list[Step]:
    """The moves that bring a new demand to ``status``, timed to end ``_RECENCY`` days before today."""
    clock = _Clock(rng)
    returned = status is D.RETURNED or (status is not D.DRAFT and rng.random() < 0.15)
    steps: list[Step] = []
    if status is D.DRAFT:
        steps = [Step(clock.human(0), "create")]
    elif status in (D.SUBMITTED, D.RETURNED):
        steps = _head(rng, clock, words, returned, final=status is D.RETURNED)
    elif status is D.REJECTED:
        steps = _head(rng, clock, words, returned)
        steps.append(Step(clock.human(rng.uniform(*_GAPS["reject"])), "reject", rng.choice(_REJECT_REASONS)))
    elif status is D.WITHDRAWN:
        steps = _withdrawn(rng, clock, words, returned, offer_hours)
    else:
        steps = _head(rng, clock, words, returned)
        steps.append(Step(clock.human(rng.uniform(*_GAPS["approve"])), "approve", rng.choice(_APPROVE_NOTES)))
        if status is D.APPROVED:
            steps[1].data["matched"] = False  # the worker has not matched it yet: offers come when it runs
        else:
            steps.extend(_offer_rounds(rng, clock, status, ratings, offer_hours))
    return _placed(rng, steps, status)


def _offer_rounds(
    rng: random.Random, clock: _Clock, status: DemandStatus, ratings: RatingDeck, offer_hours: int
) -> list[Step]:
    steps: list[Step] = []
    if status is D.UNMATCHED:
        steps += _failing_round(rng, clock, 1, offer_hours)
        steps += _failing_round(rng, clock, 2, offer_hours)
        return steps
    if status is D.OFFERED:
        roll = rng.random()
        if roll < 0.2:
            steps += _failing_round(rng, clock, 1, offer_hours)
        elif roll < 0.3:
            steps += _failing_round(rng, clock, 1, offer_hours)
            steps += _failing_round(rng, clock, 2, offer_hours)
            steps.append(Step(clock.human(rng.uniform(*_GAPS["reroute"])), "reroute", "省科技咨询服务中心指定推荐。"))
        return steps
    round_no = 1
    if rng.random() < 0.2:
        steps += _failing_round(rng, clock, 1, offer_hours)
        round_no = 2
    steps += _accepting_round(rng, clock, round_no, offer_hours)
    if status is D.ACCEPTED:
        return steps
    steps.append(Step(clock.human(rng.uniform(*_GAPS["confirm_docking"])), "confirm_docking"))
    if status is D.DOCKED:
        return steps
    steps.append(Step(clock.human(rng.uniform(*_GAPS["record_agreement"])), "record_agreement"))
    if status is D.CONTRACTED:
        return steps
    steps.append(Step(clock.human(rng.uniform(*_GAPS["report_outcome"])), "report_outcome"))
    if status is D.COMPLETED:
        return steps
    stars, comment = ratings.draw(rng)
    if rng.random() < 0.85:
        steps.append(Step(clock.human(rng.uniform(*_GAPS["rate"])), "rate", comment, data={"rating": stars}))
    else:
        steps.append(Step(clock.human(rng.uniform(*_GAPS["close"])), "close", "企业未及时评价，由地方科协结项。"))
    return steps


def _withdrawn(rng: random.Random, clock: _Clock, words: Wording, returned: bool, offer_hours: int) -> list[Step]:
    """Withdrawn from a submitted, returned, offered or docked demand."""
    stage = rng.choice(("submitted", "offered", "returned", "docked"))
    steps = _head(rng, clock, words, returned or stage == "returned", final=stage == "returned")
    if stage in ("offered", "docked"):
        steps.append(Step(clock.human(rng.uniform(*_GAPS["approve"])), "approve", rng.choice(_APPROVE_NOTES)))
    if stage == "docked":
        steps += _accepting_round(rng, clock, 1, offer_hours)
        steps.append(Step(clock.human(rng.uniform(*_GAPS["confirm_docking"])), "confirm_docking"))
    gap = rng.uniform(0.3, offer_hours / 24 * 0.7) if stage == "offered" else rng.uniform(*_GAPS["withdraw"])
    steps.append(Step(clock.human(gap), "withdraw", rng.choice(_WITHDRAW_REASONS)))
    return steps


def _placed(rng: random.Random, steps: list[Step], status: DemandStatus) -> list[Step]:
    """Shift the walk by whole days so that it ends ``_RECENCY`` days before :data:`REFERENCE`."""
    end = max(s.at for s in steps)
    target = REFERENCE - timedelta(days=rng.uniform(*_RECENCY[status]))
    days = (target - end) // timedelta(days=1)
    shift = timedelta(days=days)
    for step in steps:
        step.at = step.at + shift
    if max(s.at for s in steps) >= REFERENCE - timedelta(minutes=1):
        raise AssertionError(f"demo plan: a {status} history does not fit before today")
    return steps


def last_round_start(steps: list[Step]) -> datetime | None:
    """When the newest round of offers was made (approval, end of a round, reroute), for checks."""
    starts = [s.at for s in steps if s.action in ("approve", "reroute", "tick")]
    return max(starts) if starts else None
