"""The demo's hand-written catalog lives in JSON files under ``demo/data/`` (shipped in the wheel)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def read(name: str) -> Any:
    """The parsed contents of ``demo/data/<name>`` (read once per process)."""
    text = resources.files("demo").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)
