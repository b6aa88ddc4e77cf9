"""``zhuli match``, ``zhuli eval`` and ``zhuli index …``: thin adapters over :mod:`matching`.

Exit codes: 0 done, 1 the request failed (unknown demand, unreadable file, index not buildable).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from core.db import Database
from core.errors import DomainError
from core.settings import Settings, get_settings

if TYPE_CHECKING:  # torch and sentence-transformers load only when a command needs the encoder
    from matching.engine import MatchingEngine
    from matching.schemas import MatchResult

index_app = typer.Typer(help="匹配索引 (the FAISS/BM25 matching index).", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出 (print JSON).")]


def register(app: typer.Typer) -> None:
    """Add ``match``, ``eval`` and the ``index`` group to the ``zhuli`` CLI."""
    app.command("match")(match_command)
    app.command("eval")(eval_command)
    app.add_typer(index_app, name="index")


def _open() -> tuple[Settings, Database, MatchingEngine]:
    from matching.engine import MatchingEngine

    settings = get_settings()
    return settings, Database.from_url(settings.resolved_database_url), MatchingEngine.from_settings(settings)


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code=1)


def _print_match(result: MatchResult) -> None:
    typer.echo(f"需求 #{result.demand_id} 的匹配结果（模型 {result.model}，索引水位 {result.index_watermark}）")
    typer.echo("推荐专家：")
    for m in result.experts:
        typer.echo(f"  {m.rank:>2}. {m.name}（{m.title or '—'}，{m.employer or '—'}）  得分 {m.score:.3f}")
        parts = "  ".join(f"{k}={v:.3f}" for k, v in m.score_parts.items() if v)
        typer.echo(f"      {m.reason}")
        typer.echo(f"      分项：{parts}")
    if result.societies:
        typer.echo("推荐学会：")
        for s in result.societies:
            team = "、".join(f"{t.name}{'（牵头）' if t.role == 'leader' else ''}" for t in s.team) or "—"
            typer.echo(f"  {s.rank:>2}. {s.name}  得分 {s.score:.3f}  团队：{team}")
            typer.echo(f"      {s.reason}")
    if result.excluded:
        typer.echo("因约束未推荐：" + "；".join(f"{e.name}（{e.reason}）" for e in result.excluded))


def match_command(
    demand_id: Annotated[int, typer.Argument(help="需求编号 (demand id).", show_default=False)],
    top: Annotated[int | None, typer.Option(help="推荐专家数 (number of experts; default from settings).")] = None,
    societies: Annotated[
        int | None, typer.Option(help="推荐学会数 (number of societies; default from settings).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """为需求推荐专家和学会，并给出理由。Rank experts and societies for a demand, with reasons."""
    from matching.maintenance import prepare_index
    from matching.policy import check_requested_sizes
    from matching.service import match_demand

    try:
        check_requested_sizes(top, societies)  # the API's bounds, before the index is loaded
    except DomainError as exc:
        raise _fail(exc.message) from exc
    _, db, engine = _open()
    try:
        prepare_index(db, engine)
        with db.unit_of_work() as session:
            result = match_demand(session, engine, demand_id, top_experts=top, top_societies=societies)
    except DomainError as exc:
        raise _fail(exc.message) from exc
    finally:
        db.dispose()
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        _print_match(result)


def _parse_fold(fold: str | None) -> tuple[int, int] | None:
    if fold is None:
        return None
    found = re.fullmatch(r"(\d+)/(\d+)", fold)
    if not found or int(found[2]) < 1 or int(found[1]) >= int(found[2]):
        raise typer.BadParameter("应为 K/N，例如 0/2 (expected K/N with 0 ≤ K < N)")
    return int(found[1]), int(found[2])


def _format_metrics(label: str, m: dict[str, Any] | None) -> str:
    if not m:
        return f"  {label:<10} —"
    return (
        f"  {label:<10} R@10 {m['recall@10']:.4f}  R@50 {m['recall@50']:.4f}  "
        f"nDCG@10 {m['ndcg@10']:.4f}  MRR {m['mrr']:.4f}"
    )


def eval_command(
    file: Annotated[
        Path, typer.Argument(help="评测集 JSON 文件 (labelled set, see the eval README).", show_default=False)
    ],
    as_json: JsonOption = False,
    fold: Annotated[
        str | None, typer.Option(help="只评测第 K 折（共 N 折，按需求在文件中的位置）(evaluate fold K/N only).")
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="嵌入模型，默认取配置 (embedding model; default ZHULI_EMBEDDING_MODEL).")
    ] = None,
    rankings: Annotated[
        Path | None,
        typer.Option(help="把每条需求的前 100 名专家（匹配器与两个基线）写入此 JSON 文件 (write rankings)."),
    ] = None,
) -> None:
    """在临时库中评测匹配器及 bm25、dense 两个基线。Evaluate the matcher and two baselines on a labelled file."""
    from matching.evaluation import run_evaluation
    from matching.scoring import FusionWeights

    settings = get_settings()
    weights = FusionWeights.from_settings(settings.matching)
    if rankings is not None and not rankings.parent.is_dir():
        raise _fail(f"无法写入排名文件 {rankings}：目录 {rankings.parent} 不存在")
    try:
        report = run_evaluation(
            file,
            model_name=model or settings.embedding_model,
            weights=weights,
            fold=_parse_fold(fold),
            rankings_out=rankings,
        )
    except (OSError, ValueError, KeyError) as exc:
        raise _fail(f"无法评测 {file}：{exc}") from exc
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{file}：{report['n_demands']} 条需求，用时 {report['seconds']} 秒，模型 {report['model']}")
    typer.echo(_format_metrics("专家", report["experts"]))
    if report["societies"] is not None:
        typer.echo(_format_metrics("学会", report["societies"]))
    typer.echo(_format_metrics("基线 bm25", report["baselines"]["bm25"]))
    typer.echo(_format_metrics("基线 dense", report["baselines"]["dense"]))
    if report["condensed"]:
        typer.echo("只计已评判专家（condensed）：")
        for name, label in (("matcher", "专家"), ("bm25", "基线 bm25"), ("dense", "基线 dense")):
            typer.echo(_format_metrics(label, report["condensed"].get(name)))
    if rankings is not None:
        typer.echo(f"排名已写入 {rankings}")


@index_app.command("status")
def index_status_command(as_json: JsonOption = False) -> None:
    """显示持久化索引的清单与数据库水位。Show the persisted index manifest and the database watermark."""
    from matching.maintenance import saved_index_status
    from matching.state import STATE_LABELS

    settings = get_settings()
    db = Database.from_url(settings.resolved_database_url)
    try:
        report = saved_index_status(db, settings.resolved_index_dir)
    finally:
        db.dispose()
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    manifest = report["manifest"]
    typer.echo(f"索引目录：{report['path']}")
    typer.echo(f"状态：{STATE_LABELS[report['state']]}")
    if manifest is None:
        return
    typer.echo(f"模型：{manifest.get('model')}（{manifest.get('dimension')} 维）  条目：{manifest.get('counts')}")
    watermarks = f"索引水位：{report['watermark']}  数据库水位：{report['database_watermark']}"
    typer.echo(f"{watermarks}  保存于：{manifest.get('saved_at')}")


def _upkeep(job: Callable[[Database, MatchingEngine], dict[str, Any]]) -> dict[str, Any]:
    _, db, engine = _open()
    try:
        return job(db, engine)
    finally:
        db.dispose()


@index_app.command("rebuild")
def index_rebuild_command(as_json: JsonOption = False) -> None:
    """从数据库重建索引（向量取自嵌入缓存）。Rebuild the index from the database (vectors from the cache)."""
    from matching.maintenance import rebuild_index

    status = _upkeep(rebuild_index)
    if as_json:
        typer.echo(json.dumps(status, ensure_ascii=False, indent=2))
    else:
        typer.echo(f"索引已重建：{status['counts']}，水位 {status['watermark']}，模型 {status['model']}")


@index_app.command("sync")
def index_sync_command(as_json: JsonOption = False) -> None:
    """加载索引并追平数据库的变更（必要时重建）。Load the index and apply pending profile changes."""
    from matching.maintenance import prepare_index

    status = _upkeep(prepare_index)
    if as_json:
        typer.echo(json.dumps(status, ensure_ascii=False, indent=2))
    else:
        from matching.state import STATE_LABELS

        why = status.get("reason") or status.get("rebuilt_because")
        reason = f"（{why}）" if why else ""
        typer.echo(
            f"索引状态：{STATE_LABELS[status['state']]}{reason}，条目 {status['counts']}，水位 {status['watermark']}"
        )
