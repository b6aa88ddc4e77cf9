"""Logging in and out of the console (the same users, passwords and throttle as the REST API)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from accounts import authenticate
from api.console import flash
from api.console.deps import ViewerDep
from api.console.security import end_session, start_session
from api.console.web import home_path, render
from api.deps import SessionDep
from core.errors import LoginFailed, TooManyAttempts

router = APIRouter()


def _safe_next(target: str) -> str | None:
    """Only console paths of this site: never an absolute or protocol-relative URL."""
    if target.startswith("/console/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.get("/console/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "", expired: bool = False) -> Response:
    notice = "登录已过期，请重新登录" if expired else None
    return render(request, "login.html", {"title": "登录", "next": next, "notice": notice, "username": ""})


@router.post("/console/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=500)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    context = {"title": "登录", "next": next, "username": username}
    if not username.strip() or not password:
        return render(request, "login.html", {**context, "error": "请输入用户名和密码"}, status_code=422)
    try:
        user = authenticate(session, username, password, client_key=request.client.host if request.client else None)
    except (LoginFailed, TooManyAttempts) as exc:
        # Returning (not raising) still commits the recorded failure: the throttle counts it.
        return render(request, "login.html", {**context, "error": exc.message}, status_code=exc.status_code)
    response = RedirectResponse(_safe_next(next) or home_path(user.role), status_code=303)
    start_session(request, response, user)
    return response


@router.post("/console/logout")
def logout() -> Response:
    response = flash.redirect("/console/login", "您已安全退出")
    end_session(response)
    return response


@router.get("/console/")
@router.get("/console")
def home(viewer: ViewerDep) -> Response:
    return RedirectResponse(home_path(viewer.actor.role), status_code=303)
