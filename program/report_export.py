"""One month's reports as one XLSX for the department: a row per unit with its figures.

Every participating unit owing the month has a row (``未报送`` when it has no report; a unit selected
after the month began owes none), and so has a unit that reported
on the month and no longer participates. A figure's cell holds what the report states; a corrected
cell is filled yellow and carries a comment with Zhuli's computed value and the unit's reason, and the
``更正说明`` column lists every correction in words.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core.clock import BEIJING
from core.errors import PermissionDenied, ValidationFailed
from core.settings import ProgramSettings, get_settings
from models import ProgressReport
from program.figures import FIGURES
from program.periods import Month
from program.report_rules import FIRST_YEAR, figure_rows, report_unit
from program.units import Unit, UnitKind, participating_units
from workflow.scopes import EVERYWHERE

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = (
    "单位",
    "类型",
    "报告月份",
    "状态",
    "报送时间",
    "是否按时",
    *(f.label for f in FIGURES),
    "更正说明",
    "进展情况",
)
FIRST_FIGURE_COLUMN = 7
"""1-based column of the first figure."""
CORRECTED_FILL = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")


def _number(value: str | None, is_amount: bool) -> int | Decimal | None:
    if value is None:
        return None
    return Decimal(value) if is_amount else int(Decimal(value))


def _when(moment: datetime | None) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if moment else ""


def export_filename(year: int, month: int) -> str:
    return f"月度进展-{year:04d}-{month:02d}.xlsx"


def export_month(
    session: Session, actor: Actor, year: int, month: int, *, policy: ProgramSettings | None = None
) -> bytes:
    """The XLSX of every unit's report on ``year``/``month`` (the center, the department)."""
    if actor.role not in EVERYWHERE:
        raise PermissionDenied("月度进展汇总表仅向省科技咨询服务中心和省科协学会学术部提供")
    if not 1 <= month <= 12 or not FIRST_YEAR <= year <= 9999:
        raise ValidationFailed(f"报告月份有误：{year}年{month}月", fields={"field": "month"})
    policy = policy or get_settings().program
    period = Month(year, month)
    due_at = period.due_at(policy.report_due_day)
    reports = session.scalars(
        select(ProgressReport).where(ProgressReport.year == year, ProgressReport.month == month)
    ).all()
    by_unit: dict[str, tuple[Unit, ProgressReport | None]] = {
        u.key: (u, None) for u in participating_units(session) if u.owes(period)
    }
    for found in reports:
        unit = report_unit(session, found)
        by_unit[unit.key] = (unit, found)

    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年{month}月"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for unit, report in sorted(by_unit.values(), key=lambda pair: (pair[0].kind is not UnitKind.SOCIETY, pair[0].name)):
        if report is None:
            sheet.append([unit.name, unit.kind_label, period.label, "未报送", "", ""])
            continue
        first = report.first_submitted_at
        on_time = "" if first is None else ("是" if first < due_at else "否")
        rows = figure_rows(report)
        notes = [
            f"{r.label}：系统计算 {r.computed or '—'}，报送 {r.corrected}（理由：{r.reason}）"
            for r in rows
            if r.corrected is not None
        ]
        values = [_number(r.value, f.is_amount) for r, f in zip(rows, FIGURES, strict=True)]
        status = report.status.label
        sheet.append(
            [unit.name, unit.kind_label, period.label, status, _when(report.submitted_at), on_time, *values]
            + ["\n".join(notes), report.summary]
        )
        line = sheet.max_row
        for offset, r in enumerate(rows):
            if r.corrected is None:
                continue
            cell = sheet.cell(row=line, column=FIRST_FIGURE_COLUMN + offset)
            cell.fill = CORRECTED_FILL
            cell.comment = Comment(f"系统计算值：{r.computed}\n更正理由：{r.reason}", "助力")
        for column in (len(HEADERS) - 1, len(HEADERS)):
            sheet.cell(row=line, column=column).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
