"""Refresh the front-end assets vendored under ``api/static/vendor/`` from their npm packages.

``api/static/vendor/manifest.json`` names each npm package, its pinned version and the files to take
from it (``"<name in the folder>": {"from": "<path inside the package>"}``). This script fetches each
package with ``npm pack`` (the npm registry, never a CDN), copies the files into
``api/static/vendor/<package>/`` and records their sha256 in the manifest, so the committed copies can
be checked (``tests/api/test_vendor.py``) and ``make run`` never needs npm. Add a package by adding an
entry and running ``make vendor``.

Usage: ``python tools/vendor_assets.py [--check]`` (``--check`` verifies the files without npm).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

VENDOR = Path(__file__).resolve().parent.parent / "api" / "static" / "vendor"
MANIFEST = VENDOR / "manifest.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return data


def _pack(name: str, version: str, workdir: Path) -> Path:
    out = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--silent", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    )
    return workdir / out.stdout.strip().splitlines()[-1]


def refresh() -> None:
    manifest = load_manifest()
    for name, spec in manifest["packages"].items():
        target = VENDOR / name
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            tarball = _pack(name, spec["version"], Path(tmp))
            with tarfile.open(tarball) as archive:
                for local, entry in spec["files"].items():
                    member = archive.extractfile(f"package/{entry['from']}")
                    if member is None:
                        raise SystemExit(f"{name}@{spec['version']} has no file {entry['from']}")
                    (target / local).write_bytes(member.read())
                    entry["sha256"] = sha256(target / local)
        print(f"{name}@{spec['version']}: {', '.join(spec['files'])}")
    MANIFEST.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def check() -> list[str]:
    """Files that are missing or differ from the sha256 the manifest recorded."""
    problems = []
    for name, spec in load_manifest()["packages"].items():
        for local, entry in spec["files"].items():
            path = VENDOR / name / local
            if not path.exists():
                problems.append(f"missing {path.relative_to(VENDOR)}")
            elif sha256(path) != entry.get("sha256"):
                problems.append(f"changed {path.relative_to(VENDOR)}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the vendored files, fetch nothing")
    if parser.parse_args().check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        raise SystemExit(1 if problems else 0)
    refresh()


if __name__ == "__main__":
    main()
