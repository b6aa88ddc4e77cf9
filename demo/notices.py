"""Notices a demand's latest transition causes (the outbox rows the workflow would have written)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from demo import lifecycle as lc
from models import DemandStatus, OfferStatus, Role

if TYPE_CHECKING:
    from demo.dataset import DemandPlan

D = DemandStatus
NOTIFY_WINDOW = timedelta(days=30)
"""Only transitions of the last month still have their notices in the demo outbox."""

_NOTICES: dict[DemandStatus, tuple[tuple[str, str, str], ...]] = {
    D.SUBMITTED: (("local", "demand_submitted", "新需求「{title}」待审核。"),),
    D.RETURNED: (("enterprise", "demand_returned", "您的需求「{title}」已退回，请补充：{reason}"),),
    D.REJECTED: (("enterprise", "demand_rejected", "您的需求「{title}」未通过审核：{reason}"),),
    D.APPROVED: (("enterprise", "demand_approved", "您的需求「{title}」已通过审核，正在为您匹配学会。"),),
    D.OFFERED: (("societies", "offer_received", "收到需求推荐「{title}」，请在7天内答复。"),),
    D.UNMATCHED: (
        ("center", "demand_unmatched", "需求「{title}」暂未匹配成功，请重新推荐。"),
        ("enterprise", "demand_unmatched", "您的需求「{title}」暂未匹配到学会，省中心正在协调。"),
    ),
    D.ACCEPTED: (
        ("local", "docking_to_confirm", "学会已接单「{title}」，请确认对接。"),
        ("enterprise", "demand_accepted", "学会已接单您的需求「{title}」，专家团队已组建。"),
    ),
    D.DOCKED: (
        ("enterprise", "docking_confirmed", "需求「{title}」对接已确认，专家将与您联系。"),
        ("society", "docking_confirmed", "需求「{title}」对接已确认。"),
    ),
    D.CONTRACTED: (("society", "agreement_signed", "需求「{title}」已签订合作协议。"),),
    D.COMPLETED: (("enterprise", "rating_requested", "需求「{title}」已完成，请对专家服务进行评价。"),),
    D.CLOSED: (("society", "demand_closed", "需求「{title}」已结项，企业评价{rating}星。"),),
    D.WITHDRAWN: (("local", "demand_withdrawn", "需求「{title}」已被企业撤回。"),),
}


def notices_for(plan: DemandPlan, enterprise: lc.ActorRef, local: lc.ActorRef) -> list[lc.NotificationPlan]:
    """Notices caused by the demand's latest transition, if it happened in the last month."""
    last = plan.events[-1]
    if last.at < lc.NOW - NOTIFY_WINDOW:
        return []
    result: list[lc.NotificationPlan] = []
    rating = plan.docking.rating if plan.docking is not None else None
    for who, kind, template in _NOTICES.get(plan.status, ()):
        text = template.format(title=plan.title, reason=last.reason or "", rating=rating)
        recipients: list[lc.ActorRef]
        if who == "enterprise":
            recipients = [enterprise]
        elif who == "local":
            recipients = [local]
        elif who == "center":
            recipients = [(Role.CENTER, None)]
        elif who == "society" and plan.docking is not None:
            recipients = [(Role.SOCIETY, plan.docking.society_code)]
        elif who == "societies":
            recipients = [(Role.SOCIETY, o.society_code) for o in plan.offers if o.status is OfferStatus.PENDING]
        else:
            recipients = []
        for recipient in recipients:
            payload = {"title": plan.title, "status": plan.status.value, "text": text}
            result.append(lc.NotificationPlan(recipient, kind, payload, last.at))
    return result
