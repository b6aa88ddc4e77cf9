"""The shapes of the hand-written demo vocabulary: industries and their sub-fields.

A sub-field is the unit that makes experts and demands distinguishable: it owns its terms (research
fields), the topics, issues and methods that work titles are composed from, a few hand-written work
titles, the problems enterprises describe and the goals they state. Lists are written as one string
separated by "；" to keep the catalog readable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("；") if part.strip())


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
    """County codes where its enterprises sit; repeat a code to weight it."""
    products: tuple[str, ...]
    firm_suffixes: tuple[str, ...]
    employers: tuple[tuple[str, str], ...]
    """(employer, department) pairs of the experts who work on it."""
    subfields: tuple[SubField, ...]


def sub(
    key: str,
    name: str,
    *,
    terms: str,
    topics: str,
    issues: str,
    methods: str,
    titles: str,
    problems: str,
    goals: str,
    societies: str = "",
) -> SubField:
    return SubField(
        key=key,
        name=name,
        terms=split(terms),
        topics=split(topics),
        issues=split(issues),
        methods=split(methods),
        titles=split(titles),
        problems=split(problems),
        goals=split(goals),
        societies=split(societies),
    )


def employers(text: str) -> tuple[tuple[str, str], ...]:
    """ "福州大学/化学学院；宁德时代新能源科技股份有限公司/研究院" → pairs (department may be empty)."""
    pairs = []
    for item in split(text):
        employer, _, department = item.partition("/")
        pairs.append((employer.strip(), department.strip()))
    return tuple(pairs)


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
