"""Bulk import of experts and societies from CSV or XLSX: validate everything, then write everything.

Guarantees:

* Every row is checked before anything is written, and every problem is reported as
  ``(row as Excel shows it, column header, problem in Chinese)`` — never only the first one.
* One problem anywhere means nothing is written (status ``rejected``). A dry run writes nothing
  and reports what a real import would create, update or leave unchanged, with the same counts.
* Rows are upserted on their ``code`` through :mod:`directory.profiles`, so the profile change log
  the search index follows stays right. Columns the file does not have keep their current values;
  an empty cell in a column the file has clears that value.
* Writes happen inside a SAVEPOINT; any failure rolls it back and raises :class:`ImportFailed`, and
  the caller's unit of work rolls back too. The caller owns the transaction (the importer never commits).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from core.errors import DomainError
from directory.profiles import ExpertIn, SocietyIn, WorkIn, upsert_experts, upsert_society
from ingestion.columns import EXPERT_COLUMNS, SOCIETY_COLUMNS, Column, HeaderMapping, find_header, map_headers
from ingestion.import_report import ImportKind, ImportReport, RowAction, RowOutcome
from ingestion.import_rows import Lookups, ParsedRow, RowError, RowParser, parse_expert_row, parse_society_row
from ingestion.tabular import DEFAULT_LIMITS, FileRejected, Limits, read_table
from models import Expert, Region, Society

ProgressCallback = Callable[[str, int, int | None], None]
"""``(phase, done, total)`` with phase ``read`` / ``validate`` / ``write``; total None while unknown."""
PHASE_LABELS = {"read": "读取文件", "validate": "校验", "write": "写入"}
WRITE_BATCH = 200
"""Rows written per call of the directory service (one flush each)."""
_CHUNK = 500


class ImportFailed(DomainError):
    status_code = 500
    code = "import_failed"
    default_message = "导入失败，已全部撤销，没有写入任何数据"


def _label(spec: Sequence[Column], key: str) -> str:
    return next(c.label for c in spec if c.key == key)


class _ExpertImport:
    kind = ImportKind.EXPERTS
    spec = EXPERT_COLUMNS
    parser: RowParser = staticmethod(parse_expert_row)
    # ExpertIn field → column key, for "what changed" labels
    fields = {
        "name": "name", "title": "title", "employer": "employer", "department": "department",
        "fields": "fields", "bio": "bio", "region_code": "region", "capacity": "capacity", "email": "email",
        "phone": "phone", "is_active": "active",
    }  # fmt: skip

    def __init__(self, session: Session) -> None:
        self.session = session
        self.society_code_by_id: dict[int, str] = dict(session.execute(select(Society.id, Society.code)).all())
        self.society_ids = {code: sid for sid, code in self.society_code_by_id.items()}
        self.region_codes = set(session.scalars(select(Region.code)))

    def existing(self, codes: Sequence[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for i in range(0, len(codes), _CHUNK):
            stmt = (
                select(Expert)
                .where(Expert.code.in_(codes[i : i + _CHUNK]))
                .options(selectinload(Expert.works), selectinload(Expert.memberships))
            )
            found.update({e.code: e for e in self.session.scalars(stmt)})
        return found

    def check_file(self, rows: Sequence[ParsedRow], mapping: HeaderMapping) -> list[RowError]:
        return []

    def payload(self, values: dict[str, Any], current: Expert | None) -> ExpertIn:
        base: dict[str, Any] = {}
        if current is not None:
            base = {f: getattr(current, f) for f in self.fields}
            base["society_codes"] = sorted(self.society_code_by_id[m.society_id] for m in current.memberships)
            base["works"] = [_work_in(w) for w in current.works]
        base.update(values)
        if current is not None and "works" in values:
            # The file has no abstracts: a work that keeps its title keeps its abstract.
            abstracts = {w.title: w.abstract for w in current.works}
            base["works"] = [w.model_copy(update={"abstract": abstracts.get(w.title, "")}) for w in values["works"]]
        return ExpertIn.model_validate(base)

    def changes(self, data: BaseModel, current: Any) -> list[str]:
        assert isinstance(data, ExpertIn)
        changed = [_label(self.spec, key) for f, key in self.fields.items() if getattr(data, f) != getattr(current, f)]
        if sorted(self.society_ids[c] for c in set(data.society_codes)) != sorted(
            m.society_id for m in current.memberships
        ):
            changed.append(_label(self.spec, "societies"))
        if [_work_key(w) for w in data.works] != [_work_key(w) for w in current.works]:
            changed.append(_label(self.spec, "works"))
        return changed

    def write(self, batch: Sequence[BaseModel]) -> None:
        experts = [d for d in batch if isinstance(d, ExpertIn)]
        assert len(experts) == len(batch)
        upsert_experts(self.session, experts, society_ids=self.society_ids, region_codes=self.region_codes)


def _work_key(work: Any) -> tuple[object, ...]:
    return (work.kind, work.title, tuple(work.keywords), work.abstract, work.year)


def _work_in(work: Any) -> WorkIn:
    return WorkIn(
        kind=work.kind, title=work.title, keywords=list(work.keywords), abstract=work.abstract, year=work.year
    )


class _SocietyImport:
    kind = ImportKind.SOCIETIES
    spec = SOCIETY_COLUMNS
    parser: RowParser = staticmethod(parse_society_row)
    fields = {
        "name": "name", "discipline": "discipline", "description": "description", "industries": "industries",
        "contact_name": "contact_name", "contact_phone": "contact_phone", "is_pilot": "pilot", "is_active": "active",
    }  # fmt: skip

    def __init__(self, session: Session) -> None:
        self.session = session
        self.code_by_name: dict[str, str] = dict(session.execute(select(Society.name, Society.code)).all())

    def existing(self, codes: Sequence[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for i in range(0, len(codes), _CHUNK):
            stmt = select(Society).where(Society.code.in_(codes[i : i + _CHUNK]))
            found.update({s.code: s for s in self.session.scalars(stmt)})
        return found

    def check_file(self, rows: Sequence[ParsedRow], mapping: HeaderMapping) -> list[RowError]:
        """Society names are unique: not twice in the file, not another society's name already."""
        if not mapping.has("name"):
            return []
        col = mapping.columns["name"]
        errors: list[RowError] = []
        first_row: dict[str, int] = {}
        for row in rows:
            name, code = row.values.get("name"), row.values.get("code")
            if not name:
                continue
            owner = self.code_by_name.get(name)
            if name in first_row:
                problem = f"学会名称「{name}」与第 {first_row[name]} 行重复"
            elif owner is not None and code is not None and owner != code:
                problem = f"学会名称「{name}」已被编号为「{owner}」的学会使用"
            else:
                first_row[name] = row.row
                continue
            errors.append(RowError(row=row.row, column=col.header, problem=problem, cell=col.cell(row.row)))
        return errors

    def payload(self, values: dict[str, Any], current: Society | None) -> SocietyIn:
        base = {f: getattr(current, f) for f in self.fields} if current is not None else {}
        base.update(values)
        return SocietyIn.model_validate(base)

    def changes(self, data: BaseModel, current: Any) -> list[str]:
        return [_label(self.spec, key) for f, key in self.fields.items() if getattr(data, f) != getattr(current, f)]

    def write(self, batch: Sequence[BaseModel]) -> None:
        for data in batch:
            assert isinstance(data, SocietyIn)
            upsert_society(self.session, data)


