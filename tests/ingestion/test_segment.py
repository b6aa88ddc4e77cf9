"""jieba segmentation with the shipped domain dictionary and stopword list."""

from __future__ import annotations

import pytest

from ingestion.segment import cut, search_tokens, stopwords, tokenizer, user_terms


def test_user_dictionary_is_substantial_and_has_no_comment_entries() -> None:
    terms = user_terms()
    assert len(terms) >= 2000
    assert len(set(terms)) == len(terms)
    assert not any(t.startswith("#") for t in terms)
    # jieba's own loader would have added the header comment as a "word"
    assert tokenizer().FREQ.get("#") is None


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("我们厂的锂电池隔膜涂布厚度老是不均匀", "锂电池隔膜"),
        ("深远海养殖网箱抗风浪设计", "深远海养殖"),
        ("超临界流体发泡鞋材的泡孔控制", "超临界流体发泡"),
        ("德化白瓷釉面针孔缺陷", "釉面针孔"),
        ("钕铁硼永磁材料晶界扩散工艺", "晶界扩散"),
        ("石墨烯改性导热涂料", "石墨烯"),
    ],
)
def test_domain_terms_stay_whole(text: str, whole: str) -> None:
    assert whole in cut(text)
    assert whole in search_tokens(text)


def test_search_mode_also_emits_the_parts_of_a_term() -> None:
    tokens = search_tokens("锂电池隔膜涂布")
    assert {"锂电池隔膜", "锂电池", "隔膜", "涂布"} <= set(tokens)


def test_colloquial_filler_is_dropped() -> None:
    words = cut("请问有没有专家能不能帮忙看看，我们厂的设备老是出问题")
    for filler in ("请问", "有没有", "专家", "能不能", "帮忙", "我们厂", "老是", "问题"):
        assert filler not in words
    assert "设备" in words
    assert {"我们厂", "老是", "一直", "请问", "有没有", "能不能"} <= stopwords()


def test_full_width_and_case_are_normalised() -> None:
    assert search_tokens("ＥＶＡ发泡鞋底") == search_tokens("eva发泡鞋底")
    assert "eva" in search_tokens("EVA发泡鞋底")


def test_punctuation_and_single_ascii_characters_are_dropped() -> None:
    tokens = search_tokens("A、B两种涂料：（1）水性；（2）溶剂型！")
    assert not {"a", "b", "、", "（", "1"} & set(tokens)
    assert "水性" in tokens
