"""The ``zhuli`` command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api import cli_chat, cli_import, cli_matching, cli_users, cli_worker
from core.db import Database
from core.logging import configure_logging
from core.migrations import current_revision, head_revision, upgrade
from core.settings import Settings, get_settings

app = typer.Typer(
    name="zhuli",
    help="助力 Zhuli — 福建省创新驱动助力工程的需求匹配与对接服务。",
    no_args_is_help=True,
    add_completion=False,
)
demo_app = typer.Typer(help="演示数据 (demo data).", no_args_is_help=True)
app.add_typer(demo_app, name="demo")
keywords_app = typer.Typer(help="关键词 (keyword extraction).", no_args_is_help=True)
app.add_typer(keywords_app, name="keywords")
cli_import.register(app)
cli_matching.register(app)
cli_users.register(app)
cli_worker.register(app)
cli_chat.register(app)


def _idf_path(settings: Settings) -> Path:
    from ingestion.keywords import IDF_FILENAME

    return settings.data_dir / IDF_FILENAME


def _settings() -> Settings:
    settings = get_settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    return settings


def _database(settings: Settings) -> Database:
    return Database.from_url(settings.resolved_database_url)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="监听地址 (bind address).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口 (port).")] = 8000,
    demo: Annotated[bool, typer.Option(help="空库首次启动时载入演示数据 (load demo data on first start).")] = True,
) -> None:
    """Migrate, load demo data on first start, and serve the API, bot and pages."""
    import uvicorn

    from api.app import create_app
    from api.bootstrap import bootstrap

    settings = _settings()
    db = _database(settings)
    report = bootstrap(db, demo=demo and settings.demo_data, idf_path=_idf_path(settings))
    if report.demo_loaded:
        typer.echo("已载入演示数据 (demo data loaded).")
    url = f"http://{host}:{port}"
    typer.echo(f"助力已启动：{url}/  ·  接口文档 {url}/docs  ·  健康检查 {url}/healthz")
    uvicorn.run(create_app(settings, database=db), host=host, port=port, log_config=None)


@app.command()
def migrate() -> None:
    """Upgrade the database schema to the newest migration."""
    settings = _settings()
    db = _database(settings)
    upgrade(db.engine)
    typer.echo(f"数据库已迁移到 {current_revision(db.engine)} (head {head_revision()}).")
    db.dispose()


@app.command()
def init(
    demo: Annotated[bool, typer.Option(help="空库时载入演示数据 (load demo data if empty).")] = True,
) -> None:
    """Migrate, load reference data (Fujian regions) and, on an empty database, the demo data."""
    from api.bootstrap import bootstrap

    settings = _settings()
    db = _database(settings)
    report = bootstrap(db, demo=demo, idf_path=_idf_path(settings))
    typer.echo(f"新增行政区划 {report.regions_added} 条；演示数据{'已载入' if report.demo_loaded else '未变动'}。")
    db.dispose()


@keywords_app.command("fit")
def keywords_fit() -> None:
    """用本库语料重新拟合关键词 IDF 表。Refit the keyword IDF table on our own corpus."""
    from api.bootstrap import fit_keyword_idf

    settings = _settings()
    db = _database(settings)
    try:
        documents = fit_keyword_idf(db, _idf_path(settings))
    finally:
        db.dispose()
    if documents is None:
        typer.echo("语料太少（不足 20 篇），未拟合；关键词沿用 jieba 自带的 IDF。")
        raise typer.Exit(1)
    typer.echo(f"已用 {documents} 篇语料拟合关键词 IDF：{_idf_path(settings)}")


@demo_app.command("load")
def demo_load() -> None:
    """Load the demo data (idempotent: a second run adds nothing)."""
    from api.bootstrap import load_demo

    settings = _settings()
    db = _database(settings)
    upgrade(db.engine)
    load_demo(db)
    typer.echo("演示数据已就绪 (demo data ready).")
    db.dispose()


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="输出 JSON.")] = False) -> None:
    """Show database health and headline counts."""
    from core.health import check_health
    from directory.overview import overview
    from matching.maintenance import saved_index_status

    settings = _settings()
    db = _database(settings)
    healthy, report = check_health(db, None)
    if healthy:
        report["index"] = saved_index_status(db, settings.resolved_index_dir)
        with db.read_session() as session:
            report["overview"] = overview(session).model_dump(mode="json")
    db.dispose()
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for key, value in report.items():
            typer.echo(f"{key}: {value}")
    raise typer.Exit(0 if healthy else 1)
