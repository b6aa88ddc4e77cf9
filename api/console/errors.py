"""How a refusal looks in the console (``api.errors`` hands console requests here).

- no session, or an expired one → the login page (htmx requests get ``HX-Redirect``);
- a refused form action (illegal move, capacity, validation) → back to the page it came from, with the
  Chinese message shown there;
- anything else (a foreign id, a missing page, a failed CSRF check) → a Chinese error page with its
  status code.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request, Response

from api.console import flash
from api.console.forms import FIELD_LABELS
from api.console.security import LoginRequired
from api.console.web import render
from core.errors import NotAuthenticated

CONSOLE_PREFIX = "/console"
_BACK_STATUSES = frozenset({400, 409, 422, 429})
_TITLES = {
    401: "请先登录",
    403: "没有权限",
    404: "找不到该页面或记录",
    405: "不支持该操作",
    409: "操作未能完成",
    413: "上传的内容过大",
    422: "输入内容有误",
    429: "操作过于频繁",
    500: "服务器内部错误",
    503: "服务暂时不可用",
}


def is_console(request: Request) -> bool:
    return request.url.path == CONSOLE_PREFIX or request.url.path.startswith(CONSOLE_PREFIX + "/")


def login_redirect(request: Request, exc: NotAuthenticated) -> Response:
    expired = isinstance(exc, LoginRequired) and exc.expired
    params = {"next": request.url.path} if request.method == "GET" else {}
    if expired:
        params["expired"] = "1"
    target = "/console/login" + (f"?{urlencode(params)}" if params else "")
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return flash.redirect(target)


def error_response(request: Request, status: int, message: str, exc: Exception | None = None) -> Response:
    if isinstance(exc, NotAuthenticated):
        return login_redirect(request, exc)
    if request.headers.get("hx-request"):
        retry = request.url.path if status == 503 and request.method == "GET" else None
        return render(request, "_error_fragment.html", {"message": message, "retry": retry}, status_code=status)
    if request.method == "POST" and status in _BACK_STATUSES:
        return flash.redirect(flash.back_url(request), message, kind="error")
    context = {"title": _TITLES.get(status, "请求未能完成"), "message": message, "status": status}
    return render(request, "error.html", context, status_code=status)


def validation_response(request: Request, fields: dict[str, str]) -> Response:
    """Input FastAPI refused before the route ran (e.g. a reason too short), named in Chinese."""
    listed = "；".join(
        f"{FIELD_LABELS.get(name.split('.')[-1], name.split('.')[-1])}：{text}" for name, text in fields.items()
    )
    return error_response(request, 422, f"输入内容有误（{listed}），请检查后重试")
