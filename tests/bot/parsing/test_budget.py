from decimal import Decimal

import pytest

from bot.parsing.budget import parse_budget

W = Decimal(10_000)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("10-30万元", 10 * W, 30 * W),
        ("10～30万", 10 * W, 30 * W),
        ("预算大概10到20万", 10 * W, 20 * W),
        ("5万左右", 5 * W, 5 * W),
        ("不超过50万", None, 50 * W),
        ("50万以内", None, 50 * W),
        ("二十万以上", 20 * W, None),
        ("一百万", 100 * W, 100 * W),
        ("8000元", Decimal(8000), Decimal(8000)),
        ("3千元", Decimal(3000), Decimal(3000)),
        ("30", 30 * W, 30 * W),
        ("1.5万", Decimal(15_000), Decimal(15_000)),
        ("3亿", Decimal(300_000_000), Decimal(300_000_000)),
        ("30-10万", 10 * W, 30 * W),
        ("５万", 5 * W, 5 * W),
    ],
)
def test_budget_amounts(text: str, low: Decimal | None, high: Decimal | None) -> None:
    budget = parse_budget(text)
    assert budget is not None
    assert (budget.minimum, budget.maximum, budget.negotiable) == (low, high, False)


@pytest.mark.parametrize("text", ["面议", "可以面谈", "待定", "没预算", "看情况再说"])
def test_negotiable(text: str) -> None:
    budget = parse_budget(text)
    assert budget is not None
    assert budget.negotiable
    assert budget.minimum is None
    assert budget.maximum is None


@pytest.mark.parametrize("text", ["很多钱", "", "越便宜越好", "0元", "一些", "三五个人"])
def test_budget_not_understood(text: str) -> None:
    assert parse_budget(text) is None


@pytest.mark.parametrize(
    ("text", "shown"),
    [("10-30万元", "10万–30万元"), ("面议", "面议"), ("不超过50万", "不超过50万元"), ("8000元", "8000元")],
)
def test_budget_described_in_chinese(text: str, shown: str) -> None:
    assert parse_budget(text).describe() == shown  # type: ignore[union-attr]
