"""What each party reads after screening: offers, rounds and escalation, the docking, and reminders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from models import Demand
from workflow.messages import beijing, demand_link, offer_link, quoted, status_fields
from workflow.notify import Notice


def _names(team: list[str]) -> str:
    return "、".join(team) if team else "（学会将另行确定）"


def offer_to_society(demand: Demand, offer_id: int, region: str, deadline: datetime, now: datetime) -> Notice:
    return Notice(
        "offer.created",
        "新的对接推荐",
        f"{region}的需求{quoted(demand)}推荐给贵学会承接。请在 {beijing(deadline)} 前答复："
        "接单（可调整推荐的专家团队）或婉拒（请说明原因）。企业联系方式在对接确认后提供。",
        status_fields(demand, now, ("答复期限", beijing(deadline))),
        offer_link(offer_id),
    )


def reoffered_to_enterprise(demand: Demand, now: datetime) -> Notice:
    return Notice(
        "demand.offered",
        "需求已推荐给其他学会",
        f"前一轮推荐的学会暂未承接您的需求{quoted(demand)}，系统已推荐给其他相关省级学会，学会接单后会通知您。",
        status_fields(demand, now),
    )


def rerouted_to_enterprise(demand: Demand, society: str, now: datetime) -> Notice:
    return Notice(
        "demand.offered",
        "需求已指定学会承接",
        f"省科技咨询服务中心已将您的需求{quoted(demand)}指定推荐给{society}，学会答复后会通知您。",
        status_fields(demand, now, ("推荐学会", society)),
    )


def escalated_to_enterprise(demand: Demand, now: datetime) -> Notice:
    return Notice(
        "demand.unmatched",
        "需求暂未匹配",
        f"您的需求{quoted(demand)}暂未找到承接的学会，已提交省科技咨询服务中心协调，有进展会第一时间通知您。",
        status_fields(demand, now),
    )


def escalated_to_staff(demand: Demand, enterprise: str, region: str, rounds: int, now: datetime) -> Notice:
    return Notice(
        "demand.escalated",
        "需求暂未匹配待协调",
        f"{enterprise}（{region}）的需求{quoted(demand)}经 {rounds} 轮推荐仍无学会承接，"
        "请省科技咨询服务中心协调：可指定学会重新推荐。",
        status_fields(demand, now, ("提出单位", enterprise), ("推荐轮次", str(rounds))),
        demand_link(demand.id),
    )


def accepted_to_enterprise(demand: Demand, society: str, team: list[str], now: datetime) -> Notice:
    return Notice(
        "demand.accepted",
        "学会已接单",
        f"{society}已承接您的需求{quoted(demand)}，专家团队：{_names(team)}。科协确认对接后，学会将与您联系。",
        status_fields(demand, now, ("承接学会", society)),
    )


def accepted_to_association(demand: Demand, society: str, team: list[str], now: datetime) -> Notice:
    return Notice(
        "docking.to_confirm",
        "学会接单待确认对接",
        f"{society}承接了需求{quoted(demand)}，专家团队：{_names(team)}。请确认对接，确认后双方可看到对方联系方式。",
        status_fields(demand, now, ("承接学会", society)),
        demand_link(demand.id),
    )


def superseded_to_society(demand: Demand, now: datetime) -> Notice:
    return Notice(
        "offer.superseded",
        "推荐已由其他学会承接",
        f"需求{quoted(demand)}已由其他学会承接，贵学会收到的推荐已关闭，无需再答复。感谢支持！",
        status_fields(demand, now),
    )


def docked_to_enterprise(demand: Demand, society: str, contact: str, now: datetime) -> Notice:
    return Notice(
        "demand.docked",
        "对接已确认",
        f"您的需求{quoted(demand)}与{society}的对接已确认。{contact}学会专家将与您联系；签订合作协议后请告知我们。",
        status_fields(demand, now, ("承接学会", society)),
    )


def docked_to_society(demand: Demand, enterprise: str, contact: str, now: datetime) -> Notice:
    return Notice(
        "docking.confirmed",
        "对接已确认",
        f"贵学会承接的需求{quoted(demand)}已确认对接。企业：{enterprise}。{contact}"
        "请尽快与企业联系，签订协议后在系统中登记。",
        status_fields(demand, now, ("企业", enterprise)),
        demand_link(demand.id),
    )


def contracted_to_party(demand: Demand, signed_on: date, amount: Decimal | None, now: datetime) -> Notice:
    money = f"，金额 {amount:,.2f} 元" if amount is not None else ""
    return Notice(
        "demand.contracted",
        "合作协议已登记",
        f"需求{quoted(demand)}的合作协议已登记：签订日期 {signed_on.isoformat()}{money}。项目完成后请报告合作成果。",
        status_fields(demand, now, ("签订日期", signed_on.isoformat())),
        demand_link(demand.id),
    )


def completed_to_enterprise(demand: Demand, outcome: str, now: datetime) -> Notice:
    return Notice(
        "demand.completed",
        "合作已完成，请评价",
        f"您的需求{quoted(demand)}已完成，成果：{outcome}\n请为本次服务打分（1–5 分，可附意见）："
        "直接在本公众号回复「评价 5 很满意」即可。",
        status_fields(demand, now),
    )


def completed_to_staff(demand: Demand, outcome: str, now: datetime) -> Notice:
    return Notice(
        "demand.completed",
        "合作成果已报告",
        f"需求{quoted(demand)}已报告合作成果：{outcome}\n待企业评价后结项。",
        status_fields(demand, now),
        demand_link(demand.id),
    )


def rated_to_staff(demand: Demand, rating: int, comment: str | None, now: datetime) -> Notice:
    said = f"，意见：{comment}" if comment else ""
    return Notice(
        "demand.rated",
        "企业已评价并结项",
        f"企业为需求{quoted(demand)}打了 {rating} 分{said}。需求已结项。",
        status_fields(demand, now, ("评分", f"{rating} 分")),
        demand_link(demand.id),
    )


def rated_to_enterprise(demand: Demand, rating: int, now: datetime) -> Notice:
    return Notice(
        "demand.closed",
        "感谢您的评价",
        f"已收到您对需求{quoted(demand)}的评价（{rating} 分），需求已结项。欢迎继续提交新的技术需求。",
        status_fields(demand, now),
    )


def offer_reminder(demand: Demand, offer_id: int, deadline: datetime, now: datetime) -> Notice:
    return Notice(
        "offer.reminder",
        "推荐即将过期",
        f"推荐给贵学会的需求{quoted(demand)}将于 {beijing(deadline)} 过期，请尽快答复：接单或婉拒。",
        status_fields(demand, now, ("答复期限", beijing(deadline))),
        offer_link(offer_id),
    )


def confirm_reminder(demand: Demand, society: str, since: datetime, now: datetime) -> Notice:
    return Notice(
        "docking.reminder",
        "对接待确认",
        f"{society}于 {beijing(since)} 承接了需求{quoted(demand)}，仍在等待贵单位确认对接，请尽快处理。",
        status_fields(demand, now, ("承接学会", society)),
        demand_link(demand.id),
    )


def screening_reminder(demand: Demand, enterprise: str, since: datetime, now: datetime) -> Notice:
    return Notice(
        "demand.screening_reminder",
        "需求待审核提醒",
        f"{enterprise}于 {beijing(since)} 提交的需求{quoted(demand)}仍在等待审核，请尽快处理。",
        status_fields(demand, now, ("提出单位", enterprise)),
        demand_link(demand.id),
    )
