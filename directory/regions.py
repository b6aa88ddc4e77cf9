"""Fujian's administrative divisions: loading the reference table and resolving names to codes."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import ValidationFailed
from models import Region, RegionLevel

PROVINCE_CODE = "350000"


@dataclass(frozen=True, slots=True)
class RegionRow:
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None
    is_demonstration: bool
    is_special_zone: bool
    full_name: str


@lru_cache(maxsize=1)
def region_rows() -> tuple[RegionRow, ...]:
    """The shipped table (directory/data/fujian_regions.csv), parents before children."""
    text = resources.files("directory").joinpath("data/fujian_regions.csv").read_text(encoding="utf-8")
    rows = [
        RegionRow(
            code=r["code"],
            name=r["name"],
            level=RegionLevel(r["level"]),
            parent_code=r["parent_code"] or None,
            is_demonstration=r["is_demonstration"] == "1",
            is_special_zone=r["is_special_zone"] == "1",
            full_name=r["full_name"],
        )
        for r in csv.DictReader(text.splitlines())
    ]
    order = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2}
    return tuple(sorted(rows, key=lambda r: (order[r.level], r.code)))


@lru_cache(maxsize=1)
def _rows_by_code() -> dict[str, RegionRow]:
    return {row.code: row for row in region_rows()}


def city_of(code: str) -> str | None:
    """The prefecture-level city ``code`` lies in (itself for a city); ``None`` for the province or an
    unknown code. From the shipped table, so it needs no database."""
    row = _rows_by_code().get(code)
    if row is None or row.level is RegionLevel.PROVINCE:
        return None
    return row.code if row.level is RegionLevel.CITY else row.parent_code


def is_city(code: str) -> bool:
    row = _rows_by_code().get(code)
    return row is not None and row.level is RegionLevel.CITY


def codes_in_city(city_code: str) -> frozenset[str]:
    """The city and every county under it (empty for a code that is no city)."""
    if not is_city(city_code):
        return frozenset()
    return frozenset(r.code for r in region_rows() if city_code in (r.code, r.parent_code))


def sync_regions(session: Session) -> int:
    """Insert missing regions and refresh names; keeps demonstration flags set by operators.

    Returns the number of rows inserted.
    """
    existing = {r.code: r for r in session.scalars(select(Region))}
    inserted = 0
    for row in region_rows():
        region = existing.get(row.code)
        if region is None:
            session.add(
                Region(
                    code=row.code,
                    name=row.name,
                    full_name=row.full_name,
                    level=row.level,
                    parent_code=row.parent_code,
                    is_demonstration=row.is_demonstration,
                    is_special_zone=row.is_special_zone,
                )
            )
            inserted += 1
            session.flush()
        else:
            region.name, region.full_name = row.name, row.full_name
            region.level, region.parent_code = row.level, row.parent_code
            region.is_special_zone = row.is_special_zone
    session.flush()
    return inserted


def list_regions(session: Session, *, demonstration_only: bool = False) -> list[Region]:
    """Every region in code order (or only the demonstration areas)."""
    stmt = select(Region).order_by(Region.code)
    if demonstration_only:
        stmt = stmt.where(Region.is_demonstration.is_(True))
    return list(session.scalars(stmt))


def get_region(session: Session, code: str) -> Region:
    region = session.get(Region, code)
    if region is None:
        raise ValidationFailed(f"行政区划代码 {code} 不存在或不属于福建省")
    return region


def region_subtree(session: Session, code: str) -> frozenset[str]:
    """The codes a body at ``code`` oversees: itself, and for a city its counties.

    Pingtan (``is_special_zone``) is county-level by its code but city-level in the programme: its
    own association oversees it, the Fuzhou city association does not. The province covers all.
    """
    region = get_region(session, code)
    if region.level is RegionLevel.PROVINCE:
        return frozenset(session.scalars(select(Region.code)))
    if region.level is RegionLevel.COUNTY:
        return frozenset({region.code})
    children = session.scalars(
        select(Region.code).where(Region.parent_code == region.code, Region.is_special_zone.is_(False))
    )
    return frozenset({region.code, *children})


_SUFFIXES = ("综合实验区", "市", "区", "县")
_PINGTAN_ALIASES = ("平潭综合实验区", "平潭")


@dataclass(frozen=True, slots=True)
class RegionGuess:
    """``region`` when one county (or Pingtan) is meant; else ``choices`` to ask back (may be empty)."""

    region: RegionRow | None
    choices: tuple[RegionRow, ...] = ()


def region_by_code(code: str) -> RegionRow | None:
    return _rows_by_code().get(code)


def counties_of(city: RegionRow) -> tuple[RegionRow, ...]:
    """The county-level regions under ``city``, in code order."""
    return tuple(r for r in region_rows() if r.parent_code == city.code)


def _aliases(row: RegionRow) -> set[str]:
    """The names a region goes by in free text: 晋江市 and 晋江; Pingtan also as 平潭综合实验区."""
    names = {row.name}
    for suffix in _SUFFIXES:
        if row.name.endswith(suffix) and len(row.name) - len(suffix) >= 2:
            names.add(row.name[: -len(suffix)])
            break
    if row.is_special_zone:
        names.update(_PINGTAN_ALIASES)
    return names


@lru_cache(maxsize=1)
def _name_index() -> tuple[tuple[str, RegionRow], ...]:
    """(alias, region) pairs, longest alias first, so 福州市仓山区 prefers 仓山区 over 仓山.

    Counties come before cities for the same alias length; ambiguous short names (鼓楼, 城厢…) stay.
    """
    pairs = [(alias, row) for row in region_rows() if row.level is not RegionLevel.PROVINCE for alias in _aliases(row)]
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[1].level is RegionLevel.CITY, p[1].code)))


def regions_named(text: str) -> list[RegionRow]:
    """The regions named in ``text``, longest names first, each stretch of the text used once."""
    taken = [False] * len(text)
    found: list[RegionRow] = []
    for alias, row in _name_index():
        start = text.find(alias)
        while start >= 0:
            end = start + len(alias)
            if not any(taken[start:end]):
                taken[start:end] = [True] * len(alias)
                if row not in found:
                    found.append(row)
            start = text.find(alias, end)
    return found


def guess_region(text: str) -> RegionGuess:
    """The county-level region ``text`` names, or the choices to offer (the bot's dialogue asks back).

    A county named (alone or with its city) is the answer; a city alone gives its counties as
    choices; regions of different places give those places as choices; nothing known gives none.
    Pingtan is county-level by code and stands on its own.
    """
    mentions = regions_named(text)
    counties = [r for r in mentions if r.level is RegionLevel.COUNTY]
    cities = [r for r in mentions if r.level is RegionLevel.CITY]
    if len(counties) == 1 and all(counties[0].parent_code == c.code for c in cities):
        return RegionGuess(region=counties[0])
    if len(counties) > 1:
        return RegionGuess(region=None, choices=tuple(counties))
    if len(cities) == 1 and not counties:
        return RegionGuess(region=None, choices=counties_of(cities[0]))
    return RegionGuess(region=None, choices=tuple(counties or cities))


def resolve_region(text: str) -> RegionRow | None:
    """The most specific region named in free text, never asking back (imports): "晋江" → 350582.

    The first (longest) name wins; a city gives way to a county of its own named beside it.
    """
    mentions = regions_named(text)
    if not mentions:
        return None
    first = mentions[0]
    if first.level is RegionLevel.COUNTY:
        return first
    return next((r for r in mentions if r.parent_code == first.code), first)
