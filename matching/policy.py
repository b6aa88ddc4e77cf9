"""Preferences and sizes applied after retrieval (values and defaults: ``core.settings.MatchingSettings``)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from core.settings import MatchingSettings


@dataclass(frozen=True)
class MatchPolicy:
    top_experts: int
    top_societies: int
    team_size: int
    region_bonus_same_area: float
    region_bonus_same_city: float
    station_bonus_same_area: float
    station_bonus_same_city: float
    society_weight_profile: float
    society_weight_members: float
    society_profile_dense: float
    society_profile_lexical: float

    @classmethod
    def from_settings(cls, m: MatchingSettings | None = None) -> MatchPolicy:
        m = m or MatchingSettings()
        return cls(**{f.name: getattr(m, f.name) for f in fields(cls)})

    def with_sizes(self, top_experts: int | None, top_societies: int | None) -> MatchPolicy:
        return replace(
            self,
            top_experts=self.top_experts if top_experts is None else top_experts,
            top_societies=self.top_societies if top_societies is None else top_societies,
        )
