"""Field items: splitting a fields line, keeping item vectors in step with experts, persisting them,
and the passage evidence that lets a thin profile's single field item carry a match."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session

from directory.profiles import set_expert_active
from matching import scoring, store
from matching.documents import demand_text
from matching.embedding import Encoder
from matching.engine import MatchingEngine
from matching.items import MAX_ITEM_CHARS, split_fields
from matching.passages import MAX_PASSAGES, PassageHits, demand_passages, encode_demand
from matching.repository import DemandRecord
from matching.scoring import ExpertEvidence, FusionWeights
from matching.service import match_demand
from tests.factories import make_demand, make_expert
from tests.matching.conftest import BATTERY, TEA, EngineFactory

COMBUSTION = "航空发动机燃烧室热声不稳定性监测"
THIN_FIELDS = f"1、{COMBUSTION} 2、机械摩擦学 3、工业机器人离线编程"

LONG_DEMAND = {
    "title": "燃烧不稳定诊断与评定技术",
    "keywords": ["航空航天技术"],
    "description": (
        "航空产业是国家战略性新兴产业，具有重要意义，公司近年来业务快速发展，市场前景广阔。\n"
        "燃烧室在贫油与富油工作状态之间交替，压力脉动与放热耦合，出现振荡燃烧，严重时危及飞行安全。"
        "需要建立振荡燃烧的在线辨识与预警方法。\n"
        "1.辨识精度≥80% 2.预警成功率≥90% 3.实现工程应用"
    ),
}


@pytest.mark.parametrize(
    ("line", "items"),
    [
        ("1、3D打印工艺装备及应用 2、机械摩擦学", ["3D打印工艺装备及应用", "机械摩擦学"]),
        ("(1)芯片化量子精密测量(2)介观光学和微纳光子器件", ["芯片化量子精密测量", "介观光学和微纳光子器件"]),
        ("光纤传感；2. 半球谐振陀螺；3. 微结构光纤", ["光纤传感", "半球谐振陀螺", "微结构光纤"]),
        ("生物医学光学成像、医学图像处理", ["生物医学光学成像", "医学图像处理"]),
        ("2.5D封装与3D集成；2.5D封装与3D集成", ["2.5D封装与3D集成"]),
        ("①精密测量②智能传感", ["精密测量", "智能传感"]),
        ("、数字全息技术", ["数字全息技术"]),
        ("", []),
        ("1、 2、", []),
    ],
)
def test_a_fields_line_splits_into_its_items(line: str, items: list[str]) -> None:
    assert split_fields(line) == items


def test_a_long_prose_piece_is_cut_and_the_item_list_is_bounded() -> None:
    prose = "长期从事" + "精密仪器与测量技术研究" * 20
    assert split_fields(prose) == [prose[:MAX_ITEM_CHARS]]
    many = "；".join(f"方向{chr(0x4E00 + i)}" for i in range(40))
    assert len(split_fields(many)) == 16
    assert split_fields(many)[0] == "方向一"


def _record(**values: object) -> DemandRecord:
    base: dict[str, object] = {
        "id": 1,
        "title": "题目",
        "description": "",
        "keywords": (),
        "industry": "",
        "region_code": "350100",
        "enterprise_name": "",
    }
    return DemandRecord(**{**base, **values})  # type: ignore[arg-type]


def test_demand_passages_are_the_title_with_keywords_and_each_paragraph() -> None:
    record = _record(title="燃烧不稳定诊断", keywords=("航空",), description="背景一段。\n\n难题一段。\n目标一段。")
    assert demand_passages(record) == ["燃烧不稳定诊断；航空", "背景一段。", "难题一段。", "目标一段。"]
    many = _record(description="\n".join(f"第{i}行内容" for i in range(30)))
    passages = demand_passages(many)
    assert len(passages) == MAX_PASSAGES
    assert "".join(passages[1:]).replace("\n", "") == "".join(f"第{i}行内容" for i in range(30))
    long = _record(description="长" * 5000)
    assert max(len(p) for p in demand_passages(long)) == 1000  # the dense query cut (QUERY_MAX_CHARS)


def test_a_one_paragraph_demand_is_encoded_once_with_its_title(encoder: Encoder) -> None:
    sent: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        sent.append(texts)
        return encoder.encode_queries(texts)

    one = _record(title="隔膜涂布厚度不均", keywords=("隔膜",), description="我们厂的锂电池隔膜涂布厚度老是不均匀。")
    vector, passages = encode_demand(encode, one, demand_text(one), passages=True)
    assert sent == [[demand_text(one), "隔膜涂布厚度不均；隔膜"]]  # not the paragraph a second time
    assert passages is not None
    assert passages.shape == (2, encoder.dim)
    np.testing.assert_array_equal(passages[1], vector)  # the whole text stands for its one paragraph

    sent.clear()
    three = _record(title="燃烧不稳定诊断", description="背景一段。\n难题一段。\n目标一段。")
    vector, passages = encode_demand(encode, three, demand_text(three), passages=True)
    assert sent == [[demand_text(three), "燃烧不稳定诊断", "背景一段。", "难题一段。", "目标一段。"]]
    assert passages is not None
    assert passages.shape == (4, encoder.dim)
    sent.clear()
    assert encode_demand(encode, three, demand_text(three), passages=False)[1] is None
    assert sent == [[demand_text(three)]]


def test_experts_found_by_a_passage_alone_join_the_candidates_only_up_to_the_depth() -> None:
    # one passage's hits: 12 holders of items at falling cosines; experts 1 and 12 are known already
    hits = [PassageHits({e: (0.9 - e / 100, 7 if e % 2 else None) for e in range(1, 13)}, floor=0.5)]
    known = {1: ExpertEvidence(lexical_profile=1.0), 12: ExpertEvidence(dense_profile=0.4)}
    into = dict(known)
    scoring._passage_evidence(hits, into, newcomers=3)
    assert set(into) == {1, 12, 2, 3, 4}  # the known ones, and the 3 best newcomers
    full: dict[int, ExpertEvidence] = {1: ExpertEvidence(lexical_profile=1.0), 12: ExpertEvidence(dense_profile=0.4)}
    scoring._passage_evidence(hits, full, newcomers=100)
    assert set(full) == set(range(1, 13))
    for expert_id in into:  # nobody's value changes: the cap only keeps weak newcomers out
        assert into[expert_id].dense_passages == pytest.approx(full[expert_id].dense_passages)
    assert into[12].dense_passages > 0  # a known expert gets its passage evidence however far down


@dataclass(frozen=True)
class ItemState:
    """A copy of the index's field items, by text (ids are internal)."""

    of_expert: dict[int, set[str]]
    holders: dict[str, set[int]]
    vectors: dict[str, np.ndarray]


