"""What the monthly-report service takes and gives (the REST API serialises these, the console renders them)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from core.errors import ValidationFailed
from models import ReportStatus
from program.figures import FIGURE_BY_KEY
from program.units import Unit, UnitKind

MAX_REASON_CHARS = 500
CENT = Decimal("0.01")
LARGEST = Decimal(10) ** 12


class UnitRef(BaseModel):
    kind: UnitKind
    kind_label: str
    id: int
    key: str
    """``s<society id>`` / ``l<association id>``."""
    name: str

    @classmethod
    def of(cls, unit: Unit) -> UnitRef:
        return cls(kind=unit.kind, kind_label=unit.kind_label, id=unit.id, key=unit.key, name=unit.name)


class CorrectionIn(BaseModel):
    """A unit's own value of one figure, with the reason it differs from Zhuli's."""

    model_config = ConfigDict(str_strip_whitespace=True)

    value: Decimal = Field(ge=0, max_digits=14, decimal_places=2, description="更正后的数值")
    reason: str = Field(min_length=1, max_length=MAX_REASON_CHARS, description="更正理由")


class ReportEdit(BaseModel):
    """A change of a draft or returned report: the narrative and/or corrections (``null`` removes one)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    summary: str | None = Field(default=None, max_length=50_000, description="本月进展情况")
    corrections: dict[str, CorrectionIn | None] = Field(
        default_factory=dict, max_length=20, description="按指标更正：指标 → {value, reason}；null 表示撤销更正"
    )


class FigureOut(BaseModel):
    key: str
    label: str
    help: str
    computed: str | None
    """What Zhuli computed (None for a report stored before the figure existed)."""
    corrected: str | None
    reason: str | None
    value: str | None
    """What the report states: the corrected value if any, else the computed one."""


class ReportSummary(BaseModel):
    id: int
    unit: UnitRef
    year: int
    month: int
    month_label: str
    status: ReportStatus
    status_label: str
    due_date: date
    submitted_at: datetime | None
    first_submitted_at: datetime | None
    on_time: bool | None
    """First submission by the due day; None while never submitted."""
    corrected: int
    """How many figures the unit corrected."""


class ReportDetail(ReportSummary):
    summary: str
    figures: list[FigureOut]
    computed_at: datetime | None
    reviewed_at: datetime | None
    review_reason: str | None
    may_edit: bool
    may_submit: bool
    may_review: bool


class ReportPage(BaseModel):
    items: list[ReportSummary]
    total: int
    page: int
    size: int


class ReportDue(BaseModel):
    """One unit's report on one month that is not handed in (or was returned) after its due day."""

    unit: UnitRef
    year: int
    month: int
    month_label: str
    due_date: date
    report_id: int | None
    status: ReportStatus | None
    status_label: str
    """``未报送`` when there is no report at all."""
    days_overdue: int
    escalated: bool
    """Overdue long enough that the provincial center was told."""


def edit_from_form(summary: str, values: dict[str, str], reasons: dict[str, str]) -> ReportEdit:
    """A :class:`ReportEdit` from the console's form: per figure a value (empty: no correction) and a
    reason; a value without a reason, or one that is no number, is refused naming the figure."""
    corrections: dict[str, CorrectionIn | None] = {}
    for key, figure in FIGURE_BY_KEY.items():
        raw = values.get(key, "").strip().replace(",", "")
        reason = reasons.get(key, "").strip()
        if not raw:
            corrections[key] = None
            continue
        try:
            value = Decimal(raw)
        except ArithmeticError as exc:
            raise ValidationFailed(f"「{figure.label}」的更正值须为数字", fields={"field": key}) from exc
        if not value.is_finite() or value < 0 or value >= LARGEST or value != value.quantize(CENT):
            message = f"「{figure.label}」的更正值须为不小于 0 的数（最多两位小数）"
            raise ValidationFailed(message, fields={"field": key})
        if not reason:
            raise ValidationFailed(f"更正「{figure.label}」须说明理由", fields={"field": key})
        if len(reason) > MAX_REASON_CHARS:
            raise ValidationFailed(f"「{figure.label}」的更正理由不能超过 {MAX_REASON_CHARS} 字", fields={"field": key})
        corrections[key] = CorrectionIn(value=value, reason=reason)
    return ReportEdit(summary=summary, corrections=corrections)
