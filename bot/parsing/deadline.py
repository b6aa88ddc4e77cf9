"""Deadlines as people say them, relative to today: "明年6月前", "2027年3月", "三个月内", "年底前"."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.parsing.numbers import NUMBER, to_int

_NO_DEADLINE = re.compile(r"不限|没有要求|无要求|没要求|不着急|不急|都可以|均可|随时|没有期限|无期限|不确定|待定")
_ASAP = re.compile(r"尽快|越快越好|马上|立即|尽早|越早越好")
_YEAR_WORDS = {"今年": 0, "本年": 0, "明年": 1, "下一年": 1, "来年": 1, "后年": 2}
_FULL_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_YEAR_MONTH = re.compile(
    rf"(\d{{4}}|{'|'.join(_YEAR_WORDS)})\s*年?\s*({NUMBER})\s*月(份)?\s*(底|末|前|之前|以前|中|初)?"
)
_MONTH_DAY = re.compile(rf"({NUMBER})\s*月\s*({NUMBER})\s*[日号]")
_MONTH_ONLY = re.compile(rf"(?<![\d年])({NUMBER})\s*月(份)?\s*(底|末|前|之前|以前|中|初)?")
_YEAR_END = re.compile(
    rf"({'|'.join(_YEAR_WORDS)}|\d{{4}}\s*年)\s*(?:年)?(?:底|末|年底|年末|年内|内|之内|以内)|年底|年末|年内"
)
_HALF = re.compile(r"(上|下)半年")
_SPAN = re.compile(rf"(?<![\d年月])({NUMBER}|半)\s*(年|个月|个半月|周|个星期|星期|个礼拜|礼拜|天|日)(?![\d底末初中份])")
_NEXT = re.compile(r"下(?:个)?月(底|末|初|中)?|下周|下星期")
_QUARTER = re.compile(rf"({'|'.join(_YEAR_WORDS)}|\d{{4}}\s*年)?\s*(?:第)?({NUMBER})\s*季度")
MAX_YEARS_AHEAD = 10


@dataclass(frozen=True, slots=True)
class Deadline:
    """``on`` is the last day; ``none`` when the user said there is none (or as soon as possible)."""

    on: date | None
    none: bool = False
    asap: bool = False

    def describe(self) -> str:
        if self.on is not None:
            return f"{self.on.year}年{self.on.month}月{self.on.day}日前"
        return "尽快" if self.asap else "不限"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _year(token: str, today: date) -> int | None:
    token = token.strip()
    if token in _YEAR_WORDS:
        return today.year + _YEAR_WORDS[token]
    token = token.replace("年", "").strip()
    return int(token) if token.isdigit() else None


def _month_day(year: int, month: int, when: str | None) -> date | None:
    if not 1 <= month <= 12:
        return None
    if when in ("前", "之前", "以前"):
        return date(year, month, 1) - timedelta(days=1)
    if when == "初":
        return date(year, month, 10)
    if when == "中":
        return date(year, month, 20)
    return _month_end(year, month)


def _span(amount: str, unit: str, today: date) -> date | None:
    count = 0.5 if amount == "半" else to_int(amount)
    if count is None or count <= 0 or count > 1000:
        return None
    unit = unit.removeprefix("个")
    if unit == "年":
        return _add_months(today, int(count * 12)) if count <= MAX_YEARS_AHEAD else None
    if unit in ("月", "半月"):
        months = _add_months(today, int(count)) if count >= 1 else today
        return months + timedelta(days=15) if unit == "半月" or count < 1 else months
    days = {"周": 7, "星期": 7, "礼拜": 7}.get(unit, 1)
    return today + timedelta(days=int(count * days))


def _parse_date(text: str, today: date) -> date | None:
    if match := _FULL_DATE.search(text):
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    if match := _QUARTER.search(text):
        year = _year(match.group(1), today) if match.group(1) else today.year
        quarter = to_int(match.group(2))
        if year is None or quarter is None or not 1 <= quarter <= 4:
            return None
        found = _month_end(year, quarter * 3)
        return found if match.group(1) or found >= today else _month_end(year + 1, quarter * 3)
    if match := _YEAR_MONTH.search(text):
        year, month = _year(match.group(1), today), to_int(match.group(2))
        return _month_day(year, month, match.group(4)) if year is not None and month is not None else None
    if match := _MONTH_DAY.search(text):
        month, day = to_int(match.group(1)), to_int(match.group(2))
        if month is None or day is None:
            return None
        for year in (today.year, today.year + 1):
            try:
                on_day = date(year, month, day)
            except ValueError:
                return None
            if on_day >= today:
                return on_day
        return None
    if match := _HALF.search(text):
        year = today.year + (1 if "明年" in text else 0)
        return date(year, 6, 30) if match.group(1) == "上" else date(year, 12, 31)
    if (match := _SPAN.search(text)) and (after := _span(match.group(1), match.group(2), today)) is not None:
        return after
    if match := _YEAR_END.search(text):
        year = _year(match.group(1), today) if match.group(1) else today.year
        return date(year, 12, 31) if year is not None else None
    if match := _NEXT.search(text):
        if "周" in match.group(0) or "星期" in match.group(0):
            return today + timedelta(days=14 - today.weekday() - 1)
        nxt = _add_months(today.replace(day=1), 1)
        return _month_day(nxt.year, nxt.month, match.group(1) if match.group(1) != "末" else "底")
    if match := _MONTH_ONLY.search(text):
        month = to_int(match.group(1))
        if month is None or not 1 <= month <= 12:
            return None
        this_year = _month_day(today.year, month, match.group(3))
        if this_year is not None and this_year < today:
            return _month_day(today.year + 1, month, match.group(3))
        return this_year
    return None


def parse_deadline(text: str, today: date) -> Deadline | None:
    """The deadline ``text`` states relative to ``today``, or ``None`` when it states none we understand.

    "X月前" is read as before the first day of month X (so "明年6月前" is 31 May next year);
    "X月" / "X月底" as its last day. A date in the past is returned as such: the dialogue says so.
    """
    text = text.strip()
    if _ASAP.search(text) and not re.search(r"\d|[一二三四五六七八九十]", text):
        return Deadline(on=None, none=True, asap=True)
    found = _parse_date(text, today)
    if found is not None:
        if found.year > today.year + MAX_YEARS_AHEAD:
            return None
        return Deadline(on=found)
    if _NO_DEADLINE.search(text):
        return Deadline(on=None, none=True)
    return None
