"""The provincial societies (省级学会) of the demo and their service stations (学会服务站), from
``data/societies.json``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from demo.catalog import INDUSTRIES
from demo.datafiles import read


@dataclass(frozen=True, slots=True)
class SocietySpec:
    code: str
    name: str
    discipline: str
    industries: tuple[str, ...]
    description: str
    is_pilot: bool = False


def _society(raw: dict[str, Any]) -> SocietySpec:
    return SocietySpec(
        raw["code"], raw["name"], raw["discipline"], tuple(raw["industries"]), raw["description"], raw["is_pilot"]
    )


def _with_catalog_industries(specs: tuple[SocietySpec, ...]) -> tuple[SocietySpec, ...]:
    """Add every industry whose sub-fields name the society, after the ones it leads with."""
    served: dict[str, list[str]] = {}
    for industry in INDUSTRIES:
        codes = set(industry.societies) | {c for sf in industry.subfields for c in sf.societies}
        for code in codes:
            served.setdefault(code, []).append(industry.label)
    return tuple(
        replace(spec, industries=tuple(dict.fromkeys(spec.industries + tuple(served.get(spec.code, ())))))
        for spec in specs
    )


SOCIETIES: tuple[SocietySpec, ...] = _with_catalog_industries(
    tuple(_society(raw) for raw in read("societies.json")["societies"])
)
SOCIETY_BY_CODE: dict[str, SocietySpec] = {s.code: s for s in SOCIETIES}


@dataclass(frozen=True, slots=True)
class StationSpec:
    society_code: str
    region_code: str
    established_on: date


STATIONS: tuple[StationSpec, ...] = tuple(
    StationSpec(raw["society"], raw["region"], date.fromisoformat(raw["established_on"]))
    for raw in read("societies.json")["stations"]
)
