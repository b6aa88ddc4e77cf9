"""「我的需求」: the openid's own demands, one demand's detail and timeline, its supplement, withdrawal, rating."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

import workflow
from accounts.actor import Actor
from accounts.wechat import enterprise_actor
from bot.parsing.budget import Budget
from models import DemandStatus
from workflow.notify import association_name

LIST_LIMIT = 10
TIMELINE_LIMIT = 8
BEIJING = timedelta(hours=8)
NO_DEMANDS = "您还没有提交过需求。发送「提交需求」或直接描述您遇到的技术问题即可开始。"


def _local(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return (aware.astimezone(UTC) + BEIJING).strftime("%-m月%-d日 %H:%M")


def actor_of(session: Session, openid: str) -> Actor | None:
    return enterprise_actor(session, openid)


def list_text(session: Session, actor: Actor) -> tuple[str, list[int]]:
    """The reply listing the actor's demands (newest first) and the ids in the order shown."""
    demands = workflow.my_demands(session, actor)[:LIST_LIMIT]
    if not demands:
        return NO_DEMANDS, []
    lines = ["您的需求（最新在前）："]
    for number, item in enumerate(demands, 1):
        lines.append(
            f"{number}. 「{item.title}」\n   {item.status_label}｜{_local(item.last_step_at)} {item.last_step}"
        )
    lines.append("回复序号查看详情和进度。")
    return "\n".join(lines), [d.id for d in demands]


def detail_text(session: Session, actor: Actor, demand_id: int, *, now: datetime) -> tuple[str, DemandStatus]:
    detail = workflow.demand_detail(session, actor, demand_id, now=now)
    budget = Budget(detail.budget_min, detail.budget_max, detail.budget_negotiable)
    lines = [
        f"「{detail.title}」（编号{detail.id}）",
        f"状态：{detail.status_label}",
        f"地区：{detail.region_name}",
        f"预算：{budget.describe() if budget.negotiable or budget.minimum or budget.maximum else '未填写'}",
    ]
    if detail.deadline is not None:
        lines.append(f"期望完成：{detail.deadline.year}年{detail.deadline.month}月{detail.deadline.day}日前")
    if detail.status_reason and detail.status in (DemandStatus.RETURNED, DemandStatus.REJECTED):
        lines.append(f"原因：{detail.status_reason}")
    if detail.docking is not None and detail.docking.society_name:
        lines.append(f"承接学会：{detail.docking.society_name}")
    lines.append("进展：")
    for entry in detail.timeline[-TIMELINE_LIMIT:]:
        lines.append(f"· {_local(entry.at)} {entry.text}")
    if detail.status is DemandStatus.RETURNED:
        lines.append("审核单位需要您补充情况：请直接回复补充内容，我们会加到需求描述中并重新提交审核。")
    if detail.status is DemandStatus.COMPLETED:
        lines.append("服务已完成，欢迎评价：回复「评价 5 很满意」这样的「评价 分数(1–5) 意见」。")
    if "withdraw" in detail.actions:
        lines.append("如需撤回该需求，回复「撤回」。")
    lines.append("回复「我的需求」返回列表。")
    return "\n".join(lines), detail.status


def supplement_text(session: Session, actor: Actor, demand_id: int, text: str, *, now: datetime) -> str:
    demand = workflow.supplement(session, actor, demand_id, text, now=now)
    handler = association_name(session, demand.region_code)
    return f"补充内容已加入需求「{demand.title}」并重新提交，{handler}将再次审核，结果会在这里通知您。"


def withdraw_text(session: Session, actor: Actor, demand_id: int, *, now: datetime) -> str:
    demand = workflow.withdraw(session, actor, demand_id, reason="企业通过微信撤回", now=now)
    return f"需求「{demand.title}」已撤回。如有新的需求，随时发送「提交需求」。"


def rate_text(session: Session, actor: Actor, demand_id: int, score: int, comment: str, *, now: datetime) -> str:
    """ "评价 5 很满意" on a completed demand: the workflow's rating, which closes it."""
    demand = workflow.rate(session, actor, demand_id, score, comment or None, now=now)
    return f"感谢您的评价（{score}分）！需求「{demand.title}」已结项。"
