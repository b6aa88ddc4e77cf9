import pytest

from bot.parsing.contact import parse_contact
from bot.parsing.enterprise import parse_enterprise, plain_name
from directory import credit_code

CODE = credit_code.generate("350582", 12345678)
WRONG_CHECK = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("text", "name", "code"),
    [
        (f"晋江恒达鞋业有限公司 {CODE}", "晋江恒达鞋业有限公司", CODE),
        (f"我们是福建安泰新材料股份有限公司，代码{CODE.lower()}", "福建安泰新材料股份有限公司", CODE),
        (f"{CODE[:6]} {CODE[6:12]} {CODE[12:]}", None, CODE),
        ("公司名称：德化陶瓷研究所", "德化陶瓷研究所", None),
        ("晋江市人民政府", "晋江市人民政府", None),
        ("".join(chr(ord(c) + 0xFEE0) for c in CODE), None, CODE),
    ],
)
def test_enterprise_name_and_code(text: str, name: str | None, code: str | None) -> None:
    guess = parse_enterprise(text)
    assert (guess.name, guess.credit_code) == (name, code)


def test_wrong_check_digit_is_explained() -> None:
    guess = parse_enterprise(f"晋江恒达鞋业有限公司 {WRONG_CHECK}")
    assert guess.credit_code is None
    assert guess.code_error is not None
    assert "校验位" in guess.code_error


def test_short_code_is_explained() -> None:
    guess = parse_enterprise("91350582123456")
    assert guess.credit_code is None


@pytest.mark.parametrize("text", ["我们公司生产鞋子", "一家鞋厂"])
def test_strict_reading_ignores_loose_names(text: str) -> None:
    assert parse_enterprise(text, strict=True).name is None


@pytest.mark.parametrize(
    ("text", "name"), [("安溪县茶叶协会", "安溪县茶叶协会"), ("好", None), ("我不知道啊！！", None)]
)
def test_plain_name(text: str, name: str | None) -> None:
    assert plain_name(text) == name


@pytest.mark.parametrize(
    ("text", "name", "phone", "email"),
    [
        ("张三 13800000000", "张三", "13800000000", None),
        ("联系人李工，电话0595-88888888", "李工", "0595-88888888", None),
        ("我是陈经理 13905951234 chen@example.com", "陈经理", "13905951234", "chen@example.com"),
        ("王明", "王明", None, None),
        ("138 0000 0000", None, "13800000000", None),
        ("手机：+86 139-0595-1234，王女士", "王女士", "13905951234", None),
    ],
)
def test_contact(text: str, name: str | None, phone: str | None, email: str | None) -> None:
    guess = parse_contact(text)
    assert (guess.name, guess.phone, guess.email) == (name, phone, email)


def test_contact_in_prose_needs_a_label() -> None:
    guess = parse_contact("我们的产品质量很好 电话13905951234", bare_name=False)
    assert guess.name is None
    assert guess.phone == "13905951234"


def test_contact_with_a_lead_in_word() -> None:
    guess = parse_contact("找林经理，手机 137 0591 2345")
    assert (guess.name, guess.phone) == ("林经理", "13705912345")
