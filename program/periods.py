"""Reporting months and their deadlines, in Beijing time (the programme's calendar).

A report on month ``(year, month)`` is due by the end of day ``report_due_day`` of the next month,
Beijing time; it becomes overdue the moment after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from core.clock import BEIJING


@dataclass(frozen=True, order=True, slots=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, moment: datetime) -> Month:
        local = moment.astimezone(BEIJING)
        return cls(local.year, local.month)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def start(self) -> datetime:
        """The first moment of the month (Beijing time), as UTC."""
        return datetime.combine(date(self.year, self.month, 1), time(), BEIJING).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The first moment of the next month (exclusive bound)."""
        return self.next().start

    def due_date(self, due_day: int) -> date:
        following = self.next()
        return date(following.year, following.month, due_day)

    def due_at(self, due_day: int) -> datetime:
        """The end of the due day: a report handed in before this instant is on time."""
        return datetime.combine(self.due_date(due_day) + timedelta(days=1), time(), BEIJING).astimezone(UTC)

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def last_completed(now: datetime) -> Month:
    """The latest month that has ended at ``now``: the one units report on now."""
    return Month.of(now).previous()


def owed_months(now: datetime, lookback: int) -> list[Month]:
    """The ``lookback`` latest completed months, newest first."""
    months, month = [], last_completed(now)
    for _ in range(lookback):
        months.append(month)
        month = month.previous()
    return months
