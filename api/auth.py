"""Who is calling: bearer tokens → principal (and, once accounts land, the Actor)."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session
from starlette.requests import Request

ANONYMOUS = "anonymous"


def principal_of(session: Session, request: Request) -> str:
    """The idempotency principal of a request: ``user:<id>`` for a valid token, else anonymous."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return ANONYMOUS
    return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32]
