"""Enumerations stored as strings with CHECK constraints.

Values are stable identifiers; labels are Chinese."""

from __future__ import annotations

import enum


class RegionLevel(enum.StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


class DemandCategory(enum.StrEnum):
    """Seed article 11: the six kinds of work the project does."""

    CONSULTING = "consulting"  # 咨询建议
    KEY_TECHNOLOGY = "key_technology"  # 关键技术问题
    PLATFORM = "platform"  # 产学研平台
    PROMOTION = "promotion"  # 成果推广
    RESEARCH = "research"  # 科技攻关
    ENTREPRENEURSHIP = "entrepreneurship"  # 创新创业

    @property
    def label(self) -> str:
        return DEMAND_CATEGORY_LABELS[self]


DEMAND_CATEGORY_LABELS: dict[DemandCategory, str] = {
    DemandCategory.CONSULTING: "咨询建议",
    DemandCategory.KEY_TECHNOLOGY: "关键技术问题",
    DemandCategory.PLATFORM: "产学研平台",
    DemandCategory.PROMOTION: "成果推广",
    DemandCategory.RESEARCH: "科技攻关",
    DemandCategory.ENTREPRENEURSHIP: "创新创业",
}


class DemandStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    REJECTED = "rejected"
    APPROVED = "approved"
    OFFERED = "offered"
    UNMATCHED = "unmatched"
    ACCEPTED = "accepted"
    DOCKED = "docked"
    CONTRACTED = "contracted"
    COMPLETED = "completed"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return DEMAND_STATUS_LABELS[self]


DEMAND_STATUS_LABELS: dict[DemandStatus, str] = {
    DemandStatus.DRAFT: "草稿",
    DemandStatus.SUBMITTED: "已提交，待科协审核",
    DemandStatus.RETURNED: "已退回，待补充",
    DemandStatus.REJECTED: "未通过审核",
    DemandStatus.APPROVED: "审核通过",
    DemandStatus.OFFERED: "已推荐给学会",
    DemandStatus.UNMATCHED: "暂未匹配",
    DemandStatus.ACCEPTED: "学会已接单",
    DemandStatus.DOCKED: "对接已确认",
    DemandStatus.CONTRACTED: "已签订协议",
    DemandStatus.COMPLETED: "已完成",
    DemandStatus.CLOSED: "已结项",
    DemandStatus.WITHDRAWN: "已撤回",
}


class DemandSource(enum.StrEnum):
    WECHAT = "wechat"
    CONSOLE = "console"
    IMPORT = "import"
    DEMO = "demo"


class OfferStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"  # the demand moved on without this offer (another society's team was chosen)
    WITHDRAWN = "withdrawn"  # the enterprise withdrew the demand


class DockingStatus(enum.StrEnum):
    PROPOSED = "proposed"  # society accepted, awaiting the local association
    CONFIRMED = "confirmed"
    CONTRACTED = "contracted"
    COMPLETED = "completed"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Role(enum.StrEnum):
    ENTERPRISE = "enterprise"
    LOCAL_ASSOCIATION = "local_association"
    SOCIETY = "society"
    EXPERT = "expert"
    CENTER = "center"  # 省科技咨询服务中心
    DEPARTMENT = "department"  # 省科协学会学术部
    SYSTEM = "system"


class NotificationChannel(enum.StrEnum):
    WECHAT_CUSTOM = "wechat_custom"
    WECHAT_TEMPLATE = "wechat_template"
    CONSOLE = "console"


class NotificationStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # gave up after retries; kept for the record
    SKIPPED = "skipped"  # nothing deliverable (e.g. no openid)


class JobStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # gave up after its attempts; kept for the record


class InboundStatus(enum.StrEnum):
    RECEIVED = "received"
    PROCESSED = "processed"
    FAILED = "failed"
    IGNORED = "ignored"


class ProfileChangeKind(enum.StrEnum):
    """What a :class:`~models.ProfileChange` row names: an expert or a society."""

    EXPERT = "expert"
    SOCIETY = "society"


class EvaluationGrade(enum.StrEnum):
    EXCELLENT = "excellent"  # 优秀
    GOOD = "good"  # 良好
    PASS = "pass"  # 合格
    FAIL = "fail"  # 不合格


class PilotStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    FORMAT_PASSED = "format_passed"
    FORMAT_FAILED = "format_failed"
    SURVEYED = "surveyed"
    RECOMMENDED = "recommended"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"
    REVOKED = "revoked"


class ReportStatus(enum.StrEnum):
    """A monthly progress report (seed art. 14): the unit drafts and submits, the center accepts or returns."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return REPORT_STATUS_LABELS[self]


REPORT_STATUS_LABELS: dict[ReportStatus, str] = {
    ReportStatus.DRAFT: "草稿",
    ReportStatus.SUBMITTED: "已报送，待中心审核",
    ReportStatus.ACCEPTED: "已通过",
    ReportStatus.RETURNED: "已退回，待修改",
}


class WorkKind(enum.StrEnum):
    PAPER = "paper"
    PATENT = "patent"
    PROJECT = "project"
    AWARD = "award"
    STANDARD = "standard"
    OTHER = "other"
