"""Demand category (seed art. 11) and industry from text, by weighted cue words.

Transparent on purpose: every guess says which cues fired, so a reviewer can see why and the cue
tables in :mod:`ingestion.cues` can be tuned with a test. Cues found in the title count
:data:`TITLE_FACTOR` times. Unclear text falls back to 关键技术问题 (the project's most common
case) with confidence 0 and no industry.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from pydantic import BaseModel, ConfigDict

from ingestion.cues import ABSORBERS, CATEGORY_CUES, INDUSTRY_CUES
from models.enums import DemandCategory

DEFAULT_CATEGORY = DemandCategory.KEY_TECHNOLOGY
TITLE_FACTOR = 1.5
MIN_CATEGORY_SCORE = 1.5
MIN_INDUSTRY_SCORE = 1.5
INDUSTRIES: tuple[str, ...] = tuple(INDUSTRY_CUES)
CROSS_CUTTING: frozenset[str] = frozenset({"环保", "数字经济", "机械装备"})
"""Industries that also name a kind of problem (waste water, digitalisation, automation) in any
sector: they win only when no sector-specific industry is named, otherwise they are alternatives."""


class CategoryGuess(BaseModel):
    model_config = ConfigDict(frozen=True)

    category: DemandCategory
    confidence: float
    """0–1: the winner's share against the runner-up (0 when nothing fired and the default applies)."""
    cues: tuple[str, ...]
    """Cue words that voted for ``category``, strongest first."""
    is_default: bool = False

    @property
    def label(self) -> str:
        return self.category.label


class IndustryGuess(BaseModel):
    model_config = ConfigDict(frozen=True)

    industry: str
    """One of :data:`INDUSTRIES`, or ``""`` when the text names no industry."""
    confidence: float
    cues: tuple[str, ...]
    alternatives: tuple[str, ...] = ()
    """Other industries that also passed the threshold, best first (cross-industry demands)."""


@dataclass(frozen=True, slots=True)
class _Ranking:
    scores: dict[str, float]
    cues: dict[str, list[tuple[str, float]]]

    def ordered(self, priority: Iterable[str]) -> list[str]:
        order = {label: i for i, label in enumerate(priority)}
        return sorted(self.scores, key=lambda k: (-self.scores[k], -len(self.cues[k]), order.get(k, 99)))

    def cue_words(self, label: str) -> tuple[str, ...]:
        strongest = sorted(self.cues[label], key=lambda c: -c[1])
        return tuple(dict.fromkeys(word for word, _ in strongest))


def _pattern_for(cue: str) -> str:
    escaped = re.escape(cue)
    return f"(?<![A-Za-z]){escaped}(?![A-Za-z])" if cue.isascii() else escaped


class _CueMatcher:
    """Longest-first, non-overlapping matching of all cues of one table (plus absorbers)."""

    def __init__(self, table: Mapping[str, Mapping[str, float]]) -> None:
        self.weights: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for label, cues in table.items():
            for cue, weight in cues.items():
                self.weights[cue.lower()].append((label, float(weight)))
        self.absorbers = frozenset(a.lower() for a in ABSORBERS)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        words = sorted(set(self.weights) | self.absorbers, key=lambda w: (-len(w), w))
        return re.compile("|".join(_pattern_for(w) for w in words), re.IGNORECASE)

    def rank(self, text: str, title: str) -> _Ranking:
        scores: dict[str, float] = defaultdict(float)
        fired: dict[str, list[tuple[str, float]]] = defaultdict(list)
        seen: set[tuple[str, str, float]] = set()
        # A cue counts once per part, however often it repeats: repetition is style, not evidence.
        for part, factor in ((title, TITLE_FACTOR), (text, 1.0)):
            for match in self.regex.finditer(part):
                word = match.group().lower()
                for label, weight in self.weights.get(word, ()):
                    if (label, word, factor) in seen:
                        continue
                    seen.add((label, word, factor))
                    scores[label] += weight * factor
                    fired[label].append((match.group(), weight * factor))
        return _Ranking(scores=dict(scores), cues=dict(fired))


_category_matcher = _CueMatcher({c.value: cues for c, cues in CATEGORY_CUES.items()})
_industry_matcher = _CueMatcher(INDUSTRY_CUES)


def _confidence(top: float, second: float) -> float:
    return round(top / (top + second + 1.0), 3)


def classify_category(text: str, *, title: str = "") -> CategoryGuess:
    """The seed art. 11 category a reader would give the demand; 关键技术问题 when unclear."""
    ranking = _category_matcher.rank(text, title)
    priority = [DEFAULT_CATEGORY.value, *(c.value for c in DemandCategory)]
    ordered = ranking.ordered(priority)
    if not ordered or ranking.scores[ordered[0]] < MIN_CATEGORY_SCORE:
        return CategoryGuess(category=DEFAULT_CATEGORY, confidence=0.0, cues=(), is_default=True)
    top = ordered[0]
    second = ranking.scores[ordered[1]] if len(ordered) > 1 else 0.0
    return CategoryGuess(
        category=DemandCategory(top),
        confidence=_confidence(ranking.scores[top], second),
        cues=ranking.cue_words(top),
    )


def classify_industry(text: str, *, title: str = "") -> IndustryGuess:
    """The Fujian industry the demand belongs to (Chinese label), or ``""`` when none is named.

    A sector (茶, 石材 …) beats a :data:`CROSS_CUTTING` one: 石材 waste water is a 石材 demand
    with 环保 as an alternative.
    """
    ranking = _industry_matcher.rank(text, title)
    passed = [label for label in ranking.ordered(INDUSTRIES) if ranking.scores[label] >= MIN_INDUSTRY_SCORE]
    ordered = [x for x in passed if x not in CROSS_CUTTING] + [x for x in passed if x in CROSS_CUTTING]
    if not ordered:
        return IndustryGuess(industry="", confidence=0.0, cues=())
    top = ordered[0]
    second = ranking.scores[ordered[1]] if len(ordered) > 1 else 0.0
    return IndustryGuess(
        industry=top,
        confidence=_confidence(ranking.scores[top], second),
        cues=ranking.cue_words(top),
        alternatives=tuple(ordered[1:]),
    )
