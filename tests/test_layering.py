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


def test_the_cli_starts_without_the_encoder_stack() -> None:
    """``zhuli --help`` and the commands that do not match must not pay for torch (15 s on a cold start)."""
    code = (
        "import sys, api.cli, matching.maintenance, matching.embedding; "
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers', 'ingestion.importer') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    helped = subprocess.run([sys.executable, "-m", "api", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert helped.returncode == 0
    assert "助力 Zhuli" in helped.stdout
    assert "match" in helped.stdout