_Strategy = _ExpertImport | _SocietyImport


def _lookups(session: Session) -> Lookups:
    societies = session.execute(select(Society.code, Society.name)).all()
    codes: dict[str, str] = {}
    for code, name in societies:
        short = name.removeprefix("福建省")
        for alias in (name, short, f"福建省{short}"):
            codes.setdefault(alias.lower(), code)
    for code, _ in societies:
        codes[code.lower()] = code  # a code wins over a name that happens to look like it
    return Lookups(region_codes=frozenset(session.scalars(select(Region.code))), society_codes=codes)


def _source_bytes(source: Path | bytes, filename: str | None, limits: Limits) -> tuple[bytes, str]:
    if isinstance(source, Path):
        if not source.is_file():
            raise FileRejected(f"找不到文件「{source}」")
        if source.stat().st_size > limits.max_file_bytes:
            mib = limits.max_file_bytes // (1024 * 1024)
            raise FileRejected(f"文件太大（{source.stat().st_size / 1024 / 1024:.1f} MB），最大 {mib} MB")
        return source.read_bytes(), filename or source.name
    if len(source) > limits.max_file_bytes:
        mib = limits.max_file_bytes // (1024 * 1024)
        raise FileRejected(f"文件太大（{len(source) / 1024 / 1024:.1f} MB），最大 {mib} MB")
    return bytes(source), filename or "upload"


def _noop(_phase: str, _done: int, _total: int | None) -> None:
    return None


