"""Imports and exports of the directory as the API and the console offer them (center and department).

Imports run :mod:`ingestion.importer` (validate everything, per-row Chinese report, dry run first).
Exports write XLSX in the import's own columns, so a file can go out and back.

The sheet uses the import templates' headers (:mod:`ingestion.columns`) and cell formats: regions as
6-digit codes, societies as codes separated by 、, one work per line as ``标题|关键词,…|年份|类型``,
status as 是/否. Importing an exported file unchanged reports every row as unchanged (work abstracts
are not exported; the importer keeps the stored abstract of a work whose title is kept).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from accounts.actor import Actor
from directory.editing import MANAGERS, require_role
from ingestion.columns import EXPERT_COLUMNS, SOCIETY_COLUMNS, Column
from ingestion.import_report import ImportKind, ImportReport
from ingestion.importer import import_experts, import_societies
from models import Expert, ExpertWork, Society, WorkKind

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_NAMES = {
    WorkKind.PAPER: "论文", WorkKind.PATENT: "专利", WorkKind.PROJECT: "项目",
    WorkKind.AWARD: "奖励", WorkKind.STANDARD: "标准", WorkKind.OTHER: "其他",
}  # fmt: skip
_BATCH = 1000


def _flag(value: bool) -> str:
    return "是" if value else "否"


def _work(work: ExpertWork) -> str:
    year = str(work.year) if work.year is not None else ""
    return "|".join((work.title, ",".join(work.keywords), year, KIND_NAMES[work.kind]))


def _expert_row(expert: Expert, society_codes: dict[int, str]) -> list[object]:
    return [
        expert.code, expert.name, expert.title, expert.employer, expert.department, expert.fields, expert.bio,
        expert.region_code or "", expert.capacity, expert.email or "", expert.phone or "",
        "、".join(sorted(society_codes[m.society_id] for m in expert.memberships)),
        "\n".join(_work(w) for w in expert.works), _flag(expert.is_active),
    ]  # fmt: skip


def _society_row(society: Society) -> list[object]:
    return [
        society.code, society.name, society.discipline, society.description, "、".join(society.industries),
        society.contact_name or "", society.contact_phone or "", _flag(society.is_pilot), _flag(society.is_active),
    ]  # fmt: skip


def _workbook(title: str, spec: Sequence[Column], rows: Iterator[list[object]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append([c.label for c in spec])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _experts(session: Session) -> Iterator[list[object]]:
    society_codes: dict[int, str] = dict(session.execute(select(Society.id, Society.code)).all())
    last = 0
    while True:
        batch = list(
            session.scalars(
                select(Expert)
                .where(Expert.id > last)
                .order_by(Expert.id)
                .limit(_BATCH)
                .options(selectinload(Expert.works), selectinload(Expert.memberships))
            )
        )
        if not batch:
            return
        for expert in batch:
            yield _expert_row(expert, society_codes)
        last = batch[-1].id
        session.expunge_all()


def export_experts(session: Session, actor: Actor) -> bytes:
    """Every expert as an XLSX workbook (the center and the department keep the directory)."""
    require_role(actor, MANAGERS, "导出专家库")
    return _workbook("专家", EXPERT_COLUMNS, _experts(session))


def export_societies(session: Session, actor: Actor) -> bytes:
    require_role(actor, MANAGERS, "导出学会名录")
    societies = session.scalars(select(Society).order_by(Society.code))
    return _workbook("学会", SOCIETY_COLUMNS, (_society_row(s) for s in societies))


def import_directory(
    session: Session, actor: Actor, kind: ImportKind, data: bytes, *, filename: str, dry_run: bool
) -> ImportReport:
    """Validate (``dry_run``) or import an uploaded CSV/XLSX of experts or societies."""
    require_role(actor, MANAGERS, f"导入{kind.label}")
    importer = import_experts if kind is ImportKind.EXPERTS else import_societies
    return importer(session, data, filename=filename, dry_run=dry_run)
