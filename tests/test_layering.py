"""Package boundaries the house style names: adapters hold no SQL, core does not import the ORM."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_nothing_in_api_builds_queries() -> None:
    offenders = []
    for path in sorted((ROOT / "api").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "sqlalchemy":
                names = {a.name for a in node.names} & {"select", "func", "update", "delete", "insert", "text"}
                if names:
                    offenders.append(f"{path.relative_to(ROOT)}: {sorted(names)}")
    assert offenders == []


def test_core_migrations_does_not_import_models() -> None:
    code = "import sys, core.migrations as m; assert m.MIGRATIONS_DIR.is_dir(); print('models' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
