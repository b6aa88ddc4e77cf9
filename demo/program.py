"""The programme's own records (seed chapters 4–5): monthly reports, last year's evaluations, pilots."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from demo.plan import CST
from demo.societies import SOCIETIES, SOCIETY_BY_CODE
from models import EvaluationGrade, PilotStatus, ReportStatus
from program.periods import Month, owed_months

REPORT_HISTORY = 4
"""Months of reports the demo holds: the latest completed months at the load time."""
EVALUATION_YEAR = 2025
EXTRA_COUNTIES = ("350922", "350521")
"""Non-demonstration counties whose associations take part: both apply to become demonstration areas."""
FORMER_PILOT = "LIGHT"
"""A society whose pilot status was revoked after a failing evaluation (seed art. 18)."""

OrgRef = tuple[str, str]
"""("society", code) or ("local", region code)."""


@dataclass(frozen=True, slots=True)
class ReportSpec:
    org: OrgRef
    year: int
    month: int
    summary: str
    stats: dict[str, Any]
    submitted_at: datetime
    status: ReportStatus = ReportStatus.ACCEPTED
    reviewed_at: datetime | None = None
    review_reason: str | None = None


@dataclass(frozen=True, slots=True)
class EvaluationSpec:
    org: OrgRef
    year: int
    score: Decimal
    grade: EvaluationGrade
    comments: str
    rectification_due: date | None
    rectified_at: datetime | None


@dataclass(frozen=True, slots=True)
class PilotSpec:
    org: OrgRef
    year: int
    title: str
    application_letter: str
    industry_demands: str
    work_plan: str
    status: PilotStatus
    review_note: str | None = None
    decided_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _at(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randrange(9, 18), rng.randrange(60), tzinfo=CST).astimezone(UTC)


def pilot_societies() -> list[str]:
    return [s.code for s in SOCIETIES if s.is_pilot]


def report_months(now: datetime) -> list[Month]:
    return list(reversed(owed_months(now, REPORT_HISTORY)))


RETURN_REASON = "走访企业数与附件中的企业名单不一致，请核实后重新提交。"


def progress_reports(
    rng: random.Random, demonstration: list[str], names: dict[str, str], now: datetime
) -> list[ReportSpec]:
    """Monthly reports of the pilot societies and the demonstration areas' associations, up to ``now``.

    Each unit hands in its report in the first week of the next month and the center reviews it
    within a week, so at the load time the newest reports wait for review (or are not in yet), one
    older report was returned for correction and one unit's report is overdue.
    """
    orgs: list[tuple[OrgRef, str]] = [(("society", c), SOCIETY_BY_CODE[c].name) for c in pilot_societies()]
    orgs += [(("local", r), names[r]) for r in demonstration]
    months = report_months(now)
    returned, missing = (orgs[0][0], months[-2]), (orgs[-1][0], months[-2])
    reports = []
    for org, name in orgs:
        for month in months:
            stats = {
                "enterprise_visits": rng.randrange(3, 25),
                "demands_collected": rng.randrange(1, 12),
                "experts_dispatched": rng.randrange(2, 30),
                "dockings": rng.randrange(0, 6),
                "trainings": rng.randrange(0, 4),
            }
            where = "各服务站" if org[0] == "society" else "辖区"
            summary = (
                f"{month.month}月，{name}在{where}走访企业{stats['enterprise_visits']}家，收集技术需求"
                f"{stats['demands_collected']}项，组织专家{stats['experts_dispatched']}人次开展服务，"
                f"促成对接{stats['dockings']}项，举办技术培训{stats['trainings']}场。"
                + rng.choice(
                    (
                        "下月将重点跟进已对接项目的协议签订。",
                        "部分需求因企业配套资金不足进展缓慢。",
                        "专家服务获企业好评，拟扩大服务范围。",
                        "",
                    )
                )  # fmt: skip
            )
            following = month.next()
            submitted = _at(date(following.year, following.month, rng.randrange(1, 8)), rng)
            reviewed = submitted + timedelta(days=rng.randrange(1, 7), hours=rng.randrange(8))
            if submitted >= now or (org, month) == missing:
                continue
            status, reason = ReportStatus.SUBMITTED, None
            if (org, month) == returned:
                status, reason = ReportStatus.RETURNED, RETURN_REASON
            elif reviewed < now:
                status = ReportStatus.ACCEPTED
            done = reviewed if status is not ReportStatus.SUBMITTED else None
            spec = ReportSpec(org, month.year, month.month, summary, stats, submitted, status, done, reason)
            reports.append(spec)
    return reports


def _grade(score: float) -> EvaluationGrade:
    if score >= 90:
        return EvaluationGrade.EXCELLENT
    if score >= 75:
        return EvaluationGrade.GOOD
    if score >= 60:
        return EvaluationGrade.PASS
    return EvaluationGrade.FAIL


_COMMENTS = {
    EvaluationGrade.EXCELLENT: "服务成效显著，示范带动作用突出，工作机制完善。",
    EvaluationGrade.GOOD: "工作扎实，完成年度目标，月度进展报送及时。",
    EvaluationGrade.PASS: "基本完成年度任务，但需求对接转化率偏低，需限期整改。",
    EvaluationGrade.FAIL: "未完成年度目标，奖补经费使用不规范，需限期整改。",
}


def evaluations(rng: random.Random, demonstration: list[str]) -> list[EvaluationSpec]:
    """Last year's performance evaluation of the pilots and demonstration areas (seed arts. 15–18)."""
    result_day = date(EVALUATION_YEAR + 1, 3, 20)
    orgs: list[OrgRef] = [("society", c) for c in pilot_societies()] + [("society", FORMER_PILOT)]
    orgs += [("local", r) for r in demonstration]
    specs = []
    for index, org in enumerate(orgs):
        score = 52.5 if org == ("society", FORMER_PILOT) else rng.uniform(64, 97)
        if index == 1:
            score = 68.0  # at least one "pass" with a rectification
        grade = _grade(score)
        needs_fix = grade in (EvaluationGrade.PASS, EvaluationGrade.FAIL)
        due = date(result_day.year, result_day.month + 3, result_day.day) if needs_fix else None
        fixed = _at(due - timedelta(days=rng.randrange(5, 30)), rng) if due and grade is EvaluationGrade.PASS else None
        specs.append(EvaluationSpec(org, EVALUATION_YEAR, Decimal(f"{score:.2f}"), grade, _COMMENTS[grade], due, fixed))
    return specs


