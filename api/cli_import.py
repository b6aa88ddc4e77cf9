"""``zhuli import experts|societies FILE``: bulk import from CSV/XLSX with a dry run and a per-row report.

Thin adapter: it opens the database, runs :mod:`ingestion.importer` inside one unit of work, shows
a progress bar on stderr and prints the report (a table, or JSON with ``--json``) on stdout.
Exit codes: 0 imported or validated, 1 the file was rejected or the import failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from core.db import Database
from core.errors import DomainError
from core.migrations import is_at_head
from core.settings import get_settings

if TYPE_CHECKING:  # the importer (jieba, openpyxl, the directory) loads only when a command runs
    from ingestion.import_report import ImportReport
    from ingestion.importer import ProgressCallback

import_app = typer.Typer(
    help="批量导入专家和学会 (bulk import of experts and societies from .xlsx or .csv).",
    no_args_is_help=True,
)

FileArgument = Annotated[
    Path, typer.Argument(help="要导入的 .xlsx 或 .csv 文件 (the .xlsx or .csv file to import).", show_default=False)
]
DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help="只校验并报告将新增、更新多少条，不写入 (validate and report only; write nothing)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出报告 (print the report as JSON).")]
MAX_CHANGED_ROWS_SHOWN = 50

Importer = Callable[..., "ImportReport"]


def register(app: typer.Typer) -> None:
    """Add the ``import`` command group to the ``zhuli`` CLI."""
    app.add_typer(import_app, name="import")


@import_app.command("experts")
def import_experts_command(file: FileArgument, dry_run: DryRunOption = False, as_json: JsonOption = False) -> None:
    """导入专家：编号相同则更新，所属学会须已导入。Import experts (upsert on 专家编号); import societies first.

    列 (columns): 专家编号*, 姓名*, 职称, 工作单位, 部门, 研究领域, 简介, 所在地区（名称或6位代码）,
    服务能力, 邮箱, 电话, 所属学会（编号或名称，用、分隔）, 代表性成果（每行一项：标题|关键词,关键词|年份|类型）, 状态.
    """
    from ingestion.importer import import_experts

    _run(import_experts, file, dry_run=dry_run, as_json=as_json)


@import_app.command("societies")
def import_societies_command(file: FileArgument, dry_run: DryRunOption = False, as_json: JsonOption = False) -> None:
    """导入省级学会：编号相同则更新。Import provincial societies (upsert on 学会编号).

    列 (columns): 学会编号*, 学会名称*, 学科, 简介, 服务产业（用、分隔）, 联系人, 联系电话, 是否试点, 状态.
    """
    from ingestion.importer import import_societies

    _run(import_societies, file, dry_run=dry_run, as_json=as_json)


@contextmanager
def _progress_bar(console: Console, enabled: bool) -> Iterator[ProgressCallback]:
    from ingestion.importer import PHASE_LABELS

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not enabled) as progress:
        tasks: dict[str, TaskID] = {}

        def update(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(PHASE_LABELS.get(phase, phase), total=total)
            progress.update(tasks[phase], completed=done, total=total)

        yield update


def _fail(console: Console, message: str) -> typer.Exit:
    console.print(f"[bold red]错误：[/]{message}", highlight=False)
    return typer.Exit(code=1)


def _run(importer: Importer, file: Path, *, dry_run: bool, as_json: bool) -> None:
    err = Console(stderr=True)
    settings = get_settings()
    db = Database.from_url(settings.resolved_database_url)
    try:
        if not is_at_head(db.engine):
            raise _fail(err, "数据库尚未初始化或不是最新版本，请先运行 zhuli migrate")
        with _progress_bar(err, enabled=err.is_terminal and not as_json) as progress:
            if dry_run:
                with db.read_session() as session:  # rolled back whatever happens: a dry run writes nothing
                    report = importer(session, file, dry_run=True, progress=progress)
            else:
                with db.unit_of_work() as session:
                    report = importer(session, file, progress=progress)
    except DomainError as exc:
        raise _fail(err, exc.message) from exc
    finally:
        db.dispose()
    if as_json:
        typer.echo(report.to_json())
    else:
        _render(report, Console(highlight=False))
    raise typer.Exit(code=0 if report.ok else 1)


def _render(report: ImportReport, console: Console) -> None:
    from ingestion.import_report import ACTION_LABELS

    console.print(report.summary(), style="green" if report.ok else "bold red")
    if report.has_row_errors:
        table = Table("行", "列", "单元格", "问题", title="错误清单", title_justify="left")
        for row in report.error_table():
            table.add_row(*row)
        console.print(table)
        if report.errors_omitted:
            console.print(f"……另有 {report.errors_omitted} 处错误未列出")
    changed = [r for r in report.rows if r.action == "updated"]
    if changed and report.ok:
        table = Table(
            "行", "编号", "操作", "变化", title="将更新" if report.dry_run else "已更新", title_justify="left"
        )
        for r in changed[:MAX_CHANGED_ROWS_SHOWN]:
            table.add_row(str(r.row), r.code, ACTION_LABELS[r.action], "、".join(r.changed))
        console.print(table)
        if len(changed) > MAX_CHANGED_ROWS_SHOWN:
            console.print(f"……另有 {len(changed) - MAX_CHANGED_ROWS_SHOWN} 条更新未列出（用 --json 查看全部）")
    for warning in report.warnings:
        console.print(f"提示：{warning}", style="yellow")
