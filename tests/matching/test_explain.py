"""Reasons read as a person would write them."""

from __future__ import annotations

from matching.explain import expert_reason
from matching.schemas import SupportingWork


def test_titles_with_their_own_book_marks_are_not_wrapped_twice() -> None:
    works = [
        SupportingWork(id=1, title="团体标准《菌包木霉污染率检测方法》", year=2023, kind="standard", score=0.9),
        SupportingWork(id=2, title="香菇菌棒木霉侵染的早期识别", year=2022, kind="paper", score=0.8),
    ]
    reason = expert_reason([], works, None)
    assert reason == "代表成果：团体标准《菌包木霉污染率检测方法》、《香菇菌棒木霉侵染的早期识别》"
    assert "《团体标准" not in reason


def test_a_matching_field_item_is_named_first() -> None:
    works = [SupportingWork(id=1, title="热声耦合辨识", year=2023, kind="paper", score=0.9)]
    reason = expert_reason(["燃烧室"], works, None, "航空发动机燃烧室热声不稳定性监测")
    assert reason.startswith("研究方向与需求相符：航空发动机燃烧室热声不稳定性监测；关键词吻合：燃烧室")
    assert expert_reason([], [], None, None) == "研究方向与需求语义相近"
