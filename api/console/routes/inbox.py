"""Each user's notification inbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.console import flash
from api.console.deps import ViewerDep
from api.console.web import render
from api.deps import ReadSessionDep, SessionDep, SettingsDep
from workflow import inbox

router = APIRouter()


@router.get("/console/inbox", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    viewer: ViewerDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    unread: bool = False,
) -> Response:
    data = inbox.inbox(session, viewer.actor, page=page, size=settings.console.page_size, unread_only=unread)
    return render(request, "inbox.html", {"title": "消息", "data": data, "unread_only": unread}, viewer=viewer)


@router.post("/console/inbox/read")
def mark_read(
    viewer: ViewerDep,
    session: SessionDep,
    notification_id: Annotated[int | None, Form()] = None,
    go: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Mark one message (or all) read; with ``go`` (the message's console link) open it."""
    inbox.mark_read(session, viewer.actor, [notification_id] if notification_id is not None else None)
    if go.startswith("/console/") and not go.startswith("//"):
        return flash.redirect(go)
    return flash.redirect("/console/inbox", None if notification_id else "已全部标为已读")
