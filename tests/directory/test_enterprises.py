from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from core.errors import Conflict, ValidationFailed
from directory import credit_code
from directory.schemas import EnterpriseCreate
from directory.service import register_enterprise

# The GB 32100-2015 worked example and codes published by well-known enterprises.
REAL_CODES = ["91350100M000100Y43", "91350200260130346B", "914403001922038216", "91440300708461136T"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_credit_codes_validate(code: str) -> None:
    assert credit_code.validate(code) == code


def test_wrong_check_digit_is_explained() -> None:
    good = credit_code.generate("350582", 12345678)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(credit_code.CreditCodeError, match="校验位"):
        credit_code.validate(bad)


@pytest.mark.parametrize(
    ("code", "message"),
    [("91350582MA2Y", "18位"), ("91350582MA2YOOOO0I", "不允许的字符"), ("9135A582MA2Y123456", "行政区划")],
)
def test_malformed_codes_are_explained(code: str, message: str) -> None:
    with pytest.raises(credit_code.CreditCodeError, match=message):
        credit_code.validate(code)


def test_fullwidth_and_lowercase_input_is_normalised() -> None:
    good = credit_code.generate("350102", 7654321)
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in good.lower())
    assert credit_code.validate(fullwidth) == good


@given(st.text(alphabet=credit_code.ALPHABET, min_size=17, max_size=17))
def test_exactly_one_check_character_is_valid(first17: str) -> None:
    valid = [c for c in credit_code.ALPHABET if credit_code.is_valid(first17[:2] + "350582" + first17[8:] + c)]
    assert len(valid) == 1


def _data(**overrides: object) -> EnterpriseCreate:
    values: dict[str, object] = {
        "name": "晋江市鸿星鞋业有限公司",
        "credit_code": credit_code.generate("350582", 5550001),
        "region_code": "350582",
        "industry": "纺织鞋服",
    }
    values.update(overrides)
    return EnterpriseCreate.model_validate(values)


def test_register_enterprise_stores_the_normalised_code(session: Session) -> None:
    code = credit_code.generate("350582", 5550002)
    enterprise = register_enterprise(session, _data(credit_code=code.lower()))
    assert enterprise.id is not None
    assert enterprise.credit_code == code


def test_register_enterprise_refuses_a_bad_check_digit(session: Session) -> None:
    good = credit_code.generate("350582", 5550003)
    with pytest.raises(ValidationFailed, match="校验位"):
        register_enterprise(session, _data(credit_code=good[:-1] + ("1" if good[-1] == "0" else "0")))


def test_register_enterprise_refuses_an_unknown_county(session: Session) -> None:
    with pytest.raises(ValidationFailed, match="359999"):
        register_enterprise(session, _data(region_code="359999"))


def test_register_enterprise_refuses_a_duplicate_code(session: Session) -> None:
    register_enterprise(session, _data())
    with pytest.raises(Conflict, match="已登记"):
        register_enterprise(session, _data(name="另一家公司"))
