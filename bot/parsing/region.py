"""Fujian regions named in free text ("晋江", "福州市仓山区", "平潭"), with the choices when it is not clear."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from directory.regions import RegionRow, region_rows
from models import RegionLevel

_SUFFIXES = ("综合实验区", "市", "区", "县")
_SPECIAL_ALIASES = {"平潭综合实验区": "平潭", "平潭县": "平潭"}


@dataclass(frozen=True, slots=True)
class RegionGuess:
    """``region`` when one county (or Pingtan) is meant; else ``choices`` to ask back (may be empty)."""

    region: RegionRow | None
    choices: tuple[RegionRow, ...] = ()


def _aliases(row: RegionRow) -> set[str]:
    names = {row.name}
    for suffix in _SUFFIXES:
        if row.name.endswith(suffix) and len(row.name) - len(suffix) >= 2:
            names.add(row.name[: -len(suffix)])
            break
    for alias, short in _SPECIAL_ALIASES.items():
        if row.name.startswith(short):
            names.update({alias, short})
    return names


@lru_cache(maxsize=1)
def _index() -> tuple[tuple[str, RegionRow], ...]:
    pairs = [(alias, row) for row in region_rows() if row.level is not RegionLevel.PROVINCE for alias in _aliases(row)]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@lru_cache(maxsize=1)
def _by_code() -> dict[str, RegionRow]:
    return {row.code: row for row in region_rows()}


def counties_of(city: RegionRow) -> tuple[RegionRow, ...]:
    """The county-level regions under ``city``, in code order."""
    return tuple(r for r in region_rows() if r.parent_code == city.code)


def _mentions(text: str) -> list[RegionRow]:
    """Regions named in ``text``, longest names first, each place in the text used once."""
    taken = [False] * len(text)
    found: list[RegionRow] = []
    for alias, row in _index():
        start = text.find(alias)
        while start >= 0:
            end = start + len(alias)
            if not any(taken[start:end]):
                for i in range(start, end):
                    taken[i] = True
                if row not in found:
                    found.append(row)
            start = text.find(alias, end)
    return found


def parse_region(text: str) -> RegionGuess:
    """The county-level region ``text`` names, or the choices to offer.

    A county named (alone or with its city) is the answer; a city alone gives its counties as
    choices; regions of different places give those places as choices; nothing known gives none.
    Pingtan is county-level by code and stands on its own.
    """
    mentions = _mentions(text)
    if not mentions:
        return RegionGuess(region=None)
    counties = [r for r in mentions if r.level is RegionLevel.COUNTY]
    cities = [r for r in mentions if r.level is RegionLevel.CITY]
    if len(counties) == 1:
        county = counties[0]
        if all(county.parent_code == c.code for c in cities):
            return RegionGuess(region=county)
    if len(counties) > 1:
        return RegionGuess(region=None, choices=tuple(counties))
    if len(cities) == 1 and not counties:
        return RegionGuess(region=None, choices=counties_of(cities[0]))
    return RegionGuess(region=None, choices=tuple(counties or cities))


def region_by_code(code: str) -> RegionRow | None:
    return _by_code().get(code)
