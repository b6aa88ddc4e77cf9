"""Names, titles and employers: the people side of the demo data."""

from __future__ import annotations

import enum
import random
from collections.abc import Sequence
from typing import TypeVar

from demo.datafiles import read

_PEOPLE = read("people.json")
SURNAMES: tuple[tuple[str, int], ...] = tuple((name, weight) for name, weight in _PEOPLE["surnames"])
"""Surnames weighted roughly by their frequency in Fujian (陈 and 林 lead by far)."""
GIVEN_CHARS: tuple[str, ...] = tuple(_PEOPLE["given_chars"])
TWO_CHAR_GIVEN: tuple[str, ...] = tuple(_PEOPLE["two_char_given"])
"""Given names used as whole, the way many Fujianese names are built (辈分字 + one character)."""


T = TypeVar("T")


def weighted(rng: random.Random, pairs: Sequence[tuple[T, int]]) -> T:
    """One value drawn from (value, weight) pairs."""
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


def person_name(rng: random.Random) -> str:
    surname = weighted(rng, SURNAMES)
    roll = rng.random()
    if roll < 0.45:
        given = rng.choice(TWO_CHAR_GIVEN)
    elif roll < 0.85:
        given = rng.choice(GIVEN_CHARS) + rng.choice(GIVEN_CHARS)
    else:
        given = rng.choice(GIVEN_CHARS)
    return surname + given


def mobile(rng: random.Random) -> str:
    prefix = rng.choice(("133", "135", "136", "137", "138", "139", "150", "151", "158", "159", "180",
                         "186", "187", "188", "189", "177", "199"))  # fmt: skip
    return prefix + f"{rng.randrange(10**8):08d}"


AREA_CODES: dict[str, str] = dict(_PEOPLE["area_codes"])
"""Telephone area codes by the first four digits of a region code (the city)."""


def area_code(region_code: str) -> str:
    return AREA_CODES.get(region_code[:4], "0591")


def office_phone(rng: random.Random, area: str = "0591") -> str:
    return f"{area}-{rng.randrange(2, 9)}{rng.randrange(10**6, 10**7):07d}"[:13]


class EmployerKind(enum.StrEnum):
    UNIVERSITY = "university"
    INSTITUTE = "institute"
    ENTERPRISE = "enterprise"


def employer_kind(employer: str) -> EmployerKind:
    if employer.endswith(("公司", "分公司")):
        return EmployerKind.ENTERPRISE
    if employer.endswith(("大学", "学院")):
        return EmployerKind.UNIVERSITY
    return EmployerKind.INSTITUTE


TITLES: dict[EmployerKind, tuple[tuple[str, int], ...]] = {
    EmployerKind(kind): tuple((title, weight) for title, weight in pairs) for kind, pairs in _PEOPLE["titles"].items()
}


def pick_title(rng: random.Random, kind: EmployerKind) -> str:
    return weighted(rng, TITLES[kind])


EMPLOYER_REGIONS: dict[str, str] = dict(_PEOPLE["employer_regions"])
"""Where each employer sits (county-level code), so an expert's region follows from the employer."""
