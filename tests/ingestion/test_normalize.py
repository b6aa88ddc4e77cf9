from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import ValidationFailed
from ingestion.normalize import (
    MAX_DESCRIPTION_CHARS,
    GarbledText,
    TextTooLong,
    clean_text,
    meaningful_length,
)


def test_full_width_letters_digits_and_symbols_become_half_width() -> None:
    assert clean_text("ＥＶＡ发泡，厚度０．５ｍｍ，良率９５％") == "EVA发泡，厚度0.5mm，良率95%"


def test_chinese_punctuation_stays_chinese_and_ascii_after_chinese_becomes_chinese() -> None:
    assert clean_text("厚度不均匀，怎么办？急！") == "厚度不均匀，怎么办？急！"
    assert clean_text("厚度不均匀,希望解决;预算:10万?") == "厚度不均匀，希望解决；预算：10万？"


def test_numbers_times_and_bracketed_codes_get_ascii_marks() -> None:
    assert clean_text("时间１０：３０，产量１，０００吨") == "时间10:30，产量1,000吨"
    assert clean_text("电话（０５９１）８７６５４３２１") == "电话(0591)87654321"
    assert clean_text("粘结剂（进口）") == "粘结剂（进口）"


def test_urls_are_left_alone() -> None:
    assert clean_text("见http://x.cn:8080/a?b=1,2") == "见http://x.cn:8080/a?b=1,2"


def test_traditional_becomes_simplified_phrase_aware() -> None:
    assert clean_text("我們廠的鋰電池隔膜塗佈厚度老是不均勻") == "我们厂的锂电池隔膜涂布厚度老是不均匀"
    assert clean_text("乾燥設備") == "干燥设备"
    assert clean_text("乾隆年間的茶葉") == "乾隆年间的茶叶"  # a name keeps 乾


def test_simplified_text_is_unchanged_by_conversion() -> None:
    text = "著名专家帮助企业解决干燥工艺里面的难题，头发丝一样细的纤维"
    assert clean_text(text) == text


def test_simplify_can_be_turned_off_for_names() -> None:
    assert clean_text("陳國華", simplify=False) == "陳國華"


def test_zero_width_control_and_bidi_characters_are_removed() -> None:
    assert clean_text("隔\u200b膜\u200d涂\ufeff布\u00ad\u202e厚\x07度") == "隔膜涂布厚度"


def test_emoji_are_dropped_without_gluing_latin_words() -> None:
    assert clean_text("急😭😭求助🙏🏻！") == "急求助！"
    assert clean_text("great👍job") == "great job"
    assert clean_text("需要❤️帮助") == "需要帮助"


def test_whitespace_is_collapsed_and_paragraphs_kept() -> None:
    raw = "  多个   空格\t\t制表\r\n\r\n\r\n\r\n新段落 \u3000 \n  "
    assert clean_text(raw) == "多个 空格 制表\n\n新段落"
    assert clean_text("第一行\n第二行", single_line=True) == "第一行 第二行"


def test_list_markers_and_units_survive() -> None:
    assert clean_text("①厚度②速度……温度25℃，面积10㎡") == "①厚度②速度……温度25℃，面积10m²"


def test_compatibility_characters_are_unified() -> None:
    assert clean_text("\u2f00\uf9b5") == "一例"  # Kangxi radical, compatibility ideograph


def test_over_the_limit_is_a_clear_chinese_error_not_a_cut() -> None:
    ok = "锂" * MAX_DESCRIPTION_CHARS
    assert clean_text(ok) == ok
    with pytest.raises(TextTooLong, match="最多 5000 字，现在有 5001 字") as info:
        clean_text(ok + "电")
    assert isinstance(info.value, ValidationFailed)
    assert info.value.status_code == 422


def test_huge_input_is_refused_before_processing() -> None:
    with pytest.raises(TextTooLong, match="标题最多 100 字"):
        clean_text("字" * 100_000, max_length=100, label="标题")


def test_limit_counts_cleaned_text_so_padding_does_not_reject() -> None:
    assert clean_text("锂" * 100 + " " * 150, max_length=100) == "锂" * 100


def test_utf8_read_as_windows_1252_is_repaired() -> None:
    raw = "锂电池隔膜涂布不均匀，请帮忙".encode()
    mojibake = "".join(chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252") for b in raw)
    assert clean_text(mojibake) == "锂电池隔膜涂布不均匀，请帮忙"


def test_unreadable_text_is_refused() -> None:
    with pytest.raises(GarbledText, match="乱码"):
        clean_text("锟斤拷锟斤拷需求")
    with pytest.raises(GarbledText):
        clean_text("\ufffd\ufffd\ufffd\ufffd")


def test_accented_latin_text_is_not_mistaken_for_mojibake() -> None:
    assert clean_text("café résumé Ä Ö") == "café résumé Ä Ö"


def test_meaningful_length_ignores_punctuation_and_placeholders() -> None:
    assert meaningful_length("？？！〔电话已隐藏〕 ab1") == 3


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_cleaning_is_idempotent(text: str) -> None:
    try:
        once = clean_text(text)
    except GarbledText:
        return
    assert clean_text(once) == once