def _items(engine: MatchingEngine) -> ItemState:
    index = engine.index
    assert index is not None
    assert index.problems() == []
    with index.reading() as view:
        items = view.contents().items
        ids = sorted(items.item_text)
        found = items.vectors.reconstruct_batch(np.asarray(ids, dtype=np.int64)) if ids else []
        return ItemState(
            of_expert={e: set(items.texts_of(e)) for e in items.expert_items},
            holders={items.item_text[i]: set(h) for i, h in items.holders.items()},
            vectors={items.item_text[i]: np.asarray(v) for i, v in zip(ids, found, strict=True)},
        )


def test_items_follow_expert_updates_and_removals(session: Session, make_engine: EngineFactory) -> None:
    a = make_expert(session, "A", fields="锂电池隔膜涂布；在线测厚")
    b = make_expert(session, "B", fields="在线测厚、乌龙茶加工")
    engine = make_engine()
    engine.ensure_ready(session)
    state = _items(engine)
    assert state.of_expert[a.id] == {"锂电池隔膜涂布", "在线测厚"}
    assert state.holders == {"锂电池隔膜涂布": {a.id}, "在线测厚": {a.id, b.id}, "乌龙茶加工": {b.id}}
    assert len(state.vectors) == 3  # the shared item is one vector held by both

    make_expert(session, "A", fields="陶瓷釉面缺陷；烧成曲线")
    engine.sync(session)
    state = _items(engine)
    assert state.of_expert[a.id] == {"陶瓷釉面缺陷", "烧成曲线"}
    assert state.holders["在线测厚"] == {b.id}  # still B's
    assert set(state.vectors) == {"陶瓷釉面缺陷", "烧成曲线", "在线测厚", "乌龙茶加工"}

    set_expert_active(session, b.id, False)
    engine.sync(session)
    state = _items(engine)
    assert b.id not in state.of_expert
    assert set(state.holders) == set(state.vectors) == {"陶瓷釉面缺陷", "烧成曲线"}

    # a removed expert's items never surface in a match, even for a demand about exactly that item
    demand = make_demand(session, title="乌龙茶加工", description="乌龙茶加工", keywords=[])
    result = match_demand(session, engine, demand.id)
    assert b.id not in [m.expert_id for m in result.experts]


