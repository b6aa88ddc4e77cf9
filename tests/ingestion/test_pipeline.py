from __future__ import annotations

import pytest

from core.errors import ValidationFailed
from ingestion.normalize import TextTooLong
from ingestion.pii import id_check_char
from ingestion.pipeline import NOTICE_CONTACT, NOTICE_ID_NUMBER, prepare_demand_text
from models import DemandCategory


def test_wechat_demand_is_cleaned_redacted_and_understood() -> None:
    prepared = prepare_demand_text(
        "隔膜塗佈不均勻",
        "我們廠的鋰電池隔膜塗佈厚度老是不均勻😭，良品率只有八成。請專家聯繫張工１３８－１２３４－５６７８，"
        "郵箱 zhang@ndbattery.cn",
    )
    assert prepared.title == "隔膜涂布不均匀"
    assert prepared.description == (
        "我们厂的锂电池隔膜涂布厚度老是不均匀，良品率只有八成。请专家联系张工〔电话已隐藏〕，邮箱 〔邮箱已隐藏〕"
    )
    assert prepared.contact_phone == "13812345678"
    assert prepared.contact_email == "zhang@ndbattery.cn"
    assert prepared.category is DemandCategory.KEY_TECHNOLOGY
    assert prepared.industry == "锂电池/新能源"
    assert {"锂电池", "隔膜", "涂布"} <= set(prepared.keywords)
    assert "隐藏" not in prepared.keywords
    assert prepared.notices == [NOTICE_CONTACT]
    assert "1381234" not in prepared.model_dump_json(exclude={"pii", "contact_phone"})


def test_id_number_is_removed_and_user_is_told() -> None:
    first17 = "35058219850101001"
    id_number = first17 + id_check_char(first17)
    prepared = prepare_demand_text("茶叶杀青", f"法人{id_number}，茶叶杀青温度不稳定")
    assert id_number not in prepared.description
    assert prepared.pii.id_numbers == (id_number,)
    assert NOTICE_ID_NUMBER in prepared.notices
    assert prepared.industry == "茶"


def test_missing_title_is_derived_from_the_first_clause() -> None:
    prepared = prepare_demand_text(None, "白瓷烧成后釉面开裂。成品率低，电话13812345678")
    assert prepared.title == "白瓷烧成后釉面开裂"
    long = prepare_demand_text("", "白瓷" * 40 + "。其他")
    assert len(long.title) == 30
    assert long.title.endswith("…")
    assert long.description.startswith("白瓷" * 40)


def test_phone_in_title_is_redacted_too() -> None:
    prepared = prepare_demand_text("急！13912345678", "香菇菌棒杂菌污染严重")
    assert prepared.title == "急！〔电话已隐藏〕"
    assert prepared.contact_phone == "13912345678"


@pytest.mark.parametrize("description", ["", "   ", "？？！！", "😭😭😭", "13812345678", "abc"])
def test_description_that_says_nothing_is_refused_in_chinese(description: str) -> None:
    with pytest.raises(ValidationFailed, match="需求描述"):
        prepare_demand_text("标题", description)


def test_over_long_description_and_title_are_refused_not_cut() -> None:
    with pytest.raises(TextTooLong, match="需求描述最多 5000 字"):
        prepare_demand_text("标题", "锂" * 5001)
    with pytest.raises(TextTooLong, match="需求标题最多 100 字"):
        prepare_demand_text("题" * 101, "锂电池隔膜涂布不均匀")


def test_the_same_input_gives_the_same_result() -> None:
    text = "联合晋江几家鞋企，对运动鞋鞋底发泡材料的共性技术开展联合攻关"
    assert prepare_demand_text("鞋底攻关", text) == prepare_demand_text("鞋底攻关", text)
