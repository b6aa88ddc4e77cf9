"""Chinese and Arabic numbers as people type them: "30", "三十", "一百二十", "两", "1.5", "十二"."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMERAL = "零〇一二两三四五六七八九十百千"
NUMBER = rf"(?:\d+(?:\.\d+)?|[{CHINESE_NUMERAL}]+)"


def chinese_to_int(text: str) -> int | None:
    """``"三十"`` → 30, ``"一百零五"`` → 105, ``"十二"`` → 12; ``None`` when it is not a numeral below 10 000."""
    if not text or any(c not in _DIGITS and c not in _UNITS for c in text):
        return None
    total, digit = 0, None
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        else:
            total += (1 if digit is None else digit) * _UNITS[char]
            digit = None
    return total + (digit or 0)


def to_decimal(text: str) -> Decimal | None:
    """An Arabic or Chinese number as a Decimal, or ``None``."""
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    value = chinese_to_int(text)
    return Decimal(value) if value is not None else None


def to_int(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return chinese_to_int(text)
