"""The result of an import: counts, per-row outcomes and every problem, as a Chinese table or JSON."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from ingestion.import_rows import RowError

MAX_REPORTED_ERRORS = 1000


class ImportKind(StrEnum):
    EXPERTS = "experts"
    SOCIETIES = "societies"

    @property
    def label(self) -> str:
        return "专家" if self is ImportKind.EXPERTS else "学会"


RowAction = Literal["created", "updated", "unchanged"]
ACTION_LABELS: dict[str, str] = {"created": "新增", "updated": "更新", "unchanged": "无变化"}
STATUS_LABELS: dict[str, str] = {
    "rejected": "未导入：文件有错误，没有写入任何数据",
    "validated": "校验通过（试运行，没有写入任何数据）",
    "imported": "导入完成",
}


class RowOutcome(BaseModel):
    row: int
    code: str
    action: RowAction
    changed: list[str] = Field(default_factory=list)
    """Column labels whose values change (for updates)."""


class ImportReport(BaseModel):
    kind: ImportKind
    file_name: str
    dry_run: bool
    status: Literal["rejected", "validated", "imported"] = "validated"
    total_rows: int = 0
    """Data rows read (blank rows not counted)."""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = Field(default_factory=list)
    errors_omitted: int = 0
    """Errors beyond :data:`MAX_REPORTED_ERRORS` that are counted but not listed."""
    warnings: list[str] = Field(default_factory=list)
    rows: list[RowOutcome] = Field(default_factory=list)
    sheet: str | None = None
    encoding: str | None = None
    elapsed_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status != "rejected"

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_omitted

    @property
    def has_row_errors(self) -> bool:
        return any(e.row is not None for e in self.errors)

    def add_errors(self, errors: list[RowError]) -> None:
        room = max(0, MAX_REPORTED_ERRORS - len(self.errors))
        self.errors.extend(errors[:room])
        self.errors_omitted += max(0, len(errors) - room)

    def reject(self, problem: str) -> ImportReport:
        """A problem with the whole file (no row): nothing is written."""
        self.add_errors([RowError(row=None, column="", problem=problem)])
        self.status = "rejected"
        return self

    def summary(self) -> str:
        kind = self.kind.label
        head = f"{self.file_name}：{STATUS_LABELS[self.status]}。"
        if self.status == "rejected" and not self.has_row_errors:
            return head + "原因：" + "；".join(e.problem for e in self.errors)
        if self.status == "rejected":
            return head + f"共 {self.total_rows} 行数据，发现 {self.error_count} 处错误，请修改后重新导入。"
        verb = "将" if self.dry_run else ""
        return head + (
            f"共 {self.total_rows} 行{kind}数据：{verb}新增 {self.created}，{verb}更新 {self.updated}，"
            f"无变化 {self.unchanged}。"
        )

    def error_table(self) -> list[tuple[str, str, str, str]]:
        """Rows of (行, 列, 单元格, 问题) for display; whole-file problems show 行 as "文件"."""
        return [(str(e.row) if e.row is not None else "文件", e.column, e.cell or "", e.problem) for e in self.errors]

    def to_text(self) -> str:
        """Plain-text rendering (for logs, e-mail, a console page without rich)."""
        lines = [self.summary()]
        if self.has_row_errors:
            lines.append("")
            lines.extend(_table(("行", "列", "单元格", "问题"), self.error_table()))
            if self.errors_omitted:
                lines.append(f"……另有 {self.errors_omitted} 处错误未列出")
        changed = [r for r in self.rows if r.action == "updated"]
        if changed and self.status != "rejected":
            lines.append("")
            lines.extend(_table(("行", "编号", "变化"), [(str(r.row), r.code, "、".join(r.changed)) for r in changed]))
        lines.extend(f"提示：{w}" for w in self.warnings)
        return "\n".join(lines)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(display_width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        padded = [c + " " * (w - display_width(c)) for c, w in zip(cells, widths, strict=True)]
        return "  ".join(padded).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]
