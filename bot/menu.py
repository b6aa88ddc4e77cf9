"""The Official Account's custom menu: what ``zhuli wechat menu`` installs and the keys the dialogue reads."""

from __future__ import annotations

from typing import Any

SUBMIT = "SUBMIT"
"""Click key of 提交需求: starts (or resumes) a demand draft."""
MY_DEMANDS = "MY_DEMANDS"
"""Click key of 我的需求: the user's demands with their status."""
HELP = "HELP"
"""Click key of 帮助: what the service does and the commands."""

MENU_KEYS = (SUBMIT, MY_DEMANDS, HELP)

MENU: dict[str, Any] = {
    "button": [
        {"type": "click", "name": "提交需求", "key": SUBMIT},
        {"type": "click", "name": "我的需求", "key": MY_DEMANDS},
        {"type": "click", "name": "帮助", "key": HELP},
    ]
}
"""The menu as the platform's ``menu/create`` API takes it."""
