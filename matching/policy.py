"""Preferences and sizes applied after retrieval (values from ``core.settings.MatchingSettings``)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class MatchPolicy:
    top_experts: int = 20
    top_societies: int = 5
    team_size: int = 3
    region_bonus_same_area: float = 0.10
    region_bonus_same_city: float = 0.05
    station_bonus_same_area: float = 0.15
    station_bonus_same_city: float = 0.08
    society_weight_profile: float = 0.4
    society_weight_members: float = 0.6

    @classmethod
    def from_settings(cls, settings: Any) -> MatchPolicy:
        m = settings.matching
        return cls(**{f.name: getattr(m, f.name) for f in fields(cls)})

    def with_sizes(self, top_experts: int | None, top_societies: int | None) -> MatchPolicy:
        return replace(
            self,
            top_experts=self.top_experts if top_experts is None else top_experts,
            top_societies=self.top_societies if top_societies is None else top_societies,
        )
