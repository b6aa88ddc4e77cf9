from datetime import date

import pytest

from bot.parsing.deadline import parse_deadline

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明年6月前", date(2027, 5, 31)),
        ("明年6月底", date(2027, 6, 30)),
        ("2027年3月", date(2027, 3, 31)),
        ("2027年3月底前", date(2027, 3, 31)),
        ("三个月内", date(2027, 3, 2)),
        ("3个月内完成", date(2027, 3, 2)),
        ("半年内", date(2027, 6, 2)),
        ("一年", date(2027, 12, 2)),
        ("两周内", date(2026, 12, 16)),
        ("30天内", date(2027, 1, 1)),
        ("年底前", date(2026, 12, 31)),
        ("今年底", date(2026, 12, 31)),
        ("明年年底", date(2027, 12, 31)),
        ("2027-03-15", date(2027, 3, 15)),
        ("2027/3/15", date(2027, 3, 15)),
        ("3月15日", date(2027, 3, 15)),
        ("12月20号", date(2026, 12, 20)),
        ("下个月底", date(2027, 1, 31)),
        ("明年上半年", date(2027, 6, 30)),
        ("明年第二季度", date(2027, 6, 30)),
        ("6月底", date(2027, 6, 30)),
        ("希望在2028年完成前", None),
    ],
)
def test_deadline_dates(text: str, expected: date | None) -> None:
    found = parse_deadline(text, TODAY)
    if expected is None:
        assert found is None or found.on is None or found.on.year == 2028
    else:
        assert found is not None
        assert found.on == expected


@pytest.mark.parametrize(("text", "asap"), [("不限", False), ("没有要求", False), ("尽快", True), ("越快越好", True)])
def test_no_deadline_words(text: str, asap: bool) -> None:
    found = parse_deadline(text, TODAY)
    assert found is not None
    assert found.on is None
    assert found.none
    assert found.asap is asap


@pytest.mark.parametrize("text", ["火星上见", "看心情", "", "2099年1月"])
def test_deadline_not_understood(text: str) -> None:
    assert parse_deadline(text, TODAY) is None


def test_month_already_past_means_next_year() -> None:
    assert parse_deadline("3月", TODAY).on == date(2027, 3, 31)  # type: ignore[union-attr]
    assert parse_deadline("3月", date(2026, 1, 5)).on == date(2026, 3, 31)  # type: ignore[union-attr]


def test_describe_reads_as_a_date() -> None:
    assert parse_deadline("明年6月前", TODAY).describe() == "2027年5月31日前"  # type: ignore[union-attr]