def _run(
    session: Session,
    strategy_type: type[_Strategy],
    source: Path | bytes,
    *,
    filename: str | None,
    dry_run: bool,
    progress: ProgressCallback | None,
    limits: Limits,
) -> ImportReport:
    started = time.perf_counter()
    report_progress = progress or _noop
    name = filename or (source.name if isinstance(source, Path) else "upload")
    report = ImportReport(kind=strategy_type.kind, file_name=name, dry_run=dry_run)

    def done() -> ImportReport:
        report.elapsed_seconds = round(time.perf_counter() - started, 3)
        return report

    try:
        data, name = _source_bytes(source, filename, limits)
        table = read_table(data, name, limits=limits, on_row=lambda n: report_progress("read", n, None))
        position = find_header(table.rows, strategy_type.spec)
        header_row, headers = table.rows[position]
        mapping = map_headers(header_row, headers, strategy_type.spec)
    except FileRejected as exc:
        return done().reject(exc.message)
    report.sheet, report.encoding = table.sheet, table.encoding
    report.warnings.extend(table.notes)
    if position:
        report.warnings.append(f"表头在第 {header_row} 行，之前的 {position} 行（标题等）已跳过")
    if mapping.ignored:
        report.warnings.append(f"未识别的列已忽略：{'、'.join(mapping.ignored)}")
    absent = [c.label for c in strategy_type.spec if not mapping.has(c.key)]
    if absent:
        report.warnings.append(f"文件中没有这些列，已有记录的这些信息保持不变：{'、'.join(absent)}")
    data_rows = table.rows[position + 1 :]
    report.total_rows = len(data_rows)
    if not data_rows:
        return done().reject("文件只有表头，没有数据行")

    strategy = strategy_type(session)
    parsed = _validate(strategy, data_rows, mapping, _lookups(session), report_progress)
    errors = [e for row in parsed for e in row.errors] + strategy.check_file(parsed, mapping)
    plans = [] if errors else _plan(strategy, parsed, mapping, errors)
    if errors:
        report.add_errors(sorted(errors, key=lambda e: (e.row or 0, len(e.cell or ""), e.cell or "")))
        report.status = "rejected"
        return done()
    for outcome, _ in plans:
        report.rows.append(outcome)
        setattr(report, outcome.action, getattr(report, outcome.action) + 1)
    if dry_run:
        return done()
    _write(session, strategy, plans, report_progress)
    report.status = "imported"
    return done()


def _validate(
    strategy: _Strategy,
    rows: Sequence[tuple[int, list[str]]],
    mapping: HeaderMapping,
    lookups: Lookups,
    progress: ProgressCallback,
) -> list[ParsedRow]:
    parsed: list[ParsedRow] = []
    first_row: dict[str, int] = {}
    code_col = mapping.columns["code"]
    for i, (number, cells) in enumerate(rows, start=1):
        row = strategy.parser(number, cells, mapping, lookups)
        code = row.values.get("code")
        if code is not None:
            if code in first_row:
                problem = f"编号「{code}」与第 {first_row[code]} 行重复"
                row.errors.append(
                    RowError(row=number, column=code_col.header, problem=problem, cell=code_col.cell(number))
                )
            else:
                first_row[code] = number
        parsed.append(row)
        progress("validate", i, len(rows))
    return parsed


_Plan = tuple[RowOutcome, BaseModel | None]


def _plan(
    strategy: _Strategy, rows: Sequence[ParsedRow], mapping: HeaderMapping, errors: list[RowError]
) -> list[_Plan]:
    """What each row would do; pydantic problems merging with stored data become row errors."""
    current = strategy.existing([r.values["code"] for r in rows])
    plans: list[_Plan] = []
    for row in rows:
        code = row.values["code"]
        existing = current.get(code)
        try:
            data = strategy.payload(row.values, existing)
        except ValidationError as exc:
            problems = "；".join(f"{'.'.join(map(str, e['loc']))}：{e['msg']}" for e in exc.errors())
            errors.append(RowError(row=row.row, column="", problem=f"数据不符合要求（{problems}）"))
            continue
        action: RowAction
        changed: list[str] = []
        if existing is None:
            action = "created"
        else:
            changed = strategy.changes(data, existing)
            action = "updated" if changed else "unchanged"
        plans.append((RowOutcome(row=row.row, code=code, action=action, changed=changed), data))
    return plans


def _write(session: Session, strategy: _Strategy, plans: Iterable[_Plan], progress: ProgressCallback) -> None:
    todo = [(outcome, data) for outcome, data in plans if outcome.action != "unchanged" and data is not None]
    batch: list[tuple[RowOutcome, BaseModel]] = []
    try:
        with session.begin_nested():
            for start in range(0, len(todo), WRITE_BATCH):
                batch = todo[start : start + WRITE_BATCH]
                strategy.write([data for _, data in batch])
                progress("write", start + len(batch), len(todo))
    except (SQLAlchemyError, DomainError) as exc:
        first, last = (batch[0][0], batch[-1][0]) if batch else (None, None)
        if first is None or last is None:
            where = "写入时出错"
        elif first is last:
            where = f"写入第 {first.row} 行（编号 {first.code}）时出错"
        else:
            where = f"写入第 {first.row}–{last.row} 行之间时出错"
        reason = exc.message if isinstance(exc, DomainError) else type(exc).__name__
        raise ImportFailed(f"{where}，本次导入已全部撤销，没有写入任何数据（{reason}）") from exc


def import_experts(
    session: Session,
    source: Path | bytes,
    *,
    filename: str | None = None,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ImportReport:
    """Import experts (societies they name must exist). ``filename`` is needed for bytes (its suffix)."""
    return _run(session, _ExpertImport, source, filename=filename, dry_run=dry_run, progress=progress, limits=limits)


def import_societies(
    session: Session,
    source: Path | bytes,
    *,
    filename: str | None = None,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ImportReport:
    """Import provincial societies; see the module docstring for the guarantees."""
    return _run(session, _SocietyImport, source, filename=filename, dry_run=dry_run, progress=progress, limits=limits)
