import pytest

from directory.regions import guess_region, resolve_region


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
    guess = guess_region(text)
    assert guess.region is not None
    assert guess.region.code == code


def test_city_alone_asks_for_its_counties() -> None:
    guess = guess_region("泉州")
    assert guess.region is None
    names = [r.name for r in guess.choices]
    assert "晋江市" in names
    assert "石狮市" in names
    assert all(r.parent_code == "350500" for r in guess.choices)


@pytest.mark.parametrize("text", ["福州和厦门", "晋江或者石狮"])
def test_two_places_ask_back(text: str) -> None:
    guess = guess_region(text)
    assert guess.region is None
    assert len(guess.choices) == 2


@pytest.mark.parametrize("text", ["火星", "北京市朝阳区", ""])
def test_unknown_places(text: str) -> None:
    guess = guess_region(text)
    assert guess.region is None
    assert guess.choices == ()


def test_county_with_a_different_city_is_not_taken() -> None:
    guess = guess_region("厦门市晋江")
    assert guess.region is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("晋江", "350582"),
        ("福州市仓山区", "350104"),
        ("平潭综合实验区", "350128"),
        ("福建省泉州市晋江市陈埭镇", "350582"),
        ("泉州", "350500"),
        ("厦门市晋江", "350200"),  # the first name wins; a county elsewhere does not replace it
    ],
)
def test_imports_resolve_the_most_specific_region(text: str, code: str) -> None:
    found = resolve_region(text)
    assert found is not None
    assert found.code == code


def test_imports_and_the_dialogue_read_a_county_alike() -> None:
    """One name table for both: every county, by its full or its short name, resolves the same way."""
    from directory.regions import region_rows
    from models import RegionLevel

    for row in region_rows():
        if row.level is not RegionLevel.COUNTY:
            continue
        short = row.name[:-1] if len(row.name) > 2 else row.name
        for text in (row.name, row.full_name, short):
            guess = guess_region(text)
            resolved = resolve_region(text)
            assert resolved is not None, text
            if guess.region is not None:
                assert guess.region == resolved, text
            else:  # a short name two counties share (鼓楼, 城厢): the dialogue asks, imports take one of them
                assert resolved in guess.choices, text
