"""What the fake WeChat API remembers and the rules it answers by, as the platform does.

Tokens expire and every fetch shortens the life of the previous ones to a grace period; a
customer-service message needs the user's open window (48 h, 5 pushes); a template message's
values must fit the template (≤ 20 characters, no line breaks) and a repeat of the same
``client_msg_id`` for the same user within 10 minutes is dropped, answering the first message's id.
No HTTP here (see :mod:`bot.platform.fake`).
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any

WINDOW_SECONDS = 48 * 3600
PUSHES_PER_WINDOW = 5
DEDUPE_SECONDS = 600
"""The platform documents template ``client_msg_id`` as "one message per openid + id, valid 10 minutes"."""

ERRMSG = {
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40007: "invalid media_id",
    40013: "invalid appid",
    40016: "invalid button size",
    40017: "invalid button type",
    40037: "invalid template_id",
    40125: "invalid appsecret",
    40164: "invalid ip, not in whitelist",
    41001: "access_token missing",
    42001: "access_token expired",
    43004: "require subscribe",
    43101: "user refuse to accept the msg",
    44002: "empty post data",
    45009: "reach max api daily quota limit",
    45015: "response out of time limit or subscription is canceled",
    45047: "out of response count limit",
    47001: "data format error",
    47003: "argument invalid!",
    -1: "system error",
}


class ApiFailure(Exception):
    def __init__(self, errcode: int, detail: str = "") -> None:
        super().__init__(errcode)
        self.errcode = errcode
        self.detail = detail


@dataclass(frozen=True)
class Push:
    """A message the platform accepted for a user (what would appear on the phone)."""

    kind: str  # "custom" or "template"
    openid: str
    text: str
    """The customer-service text, or the template's values joined by newlines."""
    msgid: int
    at: float
    template_id: str | None = None
    data: dict[str, str] = field(default_factory=dict)
    url: str | None = None
    client_msg_id: str | None = None


@dataclass
class PlatformState:
    app_id: str
    app_secret: str
    token_ttl: int
    token_grace: float
    enforce_window: bool
    max_value_chars: int
    tokens: dict[str, float] = field(default_factory=dict)
    windows: dict[str, list[float]] = field(default_factory=dict)  # openid -> [opened_at, pushes]
    refused: set[str] = field(default_factory=set)
    unsubscribed: set[str] = field(default_factory=set)
    sent_ids: dict[tuple[str, str], tuple[int, float]] = field(default_factory=dict)
    media: dict[str, tuple[bytes, str, str]] = field(default_factory=dict)
    menu: dict[str, Any] | None = None
    templates: set[str] | None = None
    """Known template ids (None: any non-empty id is accepted)."""
    _msgids: itertools.count[int] = field(default_factory=lambda: itertools.count(1_000_001))

    def issue_token(self, query: dict[str, str], now: float) -> dict[str, Any]:
        if query.get("grant_type") != "client_credential":
            raise ApiFailure(40002)
        if query.get("appid") != self.app_id:
            raise ApiFailure(40013)
        if query.get("secret") != self.app_secret:
            raise ApiFailure(40125)
        for old, expires in self.tokens.items():  # the previous tokens live on for the grace period only
            self.tokens[old] = min(expires, now + self.token_grace)
        token = "fake-token-" + secrets.token_hex(12)
        self.tokens[token] = now + self.token_ttl
        return {"access_token": token, "expires_in": self.token_ttl}

    def check_token(self, token: str | None, now: float) -> None:
        if not token:
            raise ApiFailure(41001)
        expires = self.tokens.get(token)
        if expires is None:
            raise ApiFailure(40001)
        if expires <= now:
            raise ApiFailure(42001)

    def _check_recipient(self, openid: Any) -> str:
        if not isinstance(openid, str) or not openid:
            raise ApiFailure(40003)
        if openid in self.unsubscribed:
            raise ApiFailure(43004)
        if openid in self.refused:
            raise ApiFailure(43101)
        return openid

    def send_custom(self, body: Any, now: float) -> tuple[dict[str, Any], Push]:
        if not isinstance(body, dict):
            raise ApiFailure(44002)
        openid = self._check_recipient(body.get("touser"))
        text = (body.get("text") or {}).get("content") if body.get("msgtype") == "text" else None
        if not isinstance(text, str) or not text:
            raise ApiFailure(47001, "text.content")
        if self.enforce_window:
            window = self.windows.get(openid)
            if window is None or now - window[0] > WINDOW_SECONDS:
                raise ApiFailure(45015)
            if window[1] >= PUSHES_PER_WINDOW:
                raise ApiFailure(45047)
            window[1] += 1
        return {}, Push("custom", openid, text, next(self._msgids), now)

    def send_template(self, body: Any, now: float) -> tuple[dict[str, Any], Push | None]:
        """Answers ``msgid``; a repeated ``client_msg_id`` answers the first id and sends nothing."""
        if not isinstance(body, dict):
            raise ApiFailure(44002)
        openid = self._check_recipient(body.get("touser"))
        template_id = body.get("template_id")
        if (
            not isinstance(template_id, str)
            or not template_id
            or (self.templates is not None and template_id not in self.templates)
        ):
            raise ApiFailure(40037)
        raw = body.get("data")
        if not isinstance(raw, dict) or not raw:
            raise ApiFailure(47001, "data")
        data: dict[str, str] = {}
        for key, item in raw.items():
            value = item.get("value") if isinstance(item, dict) else None
            if not isinstance(value, str) or len(value) > self.max_value_chars or "\n" in value or "\r" in value:
                raise ApiFailure(47003, f"data.{key}.value invalid")
            data[key] = value
        client_msg_id = body.get("client_msg_id")
        if client_msg_id:
            first = self.sent_ids.get((openid, str(client_msg_id)))
            if first is not None and now - first[1] < DEDUPE_SECONDS:
                return {"msgid": first[0]}, None
        msgid = next(self._msgids)
        if client_msg_id:
            self.sent_ids[(openid, str(client_msg_id))] = (msgid, now)
        url = body.get("url") if isinstance(body.get("url"), str) else None
        push = Push("template", openid, "\n".join(data.values()), msgid, now, template_id, data, url, client_msg_id)
        return {"msgid": msgid}, push

    def create_menu(self, body: Any) -> dict[str, Any]:
        buttons = body.get("button") if isinstance(body, dict) else None
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            raise ApiFailure(40016)
        for button in buttons:
            subs = button.get("sub_button") if isinstance(button, dict) else None
            if not isinstance(button, dict) or not button.get("name"):
                raise ApiFailure(40016)
            if subs is not None and (not isinstance(subs, list) or len(subs) > 5):
                raise ApiFailure(40016)
            if subs is None and button.get("type") not in {"click", "view", "miniprogram", "scancode_push"}:
                raise ApiFailure(40017)
        self.menu = body
        return {}

    def get_media(self, media_id: str | None) -> tuple[bytes, str, str]:
        found = self.media.get(media_id or "")
        if found is None:
            raise ApiFailure(40007)
        return found
