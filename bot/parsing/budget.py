"""Budgets as people say them: "10-30万元", "面议", "5万左右", "不超过50万", "二十万以上", "8000元"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bot.parsing.numbers import NUMBER, to_decimal

_UNIT = r"(万元|万|千元|千|元|块|亿元|亿)?"
_MULTIPLIER = {"万元": 10_000, "万": 10_000, "千元": 1000, "千": 1000, "元": 1, "块": 1, "亿元": 10**8, "亿": 10**8}
_NEGOTIABLE = re.compile(
    r"面议|面谈|商议|协商|再议|议价|待定|待商|看情况|视情况|不确定|没有预算|没预算|暂无预算|无预算|不清楚|不知道|未定|没想好"
)
_RANGE = re.compile(rf"({NUMBER})\s*{_UNIT}\s*(?:-|~|～|—|–|到|至)\s*({NUMBER})\s*{_UNIT}")
_SINGLE = re.compile(rf"({NUMBER})\s*{_UNIT}")
_AT_MOST = re.compile(r"不超过|不高于|最多|以内|之内|以下|封顶|上限|内$")
_AT_LEAST = re.compile(r"以上|起|不低于|至少|下限")
MAX_BUDGET = Decimal("999999999999")


@dataclass(frozen=True, slots=True)
class Budget:
    minimum: Decimal | None
    maximum: Decimal | None
    negotiable: bool = False

    def describe(self) -> str:
        """Chinese, e.g. "10万–30万元", "面议", "不超过50万元"."""
        if self.negotiable:
            return "面议"
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f"{yuan(low)}" if low == high else f"{yuan(low, unit=False)}–{yuan(high)}"
        if high is not None:
            return f"不超过{yuan(high)}"
        if low is not None:
            return f"{yuan(low)}以上"
        return "未填写"


def yuan(amount: Decimal, *, unit: bool = True) -> str:
    """50000 → "5万元"; 8000 → "8000元"; 1.5亿 → "15000万元" (with ``unit=False`` no "元")."""
    if amount >= 10_000:
        value = (amount / 10_000).normalize()
        text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
        return f"{text}万" + ("元" if unit else "")
    return f"{amount.normalize():f}" + ("元" if unit else "")


def _amount(number: str, unit: str | None, default_unit: str | None) -> Decimal | None:
    value = to_decimal(number)
    if value is None:
        return None
    chosen = unit or default_unit
    if chosen is None:
        # A bare number: people quoting project budgets mean 万 for small numbers ("预算30").
        chosen = "万" if value < 1000 else "元"
    return value * _MULTIPLIER[chosen]


def parse_budget(text: str) -> Budget | None:
    """The budget ``text`` states, or ``None`` when it names no amount and is not "面议"."""
    text = text.replace(",", "").replace("，", " ").strip()
    if _NEGOTIABLE.search(text):
        return Budget(None, None, negotiable=True)
    match = _RANGE.search(text)
    if match:
        low_num, low_unit, high_num, high_unit = match.groups()
        high = _amount(high_num, high_unit, None)
        low = _amount(low_num, low_unit, high_unit)
        if low is None or high is None or high > MAX_BUDGET:
            return None
        return Budget(min(low, high), max(low, high))
    match = _SINGLE.search(text)
    if not match:
        return None
    if match.group(2) is None and not (match.group(1)[0].isdigit() and re.fullmatch(rf"\D*{NUMBER}\D*", text)):
        return None
    value = _amount(match.group(1), match.group(2), None)
    if value is None or value <= 0 or value > MAX_BUDGET:
        return None
    after = text[match.end() :]
    before = text[: match.start()]
    if _AT_MOST.search(after) or _AT_MOST.search(before):
        return Budget(None, value)
    if _AT_LEAST.search(after) or _AT_LEAST.search(before):
        return Budget(value, None)
    return Budget(value, value)