def application_submitted_at(year: int) -> datetime:
    """Applications for a year are handed in in the autumn before it."""
    return datetime(year - 1, 10, 15, 2, 0, tzinfo=UTC)


def pilot_applications(rng: random.Random, names: dict[str, str]) -> list[PilotSpec]:
    """Applications in every status of the selection (seed arts. 12–13)."""

    def society(code: str, year: int, status: PilotStatus, note: str | None, decided: date | None) -> PilotSpec:
        s = SOCIETY_BY_CODE[code]
        return PilotSpec(
            ("society", code), year, f"{s.name}创新驱动助力工程试点学会申报书",
            f"{s.name}申请承担{year}年度创新驱动助力工程试点工作，恳请省科协予以支持。",
            f"本会联系的{'、'.join(s.industries)}企业在{s.discipline}方面技术需求集中，已梳理重点企业需求若干项。",
            f"依托学会专家库组建{len(s.industries) + 2}个专家服务团，建立需求收集、专家匹配、跟踪回访工作机制。",
            status, note, None if decided is None else _at(decided, rng),
        )  # fmt: skip

    def county(region: str, year: int, status: PilotStatus, note: str | None, decided: date | None) -> PilotSpec:
        name = names[region]
        return PilotSpec(
            ("local", region), year, f"{name}创新驱动助力工程示范县申报书",
            f"经县委、县政府同意，{name}申报{year}年度创新驱动助力工程示范县，已报市科协审核推荐。",
            "重点产业方向及重点企业技术需求清单见附件。",
            "成立助力工程工作领导小组，设立学会服务站，建立需求征集、筛选、对接和跟踪服务机制。",
            status, note, None if decided is None else _at(decided, rng),
        )  # fmt: skip

    P = PilotStatus
    return [
        society("FOOD", 2027, P.SUBMITTED, None, None),
        society("ENV", 2027, P.FORMAT_PASSED, "材料齐全，形式审查通过。", None),
        society("COMM", 2027, P.FORMAT_FAILED, "缺少工作实施方案，请补充后重新申报。", date(2026, 11, 12)),
        county("350922", 2027, P.SURVEYED, "已完成实地调研，调研专家反馈意见良好。", None),
        county("350521", 2027, P.RECOMMENDED, "产业需求集中，工作基础良好，建议列入示范县。", None),
        society("FOREST", 2026, P.SELECTED, "经主席办公会议研究，确定为试点学会。", date(2026, 3, 30)),
        county("350821", 2026, P.SELECTED, "经主席办公会议研究，确定为示范县。", date(2026, 3, 30)),
        society("AI", 2026, P.NOT_SELECTED, "工作基础尚需加强，建议下一年度再行申报。", date(2026, 3, 30)),
        society(FORMER_PILOT, 2025, P.REVOKED, "2025年度绩效评价不合格，取消试点资格。", date(2026, 5, 8)),
    ]
