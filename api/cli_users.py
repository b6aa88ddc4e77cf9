"""``zhuli users create``: add a staff (or enterprise) login. The password never comes from argv.

It is asked for twice on a terminal, or read from the first line of stdin with ``--password-stdin``
(for scripts: ``printf '%s\\n' "$PW" | zhuli users create ... --password-stdin``).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from accounts.users import ROLE_LABELS, create_user, resolve_scope_key
from core.db import Database
from core.errors import DomainError
from core.migrations import is_at_head
from core.settings import get_settings
from models import Role

users_app = typer.Typer(help="用户管理 (user administration).", no_args_is_help=True)

ROLE_CHOICES = ", ".join(f"{r.value}（{ROLE_LABELS[r]}）" for r in Role if r is not Role.SYSTEM)


def register(app: typer.Typer) -> None:
    """Add the ``users`` command group to the ``zhuli`` CLI."""
    app.add_typer(users_app, name="users")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        typer.echo("没有终端可以输入密码；脚本中请用 --password-stdin 从标准输入提供密码。", err=True)
        raise typer.Exit(2)
    password: str = typer.prompt("密码 (password)", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="登录用户名 (username, lower-case).", show_default=False)],
    role: Annotated[Role, typer.Option(help=f"角色 (role): {ROLE_CHOICES}.", show_default=False)],
    display_name: Annotated[str, typer.Option("--name", help="显示名称 (display name).", show_default=False)],
    scope: Annotated[
        str | None,
        typer.Option(
            help="范围 (scope): 地方科协填行政区划代码, 学会填学会编号, 企业填统一社会信用代码, 专家填专家编号."
        ),
    ] = None,
    phone: Annotated[str | None, typer.Option(help="手机号 (phone).")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="从标准输入第一行读取密码 (read the password from stdin).")
    ] = False,
) -> None:
    """创建用户。Create a user with a role and its scope; prompts for the password."""
    password = _read_password(password_stdin)
    db = Database.from_url(get_settings().resolved_database_url)
    try:
        if not is_at_head(db.engine):
            typer.echo("数据库尚未迁移到最新版本，请先运行 zhuli migrate。", err=True)
            raise typer.Exit(1)
        with db.unit_of_work() as session:
            user = create_user(
                session,
                username=username,
                password=password,
                display_name=display_name,
                role=role,
                phone=phone,
                **resolve_scope_key(session, role, scope),
            )
            typer.echo(f"已创建用户 {user.username}（{ROLE_LABELS[user.role]}，编号 {user.id}）。")
    except DomainError as exc:
        typer.echo(f"未创建：{exc.message}", err=True)
        raise typer.Exit(1) from exc
    finally:
        db.dispose()
