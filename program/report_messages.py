"""The Chinese notices of the monthly reports (who is told lives in :mod:`program.reports` and
:mod:`program.report_tasks`)."""

from __future__ import annotations

from datetime import date

from program.periods import Month
from program.units import Unit
from workflow.notify import Notice


def _link(report_id: int | None) -> str:
    return f"/console/reports/{report_id}" if report_id is not None else "/console/reports"


def submitted(unit: Unit, month: Month, report_id: int, resubmitted: bool) -> Notice:
    verb = "重新报送" if resubmitted else "报送"
    return Notice(
        kind="report.submitted",
        title=f"{unit.name}{verb}了{month.label}进展",
        text=f"{unit.kind_label}「{unit.name}」{verb}了{month.label}的月度进展报告，请审核。",
        fields=(("报送单位", unit.name), ("报告月份", month.label)),
        link=_link(report_id),
    )


def accepted(unit: Unit, month: Month, report_id: int) -> Notice:
    return Notice(
        kind="report.accepted",
        title=f"{month.label}进展报告已通过",
        text=f"贵单位报送的{month.label}月度进展报告已由省科技咨询服务中心审核通过。",
        fields=(("报告月份", month.label), ("审核结果", "通过")),
        link=_link(report_id),
    )


def returned(unit: Unit, month: Month, report_id: int, reason: str) -> Notice:
    return Notice(
        kind="report.returned",
        title=f"{month.label}进展报告被退回",
        text=f"贵单位报送的{month.label}月度进展报告被省科技咨询服务中心退回，理由：{reason}。请修改后重新报送。",
        fields=(("报告月份", month.label), ("退回理由", reason)),
        link=_link(report_id),
    )


def reminder(unit: Unit, month: Month, due: date, report_id: int | None) -> Notice:
    return Notice(
        kind="report.reminder",
        title=f"请按时报送{month.label}进展",
        text=(
            f"贵单位{month.label}的月度进展报告须于{due.month}月{due.day}日前报送省科技咨询服务中心，"
            "目前尚未报送。系统已根据本单位数据预填各项指标，请登录后核对并报送。"
        ),
        fields=(("报告月份", month.label), ("截止日期", f"{due.year}年{due.month}月{due.day}日")),
        link=_link(report_id),
    )


def overdue(unit: Unit, month: Month, due: date, report_id: int | None) -> Notice:
    return Notice(
        kind="report.overdue",
        title=f"{month.label}进展报告已逾期",
        text=(f"贵单位{month.label}的月度进展报告截止日期为{due.month}月{due.day}日，现已逾期未报送，请尽快报送。"),
        fields=(("报告月份", month.label), ("截止日期", f"{due.year}年{due.month}月{due.day}日")),
        link=_link(report_id),
    )


def escalation(unit: Unit, month: Month, due: date, days: int) -> Notice:
    return Notice(
        kind="report.escalated",
        title=f"{unit.name}进展报告逾期{days}天",
        text=(
            f"{unit.kind_label}「{unit.name}」{month.label}的月度进展报告截止日期为{due.month}月{due.day}日，"
            f"已逾期{days}天仍未报送，请督促。"
        ),
        fields=(("单位", unit.name), ("报告月份", month.label), ("逾期天数", f"{days}天")),
        link="/console/reports/overdue",
    )
