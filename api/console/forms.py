"""Form fields and query parsing the console's routes share, and the Chinese names of their fields."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form

from models import DemandCategory, DemandStatus
from workflow import DemandFilters

ReasonField = Annotated[str, Form(min_length=2, max_length=2000)]
"""Why a demand is returned or rejected, or an offer declined: the other party reads it."""

FIELD_LABELS = {
    "reason": "原因",
    "note": "说明",
    "username": "用户名",
    "password": "密码",
    "team": "专家团队",
    "leader": "团队负责人",
    "file": "上传文件",
    "page": "页码",
    "society_ids": "学会",
    "society_id": "学会",
    "signed_on": "签订日期",
    "amount_wan": "协议金额",
    "text": "合作成果",
    "kind": "导入内容",
    "capacity": "服务能力",
    "role": "角色",
    "active": "状态",
    "month": "报告月份",
}


def parse_filters(
    *,
    states: list[DemandStatus],
    q: str = "",
    category: str = "",
    region: str = "",
    sort: str = "oldest",
) -> DemandFilters:
    """Query-string filters, leniently: an unknown category, region or sort is ignored, not an error."""
    categories = {c.value: c for c in DemandCategory}
    return DemandFilters(
        status=states,
        q=" ".join(q.split())[:100] or None,
        category=categories.get(category),
        region_code=region if len(region) == 6 and region.isdigit() else None,
        sort="newest" if sort == "newest" else "oldest",
    )
