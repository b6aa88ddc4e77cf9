"""One-shot messages carried across a redirect (post → redirect → get) in a short-lived cookie."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse

from api.console.security import COOKIE_PATH

FLASH_COOKIE = "zhuli_flash"
_MAX_TEXT = 600


def redirect(url: str, message: str | None = None, *, kind: str = "ok") -> RedirectResponse:
    """A 303 to ``url`` that shows ``message`` on the page it lands on."""
    response = RedirectResponse(url, status_code=303)
    if message:
        value = base64.urlsafe_b64encode(json.dumps({"k": kind, "t": message[:_MAX_TEXT]}).encode()).decode()
        response.set_cookie(FLASH_COOKIE, value, max_age=60, path=COOKIE_PATH, httponly=True, samesite="lax")
    return response


def pop(request: Request) -> tuple[str, str] | None:
    """The (kind, text) waiting for this page, if any (the caller clears the cookie)."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(raw.encode()))
        kind, text = str(data["k"]), str(data["t"])
    except (ValueError, KeyError, TypeError):
        return None
    return ("error" if kind == "error" else "ok"), text[:_MAX_TEXT]


def back_url(request: Request, fallback: str = "/console/") -> str:
    """The console page the request came from (same site only), for redirecting after a refused action."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc != request.url.netloc:
        return fallback
    if not referer.path.startswith("/console"):
        return fallback
    return referer.path + (f"?{referer.query}" if referer.query else "")
