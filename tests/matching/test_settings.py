"""Every matching knob has one home (``MatchingSettings``) and reaches the engine typed."""

from __future__ import annotations

from pathlib import Path

from core.settings import MatchingSettings, Settings
from matching.engine import MatchingEngine
from matching.policy import MatchPolicy
from matching.scoring import FusionWeights


def test_every_matching_setting_reaches_the_engine(tmp_path: Path) -> None:
    changed: dict[str, float | int] = {}
    for name, info in MatchingSettings.model_fields.items():
        default = info.default
        changed[name] = default + 7 if isinstance(default, int) else default + 0.125
    engine = MatchingEngine.from_settings(Settings(data_dir=tmp_path, matching=MatchingSettings(**changed)))

    seen = {**vars(engine.policy)}
    fusion = vars(engine.weights)
    seen.update(
        {
            (
                "weight_" + k
                if k in {"lexical_profile", "lexical_works", "dense_works", "dense_profile", "dense_passages"}
                else k
            ): v
            for k, v in fusion.items()
        }
    )
    assert seen == changed


def test_the_defaults_are_the_settings_defaults() -> None:
    defaults = MatchingSettings()
    assert MatchPolicy.from_settings().society_profile_dense == defaults.society_profile_dense
    assert FusionWeights.from_settings().profile_depth == defaults.profile_depth
