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


_SUFFIXES = ("市", "区", "县", "综合实验区")


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _name_index() -> list[tuple[str, RegionRow]]:
    """(alias, region) pairs, longest alias first, so 福州市仓山区 prefers 仓山 over 福州."""
    pairs: list[tuple[str, RegionRow]] = []
    for row in region_rows():
        if row.level is RegionLevel.PROVINCE:
            continue
        for alias in {row.name, _short(row.name)}:
            pairs.append((alias, row))
        if row.is_special_zone:
            pairs.extend([("平潭综合实验区", row), ("平潭", row)])
    # Counties before cities for the same alias length; ambiguous short names (鼓楼, 城厢…) stay.
    return sorted(pairs, key=lambda p: (-len(p[0]), p[1].level is RegionLevel.CITY))


def resolve_region(text: str) -> RegionRow | None:
    """Find the most specific Fujian region named in free text, e.g. "晋江" → 350582."""
    best: RegionRow | None = None
    for alias, row in _name_index():
        if alias in text:
            if best is None or (best.level is RegionLevel.CITY and row.parent_code == best.code):
                best = row
            if best.level is RegionLevel.COUNTY:
                return best
    return best
