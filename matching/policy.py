"""Preferences and sizes applied after retrieval (values and defaults: ``core.settings.MatchingSettings``)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from core.errors import ValidationFailed
from core.settings import MatchingSettings

MAX_TOP_EXPERTS = 100
MAX_TOP_SOCIETIES = 20
"""How many experts (1..) and societies (0..) a user may ask for: the API and the CLI bound alike
(the evaluation ranks more through :meth:`MatchPolicy.with_sizes` directly)."""


def check_requested_sizes(top_experts: int | None, top_societies: int | None) -> None:
    """Refuse result sizes a user may not ask for, in Chinese."""
    if top_experts is not None and not 1 <= top_experts <= MAX_TOP_EXPERTS:
        raise ValidationFailed(f"推荐专家数应在 1 到 {MAX_TOP_EXPERTS} 之间（收到 {top_experts}）")
    if top_societies is not None and not 0 <= top_societies <= MAX_TOP_SOCIETIES:
        raise ValidationFailed(f"推荐学会数应在 0 到 {MAX_TOP_SOCIETIES} 之间（收到 {top_societies}）")


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
        """This policy with other result sizes; a size below 1 expert or 0 societies is refused (a
        negative one would otherwise slice from the end)."""
        if (top_experts is not None and top_experts < 1) or (top_societies is not None and top_societies < 0):
            check_requested_sizes(top_experts, top_societies)
        return replace(
            self,
            top_experts=self.top_experts if top_experts is None else top_experts,
            top_societies=self.top_societies if top_societies is None else top_societies,
        )
