from __future__ import annotations

import pytest

from directory import credit_code
from ingestion.normalize import clean_text, extract_pii, strip_placeholders
from ingestion.pii import id_check_char, is_resident_id, normalize_phone


def _resident_id(first17: str) -> str:
    return first17 + id_check_char(first17)


VALID_ID = _resident_id("35010219900307001")


@pytest.mark.parametrize(
    "written",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+86-13812345678",
        "008613812345678",
        "8613812345678",
        "(+86)13812345678",
        "１３８１２３４５６７８",
        "＋８６ １３８－１２３４－５６７８",
    ],
)
def test_mobile_number_variants_are_found_and_normalised(written: str) -> None:
    redacted, pii = extract_pii(f"有问题请联系我{written}，谢谢")
    assert pii.mobiles == ("13812345678",)
    assert redacted == "有问题请联系我〔电话已隐藏〕，谢谢"


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("0591-87654321", "0591-87654321"),
        ("0591 87654321", "0591-87654321"),
        ("(0591)87654321", "0591-87654321"),
        ("（0591）8765432", "0591-8765432"),
        ("059187654321", "0591-87654321"),
        ("010-62345678", "010-62345678"),
        ("0595-22345678转8008", "0595-22345678-8008"),
        ("400-888-8888", "400-888-8888"),
    ],
)
def test_landlines_and_hotlines_are_found(written: str, normalised: str) -> None:
    redacted, pii = extract_pii(f"座机：{written}。")
    assert pii.landlines == (normalised,)
    assert pii.mobiles == ()
    assert redacted == "座机：〔电话已隐藏〕。"


def test_email_is_found_with_lower_case_domain() -> None:
    redacted, pii = extract_pii("邮箱Zhang.San+demand@Example.COM.cn，欢迎来信")
    assert pii.emails == ("Zhang.San+demand@example.com.cn",)
    assert redacted == "邮箱〔邮箱已隐藏〕，欢迎来信"


def test_qq_mail_is_one_email_not_a_qq_number() -> None:
    _, pii = extract_pii("发到12345678@qq.com")
    assert pii.emails == ("12345678@qq.com",)
    assert pii.qq_numbers == ()


def test_resident_id_with_valid_check_digit_is_found() -> None:
    redacted, pii = extract_pii(f"法人身份证号{VALID_ID}，已核实")
    assert pii.id_numbers == (VALID_ID,)
    assert redacted == "法人身份证号〔身份证号已隐藏〕，已核实"


def test_resident_id_with_x_check_character_is_found() -> None:
    first17 = next(f"35010219850101{n:03d}" for n in range(1000) if id_check_char(f"35010219850101{n:03d}") == "X")
    _, pii = extract_pii(f"证件{first17}x")
    assert pii.id_numbers == (first17 + "X",)


def test_id_like_number_with_wrong_check_digit_is_left_alone() -> None:
    wrong = VALID_ID[:-1] + str((int(VALID_ID[-1]) + 1) % 10 if VALID_ID[-1] != "X" else 0)
    redacted, pii = extract_pii(f"编号{wrong}")
    assert pii.is_empty
    assert redacted == f"编号{wrong}"


def test_credit_codes_and_order_numbers_are_not_mistaken_for_ids() -> None:
    codes = [credit_code.generate("350582", serial) for serial in (1, 12345678, 87654321, 55555555)]
    codes.append("12350000488000099X")  # public institution code, all digits
    text = "；".join(codes) + "，订单号202312010000000001，批号350102209913010011"
    redacted, pii = extract_pii(text)
    assert pii.is_empty
    assert redacted == text


def test_is_resident_id_checks_birth_date_and_province() -> None:
    assert is_resident_id(VALID_ID)
    assert not is_resident_id(_resident_id("35010219901307001"))  # month 13
    assert not is_resident_id(_resident_id("99010219900307001"))  # no such province


def test_qq_and_wechat_ids_are_taken_only_when_introduced() -> None:
    text = "QQ：12345678，微信：zhang_san88，wx: abcdef1，微信同号，型号ABC12345，wxWidgets库"
    redacted, pii = extract_pii(text)
    assert pii.qq_numbers == ("12345678",)
    assert pii.wechat_ids == ("zhang_san88", "abcdef1")
    assert "型号ABC12345" in redacted
    assert "wxWidgets" in redacted
    assert "微信同号" in redacted


def test_numbers_that_are_measurements_are_left_alone() -> None:
    text = "厚度0.13812345678mm，产能13800000吨，批次2023120100"
    redacted, pii = extract_pii(text)
    assert pii.is_empty
    assert redacted == text


def test_redacted_demand_still_reads_and_contact_fields_are_filled() -> None:
    raw = clean_text(
        "我们厂的锂电池隔膜涂布厚度老是不均匀，请专家联系张工：１３８－１２３４－５６７８，"
        "或座机0593-2345678，邮箱zhang@ndbattery.cn。"
    )
    redacted, pii = extract_pii(raw)
    assert redacted == (
        "我们厂的锂电池隔膜涂布厚度老是不均匀，请专家联系张工：〔电话已隐藏〕，"
        "或座机〔电话已隐藏〕，邮箱〔邮箱已隐藏〕。"
    )
    assert pii.contact_phone == "13812345678"
    assert pii.phones == ("13812345678", "0593-2345678")
    assert pii.contact_email == "zhang@ndbattery.cn"
    assert "电话" not in strip_placeholders(redacted).replace("联系张工", "")


def test_repeated_number_is_listed_once_and_merge_keeps_order() -> None:
    _, a = extract_pii("13812345678 或 138-1234-5678")
    _, b = extract_pii("13987654321，13812345678")
    assert a.mobiles == ("13812345678",)
    assert a.merge(b).mobiles == ("13812345678", "13987654321")


def test_full_width_text_keeps_its_other_characters_when_redacted() -> None:
    redacted, _ = extract_pii("（急）电话：１３８１２３４５６７８，ＥＶＡ")
    assert redacted == "（急）电话：〔电话已隐藏〕，ＥＶＡ"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("13812345678", "13812345678"),
        (" +86 138-1234-5678 ", "13812345678"),
        ("0591-87654321", "0591-87654321"),
        ("12345", None),
        ("13812345678 13987654321", None),
        ("电话13812345678", None),
    ],
)
def test_normalize_phone_accepts_exactly_one_number(cell: str, expected: str | None) -> None:
    assert normalize_phone(cell) == expected
