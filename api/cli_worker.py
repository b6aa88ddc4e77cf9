"""``zhuli worker``: deliver the notification outbox and run the job queue and periodic tasks.

Run several on one PostgreSQL database for throughput and availability (each claims its own rows);
turn the in-process worker of ``zhuli serve`` off then (``ZHULI_WORKER__IN_PROCESS=false``).
SIGTERM or Ctrl-C lets the row in hand finish and stops; SIGKILL loses nothing (leases run out and
another worker takes the rows over, see :mod:`workflow.worker.outbox`).
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the ``worker`` command to the ``zhuli`` CLI."""
    app.command("worker")(worker)


def worker(
    outbox: Annotated[bool, typer.Option(help="投递通知 (deliver the notification outbox).")] = True,
    jobs: Annotated[bool, typer.Option(help="执行后台任务和定时任务 (run jobs and periodic tasks).")] = True,
    metrics_port: Annotated[
        int, typer.Option(help="在此端口提供 Prometheus 指标，0 为不提供 (serve /metrics on this port; 0: off).")
    ] = 0,
    metrics_host: Annotated[str, typer.Option(help="指标监听地址 (metrics bind address).")] = "127.0.0.1",
) -> None:
    """Deliver notifications (WeChat, console inbox) and run background jobs until stopped."""
    from core.db import Database
    from core.logging import configure_logging
    from core.migrations import is_at_head
    from core.settings import get_settings
    from workflow.worker import Worker, wechat_api_for

    settings = get_settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    db = Database.from_url(settings.resolved_database_url)
    if not is_at_head(db.engine):
        typer.echo("数据库尚未迁移到最新版本，请先运行 zhuli migrate。", err=True)
        db.dispose()
        raise typer.Exit(1)
    keeper = None
    engine = None
    if jobs:
        from matching.engine import MatchingEngine
        from matching.keeper import IndexKeeper

        engine = MatchingEngine.from_settings(settings)
        keeper = IndexKeeper(db, engine)
        keeper.start()
    api = wechat_api_for(settings, db) if outbox else None
    if outbox and api is None:
        typer.echo("未配置微信公众号（ZHULI_WECHAT__APP_ID / APP_SECRET）：只投递站内消息，微信通知留在队列中。")
    if metrics_port:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr=metrics_host)
    runner = Worker(db, settings, engine=engine, api=api, outbox=outbox, jobs=jobs)

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        runner.stop(timeout=0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    typer.echo(
        f"助力 worker {runner.worker_id} 已启动（通知={'开' if outbox else '关'}，任务={'开' if jobs else '关'}）。"
    )
    try:
        runner.run_forever()
    finally:
        if keeper is not None:
            keeper.stop()
        db.dispose()
