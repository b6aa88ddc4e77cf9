"""pyproject.toml lists packages explicitly; a package missing there would vanish from a wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_on_disk_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in ROOT.glob("**/__init__.py")
        if not {".venv", "tests", "build", "var"} & set(init.relative_to(ROOT).parts)
    }
    assert on_disk == listed


def test_wheel_contains_migrations_and_data_files(tmp_path: Path) -> None:
    """Build the real wheel and look inside: migrations, regions, dictionaries, demo code and its catalog ship."""
    # Build from a copy: setuptools writes build/ and *.egg-info into the source tree.
    source, out = tmp_path / "src", tmp_path / "dist"
    skip = shutil.ignore_patterns(".venv", "var", "build", ".git", "*.egg-info", "__pycache__", ".*_cache")
    shutil.copytree(ROOT, source, ignore=skip)
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run([*pip, "-w", str(out), str(source)], check=True, capture_output=True)
    (wheel,) = out.glob("zhuli-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "models/migrations/env.py",
        "models/migrations/script.py.mako",
        "directory/data/fujian_regions.csv",
        "ingestion/dicts/userdict.txt",
        "ingestion/dicts/stopwords.txt",
        "demo/loader.py",
        *(f"demo/data/{name}.json" for name in ("industries", "product_lines", "societies", "people", "governments")),
        "api/routes/pages.py",
    ):
        assert required in names, required
    assert any(n.startswith("models/migrations/versions/") and n.endswith(".py") for n in names)
