"""Rendering for the console: one Jinja2 environment, the page frame (navigation per role) and filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from accounts import Actor
from api.console import flash
from api.console.deps import Viewer
from api.console.security import COOKIE_PATH, csrf_token, ensure_csrf_seed, set_csrf_seed
from core.clock import BEIJING
from models import DockingStatus, Role
from workflow.states import DOCKING_STATUS_LABELS

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
"""Console times are shown in Beijing time; the database keeps UTC."""


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    path: str
    badge: int = 0


ROLE_LABELS: dict[Role, str] = {
    Role.LOCAL_ASSOCIATION: "地方科协",
    Role.SOCIETY: "省级学会",
    Role.CENTER: "省科技咨询服务中心",
    Role.DEPARTMENT: "省科协学会学术部",
    Role.ENTERPRISE: "企业",
    Role.EXPERT: "专家",
    Role.SYSTEM: "系统",
}

_NAV: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.LOCAL_ASSOCIATION: (
        ("待审核需求", "/console/screening"),
        ("待确认对接", "/console/confirmations"),
        ("本地区概览", "/console/overview"),
        ("月度进展", "/console/reports"),
        ("绩效评价", "/console/evaluations"),
        ("试点申报", "/console/pilots"),
    ),
    Role.SOCIETY: (
        ("推荐需求", "/console/offers"),
        ("对接项目", "/console/dockings"),
        ("本会专家", "/console/members"),
        ("月度进展", "/console/reports"),
        ("绩效评价", "/console/evaluations"),
        ("试点申报", "/console/pilots"),
    ),
    Role.CENTER: (
        ("数据看板", "/console/dashboard"),
        ("滞留与升级", "/console/stuck"),
        ("月度进展", "/console/reports"),
        ("专家库", "/console/members"),
        ("导入导出", "/console/imports"),
        ("用户管理", "/console/users"),
        ("绩效评价", "/console/evaluations"),
        ("试点遴选", "/console/pilots"),
    ),
    Role.EXPERT: (("调研任务", "/console/pilots"),),
}
_NAV[Role.DEPARTMENT] = _NAV[Role.CENTER]


_INBOX_FIRST = frozenset({Role.EXPERT})
"""Roles whose daily work arrives as messages (an expert's survey or scoring task is linked from its notice)."""


def home_path(role: Role) -> str:
    """Where a user of ``role`` lands after logging in."""
    items = _NAV.get(role)
    return items[0][1] if items and role not in _INBOX_FIRST else "/console/inbox"


def navigation(actor: Actor, unread: int) -> list[NavItem]:
    items = [NavItem(label, path) for label, path in _NAV.get(actor.role, ())]
    items.append(NavItem("消息", "/console/inbox", unread))
    return items


def beijing(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.astimezone(BEIJING).strftime(fmt) if value is not None else "—"


def day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return beijing(value, "%Y-%m-%d")
    return value.strftime("%Y-%m-%d")


def money(value: Decimal | float | int | None) -> str:
    """Amounts in 万元, as the programme writes them."""
    if value is None:
        return "—"
    wan = Decimal(value) / 10000
    return f"{wan.normalize():f} 万元"


def percent(value: float | None) -> str:
    return f"{value * 100:.1f}%" if value is not None else "—"


def query(request: Request, **changes: Any) -> str:
    """The current query string with ``changes`` applied (``None`` removes a key) — for pagination and sorts."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params) if params else "?"


templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.filters.update(
    beijing=beijing,
    day=day,
    money=money,
    percent=percent,
    docking_label=lambda value: DOCKING_STATUS_LABELS[DockingStatus(value)],
)
templates.env.globals.update(query=query, role_labels=ROLE_LABELS)
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    viewer: Viewer | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``template`` inside the page frame: CSRF token, navigation and any waiting flash message."""
    seed, fresh = ensure_csrf_seed(request)
    waiting = flash.pop(request)
    page: dict[str, Any] = {
        "actor": viewer.actor if viewer else None,
        "nav": navigation(viewer.actor, viewer.unread) if viewer else [],
        "csrf_token": csrf_token(request, seed),
        "path": request.url.path,
        "flash": waiting[1] if waiting else None,
        "flash_kind": waiting[0] if waiting else None,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, template, page, status_code=status_code)
    if fresh:
        set_csrf_seed(request, response, seed)
    if waiting:
        response.delete_cookie(flash.FLASH_COOKIE, path=COOKIE_PATH)
    return response
