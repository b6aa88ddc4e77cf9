"""Package boundaries the house style names: adapters hold no SQL, core does not import the ORM."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


QUERY_BUILDERS = {"select", "func", "update", "delete", "insert", "text"}


def _query_imports(package: Path) -> list[str]:
    """Imports of SQLAlchemy's statement builders (or a dialect's insert) anywhere under ``package``."""
    offenders = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            if node.module == "sqlalchemy":
                names = {a.name for a in node.names} & QUERY_BUILDERS
            elif node.module.startswith("sqlalchemy.dialects") or node.module == "sqlalchemy.sql":
                names = {a.name for a in node.names}
            else:
                continue
            if names:
                offenders.append(f"{path.relative_to(package.parent)}: {node.module} {sorted(names)}")
    return offenders


def test_nothing_in_api_builds_queries() -> None:
    assert _query_imports(ROOT / "api") == []


def test_nothing_in_the_wechat_adapter_builds_queries() -> None:
    """bot/ parses, calls a domain function, renders: inbound messages and conversations live in ``chats``."""
    assert _query_imports(ROOT / "bot") == []


def test_the_query_rule_sees_an_offender(tmp_path: Path) -> None:
    package = tmp_path / "adapter"
    package.mkdir()
    (package / "leak.py").write_text("from sqlalchemy import select\nfrom sqlalchemy.dialects.sqlite import insert\n")
    assert _query_imports(package) == [
        "adapter/leak.py: sqlalchemy ['select']",
        "adapter/leak.py: sqlalchemy.dialects.sqlite ['insert']",
    ]


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


CHAT_TABLES = {"InboundMessage", "Conversation"}
STATEMENTS = {"select", "update", "insert", "delete"}


def _chat_table_queries(root: Path) -> list[str]:
    """Statements built on the chat tables by any package but ``chats`` (their one home)."""
    offenders = []
    packages = [p for p in root.iterdir() if p.is_dir() and (p / "__init__.py").is_file()]
    paths = [path for p in packages if p.name not in ("chats", "models", "tests") for path in p.rglob("*.py")]
    for path in sorted(paths):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name not in STATEMENTS:
                continue
            used = {n.id for arg in node.args for n in ast.walk(arg) if isinstance(n, ast.Name)} & CHAT_TABLES
            if used:
                offenders.append(f"{path.relative_to(root)}:{node.lineno} {name}({', '.join(sorted(used))})")
    return offenders


def test_only_chats_queries_inbound_messages_and_conversations() -> None:
    assert _chat_table_queries(ROOT) == []


def test_the_chat_table_rule_sees_an_offender(tmp_path: Path) -> None:
    for package in ("workflow", "chats"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "workflow" / "leak.py").write_text("q = select(func.max(InboundMessage.received_at))\n")
    (tmp_path / "chats" / "home.py").write_text("q = select(Conversation)\n")
    assert _chat_table_queries(tmp_path) == ["workflow/leak.py:1 select(InboundMessage)"]