def test_a_thin_profile_ranks_by_its_one_matching_field_item(session: Session, make_engine: EngineFactory) -> None:
    thin = make_expert(session, "THIN", fields=THIN_FIELDS)
    make_expert(session, "BAT", fields="锂电池隔膜与涂布工艺", works=[BATTERY])
    make_expert(session, "TEA", fields="茶叶加工与香气化学", works=[TEA])
    make_expert(session, "ROB", fields="工业机器人控制；焊接自动化")
    make_expert(session, "FRI", fields="机械摩擦学；润滑与密封")
    demand = make_demand(session, **LONG_DEMAND)
    engine = make_engine()
    engine.ensure_ready(session)

    result = match_demand(session, engine, demand.id)
    top = result.experts[0]
    assert top.expert_id == thin.id
    assert top.score_parts["dense_passages"] > 0
    assert f"研究方向与需求相符：{COMBUSTION}" in top.reason

    # without the passage evidence the same expert is not named by its field item
    plain = make_engine(weights=replace(FusionWeights.from_settings(), dense_passages=0.0), index_dir=None)
    plain.ensure_ready(session)
    without = match_demand(session, plain, demand.id)
    assert "研究方向与需求相符" not in without.experts[0].reason
    assert without.experts[0].score_parts["dense_passages"] == 0


def test_item_vectors_survive_a_save_and_load(session: Session, make_engine: EngineFactory, index_dir: Path) -> None:
    make_expert(session, "A", fields=THIN_FIELDS)
    make_expert(session, "B", fields="机械摩擦学；润滑与密封", works=[BATTERY])
    first = make_engine()
    first.ensure_ready(session)
    manifest = store.read_manifest(index_dir)
    assert manifest is not None
    saved = _items(first)
    assert manifest["items"] == len(saved.vectors) == 4  # 机械摩擦学 is shared

    second = make_engine()
    status = second.ensure_ready(session)
    assert "reason" not in status
    assert "rebuilt_because" not in status  # loaded, not rebuilt
    loaded = _items(second)
    assert loaded.of_expert == saved.of_expert
    assert loaded.holders == saved.holders
    for text, vector in saved.vectors.items():
        np.testing.assert_allclose(loaded.vectors[text], vector)

    # items added after the load get ids of their own (no collision with the saved ones)
    c = make_expert(session, "C", fields="量子精密测量；机械摩擦学")
    second.sync(session)
    after = _items(second)
    assert len(after.vectors) == 5
    assert after.holders["机械摩擦学"] == {*saved.holders["机械摩擦学"], c.id}

    # a tampered item file is caught and the index rebuilt from the database
    manifest = store.read_manifest(index_dir)
    assert manifest is not None
    items_json = index_dir / manifest["generation"] / "items.json"
    body = json.loads(items_json.read_text(encoding="utf-8"))
    body["experts"] = body["experts"][:1]
    items_json.write_text(json.dumps(body), encoding="utf-8")
    third = make_engine()
    status = third.ensure_ready(session)
    assert "items.json" in status["rebuilt_because"]
    assert _items(third).holders == after.holders
