"""Who is looking at a console page: the session's actor and their unread message count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from accounts import Actor
from api.console.security import session_actor
from api.deps import ReadSessionDep
from workflow import inbox


@dataclass(frozen=True, slots=True)
class Viewer:
    actor: Actor
    unread: int


def get_viewer(request: Request, session: ReadSessionDep) -> Viewer:
    """The logged-in actor (or :class:`~api.console.security.LoginRequired`), with the navigation's unread count."""
    actor = session_actor(request, session)
    return Viewer(actor=actor, unread=inbox.unread_count(session, actor))


ViewerDep = Annotated[Viewer, Depends(get_viewer)]
