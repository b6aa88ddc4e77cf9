"""What each party reads: the Chinese notices of every workflow event (what happened, what happens next)."""

from __future__ import annotations

from datetime import datetime

from core.clock import BEIJING
from models import Demand
from workflow.notify import Notice


def beijing(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def demand_link(demand_id: int) -> str:
    return f"/console/demands/{demand_id}"


def offer_link(offer_id: int) -> str:
    return f"/console/offers/{offer_id}"


def status_fields(demand: Demand, now: datetime, *extra: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return (("需求名称", demand.title), ("当前状态", demand.status.label), *extra, ("时间", beijing(now)))


def quoted(demand: Demand) -> str:
    return f"「{demand.title}」（编号 {demand.id}）"


def submitted_to_enterprise(demand: Demand, handler: str, now: datetime) -> Notice:
    return Notice(
        "demand.submitted",
        "需求已提交",
        f"您的需求{quoted(demand)}已提交。{handler}将尽快审核，审核结果会第一时间通知您。",
        status_fields(demand, now, ("审核单位", handler)),
    )


def submitted_to_association(demand: Demand, enterprise: str, region: str, now: datetime) -> Notice:
    return Notice(
        "demand.to_screen",
        "新需求待审核",
        f"{enterprise}（{region}）提交了需求{quoted(demand)}，请审核：通过、退回补充或不予通过。"
        "系统已为该需求准备了匹配建议，可在审核页面查看。",
        status_fields(demand, now, ("提出单位", enterprise)),
        demand_link(demand.id),
    )


def supplemented_to_enterprise(demand: Demand, handler: str, now: datetime) -> Notice:
    return Notice(
        "demand.supplemented",
        "补充信息已收到",
        f"您为需求{quoted(demand)}补充的信息已收到，{handler}将重新审核，结果会通知您。",
        status_fields(demand, now),
    )


def supplemented_to_association(demand: Demand, enterprise: str, added: str, now: datetime) -> Notice:
    return Notice(
        "demand.to_screen",
        "需求已补充待审核",
        f"{enterprise}已按要求补充需求{quoted(demand)}，补充内容：{added}\n请重新审核。",
        status_fields(demand, now, ("提出单位", enterprise)),
        demand_link(demand.id),
    )


def approved_to_enterprise(demand: Demand, handler: str, now: datetime) -> Notice:
    return Notice(
        "demand.approved",
        "需求审核通过",
        f"您的需求{quoted(demand)}已通过{handler}审核，正在推荐给相关省级学会。学会接单并组建专家团队后会通知您。",
        status_fields(demand, now),
    )


def returned_to_enterprise(demand: Demand, handler: str, reason: str, now: datetime) -> Notice:
    return Notice(
        "demand.returned",
        "需求需补充信息",
        f"{handler}审核您的需求{quoted(demand)}时，需要您补充信息：{reason}\n"
        "请直接在本公众号回复补充内容，补充后需求将重新审核。",
        status_fields(demand, now, ("需补充", reason)),
    )


def rejected_to_enterprise(demand: Demand, handler: str, reason: str, now: datetime) -> Notice:
    return Notice(
        "demand.rejected",
        "需求未通过审核",
        f"很抱歉，您的需求{quoted(demand)}未通过{handler}审核。原因：{reason}\n"
        f"如有疑问可联系{handler}；调整后也可以重新提交新的需求。",
        status_fields(demand, now, ("原因", reason)),
    )


def withdrawn_to_enterprise(demand: Demand, now: datetime) -> Notice:
    return Notice(
        "demand.withdrawn",
        "需求已撤回",
        f"您已撤回需求{quoted(demand)}，相关学会和科协已收到通知。如有新的需求，欢迎随时提交。",
        status_fields(demand, now),
    )


def withdrawn_to_staff(demand: Demand, enterprise: str, reason: str | None, now: datetime) -> Notice:
    why = f"原因：{reason}。" if reason else ""
    return Notice(
        "demand.withdrawn",
        "企业已撤回需求",
        f"{enterprise}撤回了需求{quoted(demand)}。{why}相关推荐和对接已关闭，无需再处理。",
        status_fields(demand, now, ("提出单位", enterprise)),
        demand_link(demand.id),
    )


def closed_to_enterprise(demand: Demand, reason: str | None, now: datetime) -> Notice:
    why = f"（{reason}）" if reason else ""
    return Notice(
        "demand.closed",
        "需求已结项",
        f"您的需求{quoted(demand)}已结项{why}。感谢您参与创新驱动助力工程，如有新的需求，欢迎随时提交。",
        status_fields(demand, now),
    )


def help_to_staff(who: str, region: str, text: str, now: datetime) -> Notice:
    return Notice(
        "help.requested",
        "企业请求人工协助",
        f"{who}（{region}）在公众号中请求人工协助：{text}\n请通过控制台或电话与其联系。",
        (("来自", who), ("地区", region), ("时间", beijing(now))),
    )
