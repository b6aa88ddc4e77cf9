"""The logged-in user's notification inbox (rules in :mod:`workflow.inbox`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.access import STAFF, ActorDep, allow
from api.deps import ReadSessionDep, SessionDep
from api.params import IdPath, PageQuery, SizeQuery
from models import Role
from workflow import inbox
from workflow.inbox import InboxPage

router = APIRouter(prefix="/api/notifications", tags=["通知"])
EVERYONE = allow(Role.ENTERPRISE, Role.EXPERT, *STAFF)


class UnreadOut(BaseModel):
    unread: int


class MarkedOut(BaseModel):
    marked: int


@router.get("", summary="我的通知（新的在前）", **EVERYONE)
def list_notifications(
    actor: ActorDep,
    session: ReadSessionDep,
    unread_only: Annotated[bool, Query(description="只看未读")] = False,
    page: PageQuery = 1,
    size: SizeQuery = 20,
) -> InboxPage:
    return inbox.inbox(session, actor, unread_only=unread_only, page=page, size=size)


@router.get("/unread-count", summary="未读通知数", **EVERYONE)
def unread_count(actor: ActorDep, session: ReadSessionDep) -> UnreadOut:
    return UnreadOut(unread=inbox.unread_count(session, actor))


@router.post("/{notification_id}/read", summary="标记为已读（他人的通知不受影响，marked 为 0）", **EVERYONE)
def mark_read(notification_id: IdPath, actor: ActorDep, session: SessionDep) -> MarkedOut:
    return MarkedOut(marked=inbox.mark_read(session, actor, [notification_id]))


@router.post("/read-all", summary="全部标记为已读", **EVERYONE)
def mark_all_read(actor: ActorDep, session: SessionDep) -> MarkedOut:
    return MarkedOut(marked=inbox.mark_read(session, actor))
