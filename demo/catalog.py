"""The demo's domain vocabulary: industries, their sub-fields and product lines (``data/industries.json``,
``data/product_lines.json``).

A sub-field is the unit that makes experts and demands distinguishable: it owns its terms (research
fields), the topics, issues and methods that work titles are composed from, a few hand-written work
titles, the problems enterprises describe and the goals they state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from demo.datafiles import read


@dataclass(frozen=True, slots=True)
class SubField:
    key: str
    name: str
    terms: tuple[str, ...]
    """Research-field terms: what an expert of this sub-field lists under 研究领域."""
    topics: tuple[str, ...]
    """Objects of study (materials, products, processes), e.g. 陶瓷涂层隔膜."""
    issues: tuple[str, ...]
    """Properties or problems of a topic, e.g. 厚度均匀性."""
    methods: tuple[str, ...]
    """Approaches, e.g. 在线检测与闭环控制."""
    titles: tuple[str, ...]
    """Hand-written work titles, each used by at most one expert."""
    problems: tuple[str, ...]
    """Problems in an enterprise's own words, e.g. 隔膜涂布厚度老是不均匀，良品率上不去."""
    goals: tuple[str, ...]
    """Technical targets a demand may state."""
    societies: tuple[str, ...] = ()
    """Society codes that fit this sub-field best, before the industry's own."""


@dataclass(frozen=True, slots=True)
class Industry:
    key: str
    label: str
    """The industry as stored on enterprises, demands and society profiles, e.g. 锂电池."""
    societies: tuple[str, ...]
    """Society codes that serve the industry, the leading one first."""
    regions: tuple[str, ...]
    """County codes where its enterprises sit; a repeated code weights it."""
    products: tuple[str, ...]
    firm_suffixes: tuple[str, ...]
    employers: tuple[tuple[str, str], ...]
    """(employer, department) pairs of the experts who work on it (written "employer/department")."""
    subfields: tuple[SubField, ...]


ProductLine = tuple[str, tuple[str, ...], tuple[str, ...]]
"""(product, sub-field suffixes its demands are about, counties where it is made; empty = anywhere)."""

_SUBFIELD_LISTS = ("terms", "topics", "issues", "methods", "titles", "problems", "goals", "societies")


def _subfield(raw: dict[str, Any]) -> SubField:
    lists = {name: tuple(raw.get(name, ())) for name in _SUBFIELD_LISTS}
    return SubField(key=raw["key"], name=raw["name"], **lists)


def _employer(text: str) -> tuple[str, str]:
    employer, _, department = text.partition("/")
    return employer.strip(), department.strip()


def _industry(raw: dict[str, Any]) -> Industry:
    return Industry(
        key=raw["key"],
        label=raw["label"],
        societies=tuple(raw["societies"]),
        regions=tuple(raw["regions"]),
        products=tuple(raw["products"]),
        firm_suffixes=tuple(raw["firm_suffixes"]),
        employers=tuple(_employer(e) for e in raw["employers"]),
        subfields=tuple(_subfield(sf) for sf in raw["subfields"]),
    )


INDUSTRIES: tuple[Industry, ...] = tuple(_industry(raw) for raw in read("industries.json"))
SUBFIELDS: dict[str, SubField] = {sf.key: sf for industry in INDUSTRIES for sf in industry.subfields}
INDUSTRY_OF: dict[str, Industry] = {sf.key: industry for industry in INDUSTRIES for sf in industry.subfields}
INDUSTRY_BY_LABEL: dict[str, Industry] = {industry.label: industry for industry in INDUSTRIES}

PRODUCT_LINES: dict[str, tuple[ProductLine, ...]] = {
    key: tuple((line["product"], tuple(line["subfields"]), tuple(line.get("regions", ()))) for line in lines)
    for key, lines in read("product_lines.json")["lines"].items()
}
SUFFIX_RULES: dict[str, frozenset[str]] = {
    key: frozenset(products) for key, products in read("product_lines.json")["suffix_rules"].items()
}
"""A firm suffix that names a kind of product only fits those products (no 游艇有限公司 building 滚装船)."""


def suffix_fits(suffix: str, product: str) -> bool:
    return all(product in allowed for key, allowed in SUFFIX_RULES.items() if key in suffix)


def join(head: str, tail: str) -> str:
    """Concatenate two phrases without repeating their seam: 日用瓷滚压成型 + 成型效率 → 日用瓷滚压成型效率."""
    for k in (3, 2):
        if len(tail) > k and head.endswith(tail[:k]):
            return head + tail[k:]
    return head + tail


def fill(template: str, values: dict[str, object]) -> str:
    """``str.format`` where two adjacent phrases ("{t}{i}") are joined without repeating their seam."""

    def joined(match: re.Match[str]) -> str:
        text = join(str(values[match.group(1)]), str(values[match.group(2)]))
        return text.replace("{", "{{").replace("}", "}}")

    return re.sub(r"\{(\w+)\}\{(\w+)\}", joined, template).format(**values)
