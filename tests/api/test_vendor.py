"""Front-end assets are vendored from npm (pinned, checked by sha256) and served locally, never from a CDN."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "api" / "static" / "vendor"


def test_every_vendored_file_matches_the_sha256_its_manifest_recorded() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "vendor_assets.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_the_manifest_pins_exact_versions_of_htmx_and_echarts() -> None:
    packages = json.loads((VENDOR / "manifest.json").read_text(encoding="utf-8"))["packages"]
    assert set(packages) >= {"htmx.org", "echarts"}
    for spec in packages.values():
        assert re.fullmatch(r"\d+\.\d+\.\d+", spec["version"]), spec["version"]


def test_vendored_scripts_are_served_by_the_app(client: TestClient) -> None:
    htmx = client.get("/static/vendor/htmx.org/htmx.min.js")
    assert htmx.status_code == 200
    assert htmx.content == (VENDOR / "htmx.org" / "htmx.min.js").read_bytes()
    assert client.get("/static/vendor/echarts/echarts.min.js").status_code == 200
    assert client.get("/static/console.css").status_code == 200
