from __future__ import annotations

import pytest

from ingestion.classify import INDUSTRIES, classify_category, classify_industry
from models import DemandCategory

# (title, description, category a reader would pick, industry a reader would pick)
REALISTIC_DEMANDS = [
    (
        "锂电池隔膜涂布厚度不均匀",
        "我们厂的锂电池隔膜涂布厚度老是不均匀，良品率只有八成，希望专家帮忙解决。",
        DemandCategory.KEY_TECHNOLOGY,
        "锂电池/新能源",
    ),
    (
        "乌龙茶做青工艺",
        "我们是安溪的茶企，乌龙茶揉捻后色泽发暗，香气不稳定，想改进做青和发酵工艺。",
        DemandCategory.KEY_TECHNOLOGY,
        "茶",
    ),
    (
        "县茶产业发展规划",
        "请专家帮助我县制定茶产业发展规划和品牌战略，对产业转型升级提出建议。",
        DemandCategory.CONSULTING,
        "茶",
    ),
    (
        "共建研发中心",
        "希望和福州大学共建鞋材研发中心，联合培养研究生，开展长期产学研合作。",
        DemandCategory.PLATFORM,
        "纺织鞋服",
    ),
    (
        "引进鲍鱼育苗技术",
        "想引进一项成熟的鲍鱼育苗技术，提高苗种成活率。",
        DemandCategory.PROMOTION,
        "水产养殖",
    ),
    (
        "鞋底材料共性技术攻关",
        "联合晋江几家鞋企，对运动鞋鞋底发泡材料的共性技术开展联合攻关。",
        DemandCategory.RESEARCH,
        "纺织鞋服",
    ),
    (
        "返乡创业孵化",
        "我县想建一个众创空间，孵化大学生返乡创业项目，需要创业培训导师。",
        DemandCategory.ENTREPRENEURSHIP,
        "",
    ),
    ("德化白瓷釉面开裂", "白瓷烧成后釉面开裂，成品率低。", DemandCategory.KEY_TECHNOLOGY, "陶瓷"),
    ("香菇菌棒杂菌", "香菇菌棒杂菌污染严重，怎么办？", DemandCategory.KEY_TECHNOLOGY, "食用菌"),
    ("鱼丸保质期短", "水产品加工企业，鱼丸保质期短，想延长保质期。", DemandCategory.KEY_TECHNOLOGY, "食品加工"),
    ("风机叶片防腐", "海上风电机组叶片防腐涂层寿命短。", DemandCategory.KEY_TECHNOLOGY, "海上风电"),
    ("石材废水", "石材加工产生大量粉尘和废水，需要治理方案。", DemandCategory.KEY_TECHNOLOGY, "石材"),
    ("数控机床精度", "数控机床主轴精度下降，故障频繁。", DemandCategory.KEY_TECHNOLOGY, "机械装备"),
]


@pytest.mark.parametrize(("title", "description", "category", "industry"), REALISTIC_DEMANDS)
def test_realistic_demands_get_what_a_reader_expects(
    title: str, description: str, category: DemandCategory, industry: str
) -> None:
    assert classify_category(description, title=title).category is category
    assert classify_industry(description, title=title).industry == industry


def test_unclear_text_defaults_to_key_technology_with_no_confidence() -> None:
    guess = classify_category("你好，想咨询一下")
    assert guess.category is DemandCategory.KEY_TECHNOLOGY
    assert guess.is_default
    assert guess.confidence == 0.0
    assert guess.cues == ()
    assert guess.label == "关键技术问题"


def test_guess_names_the_cues_that_fired_strongest_first() -> None:
    guess = classify_category("帮助我县制定产业规划，提出发展建议")
    assert guess.category is DemandCategory.CONSULTING
    assert guess.cues[0] == "产业规划"
    assert "建议" in guess.cues
    assert 0.5 < guess.confidence <= 1.0


def test_title_cues_weigh_more_than_description_cues() -> None:
    description = "希望引进技术，也想共建平台"
    assert classify_category(description, title="共建研发平台").category is DemandCategory.PLATFORM
    assert classify_category(description, title="技术引进").category is DemandCategory.PROMOTION


def test_longer_cue_hides_the_shorter_one_inside_it() -> None:
    guess = classify_industry("水产品加工车间的冷链问题")
    assert guess.industry == "食品加工"
    assert "水产养殖" not in guess.alternatives
    assert classify_industry("隔膜泵密封件磨损").industry == "机械装备"


def test_absorbed_text_does_not_vote() -> None:
    assert classify_industry("会议茶歇安排").industry == ""


def test_latin_cues_match_whole_words_only() -> None:
    assert classify_industry("LED显示屏模组色差大").industry == "电子信息/显示"
    assert classify_industry("the line is controlled").industry == ""


def test_sector_beats_cross_cutting_industry_which_becomes_an_alternative() -> None:
    guess = classify_industry("鞋厂想上自动化生产线，减少废水排放")
    assert guess.industry == "纺织鞋服"
    assert set(guess.alternatives) == {"机械装备", "环保"}


def test_text_naming_no_industry_has_none() -> None:
    guess = classify_industry("想找专家聊一聊")
    assert guess.industry == ""
    assert guess.confidence == 0.0


def test_repeating_a_cue_does_not_add_evidence() -> None:
    once = classify_industry("茶叶")
    many = classify_industry("茶叶茶叶茶叶茶叶")
    assert once.confidence == many.confidence


def test_industry_labels_are_the_cue_table_labels() -> None:
    assert {"茶", "食用菌", "纺织鞋服", "锂电池/新能源", "海上风电", "数字经济"} <= set(INDUSTRIES)
