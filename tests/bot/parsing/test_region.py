import pytest

from bot.parsing.region import parse_region


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("晋江", "350582"),
        ("晋江市", "350582"),
        ("福州市仓山区", "350104"),
        ("仓山", "350104"),
        ("平潭", "350128"),
        ("平潭综合实验区", "350128"),
        ("我们在泉州晋江", "350582"),
        ("鼓楼区", "350102"),
        ("厦门湖里", "350206"),
        ("龙岩市新罗区", "350802"),
    ],
)
def test_county_understood(text: str, code: str) -> None:
    guess = parse_region(text)
    assert guess.region is not None
    assert guess.region.code == code


def test_city_alone_asks_for_its_counties() -> None:
    guess = parse_region("泉州")
    assert guess.region is None
    names = [r.name for r in guess.choices]
    assert "晋江市" in names
    assert "石狮市" in names
    assert all(r.parent_code == "350500" for r in guess.choices)


@pytest.mark.parametrize("text", ["福州和厦门", "晋江或者石狮"])
def test_two_places_ask_back(text: str) -> None:
    guess = parse_region(text)
    assert guess.region is None
    assert len(guess.choices) == 2


@pytest.mark.parametrize("text", ["火星", "北京市朝阳区", ""])
def test_unknown_places(text: str) -> None:
    guess = parse_region(text)
    assert guess.region is None
    assert guess.choices == ()


def test_county_with_a_different_city_is_not_taken() -> None:
    guess = parse_region("厦门市晋江")
    assert guess.region is None
