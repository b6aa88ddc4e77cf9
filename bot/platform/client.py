"""The outbound WeChat API: wechatpy 1.8.18's client with its traps closed.

wechatpy's ``WeChatClient`` fetches the token from a hard-coded address, has no timeout unless
given one, keeps the token per process and, on 40001/40014/42001, refetches and retries without
any bound. :class:`WeChatApi` keeps wechatpy's request and answer handling but fetches the token
from ``<api_base_url>token``, always passes (connect, read) timeouts, shares the token through the
database (:mod:`bot.platform.tokens`) and refetches it at most ``token_refreshes_per_call`` times
per call before giving up with :class:`~bot.platform.errors.TokenRejected`. Every failure is a
typed :class:`~bot.platform.errors.WeChatApiError`.

The client is synchronous (``requests``): call it from worker threads, never on an event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import requests
from urllib3.exceptions import ConnectTimeoutError
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from bot.platform.errors import (
    PlatformHttpError,
    PlatformTimeout,
    PlatformUnreachable,
    TokenRejected,
    WeChatApiError,
    error_for,
)
from bot.platform.tokens import FetchedToken, SharedTokenStore
from core.db import Database
from core.settings import WeChatSettings

T = TypeVar("T")

TOKEN_ERRCODES = frozenset({40001, 40014, 42001})
"""The platform's "this access token is invalid / not the latest / expired"."""


@dataclass(frozen=True)
class Sent:
    """The platform accepted a message; ``msgid`` is its id (template messages carry one)."""

    msgid: str | None


@dataclass(frozen=True)
class Media:
    content: bytes
    content_type: str
    filename: str | None


class _Client(WeChatClient):  # type: ignore[misc]  # wechatpy ships no type information
    """wechatpy's client reading its token from the shared store; never retries by itself."""

    def __init__(self, settings: WeChatSettings, http: requests.Session | None) -> None:
        super().__init__(
            settings.app_id,
            settings.app_secret.get_secret_value(),
            timeout=(settings.connect_timeout_seconds, settings.read_timeout_seconds),
            auto_retry=False,
        )
        self.API_BASE_URL = settings.api_base_url
        if http is not None:
            self._http = http

    @property
    def access_token(self) -> str:
        """Used by wechatpy's own API helpers (``client.menu.get()``, …) when no token is passed."""
        return self._store().current()

    def fetch_access_token(self) -> dict[str, Any]:
        """wechatpy's entry point for a new token: go through the shared store's lock."""
        store = self._store()
        return {"access_token": store.refresh(stale=store.current())}

    def _store(self) -> SharedTokenStore:
        # wechatpy's __new__ reads every attribute before __init__ ran: answer AttributeError then.
        store: SharedTokenStore | None = self.__dict__.get("tokens")
        if store is None:
            raise AttributeError("no token store attached yet")
        return store

    def request_token(self) -> FetchedToken:
        """GET ``<api_base_url>token`` (wechatpy hard-codes the real platform and sets no timeout)."""
        params = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
        url = self.API_BASE_URL + "token"
        result = _translated("token", lambda: self._http.get(url, params=params, timeout=self.timeout))
        try:
            body = result.json()
        except ValueError as exc:
            raise PlatformHttpError(None, f"HTTP {result.status_code}: not JSON", endpoint="token") from exc
        if result.status_code >= 400:
            raise PlatformHttpError(None, f"HTTP {result.status_code}", endpoint="token")
        errcode = int(body.get("errcode") or 0)
        if errcode != 0:
            raise error_for(errcode, str(body.get("errmsg", "")), endpoint="token")
        return FetchedToken(str(body["access_token"]), int(body.get("expires_in", 7200)))


def _translated(endpoint: str, call: Callable[[], T]) -> T:
    """Run ``call``, turning transport failures into typed errors that say whether it was sent."""
    try:
        return call()
    except requests.ConnectTimeout as exc:
        raise PlatformUnreachable(None, f"connect timeout: {exc}", endpoint=endpoint) from exc
    except requests.ConnectionError as exc:
        reason = getattr(exc.args[0] if exc.args else None, "reason", None)
        if isinstance(reason, ConnectTimeoutError):  # refused, unresolvable, unroutable: never sent
            raise PlatformUnreachable(None, f"cannot connect: {reason}", endpoint=endpoint) from exc
        raise PlatformTimeout(None, f"connection broken: {exc}", endpoint=endpoint) from exc
    except requests.Timeout as exc:
        raise PlatformTimeout(None, f"no answer in time: {exc}", endpoint=endpoint) from exc
    except requests.RequestException as exc:
        raise PlatformHttpError(None, str(exc), endpoint=endpoint) from exc


class WeChatApi:
    """The calls Zhuli makes to the Official Account API."""

    def __init__(self, settings: WeChatSettings, db: Database, *, http: requests.Session | None = None) -> None:
        self.settings = settings
        self.client = _Client(settings, http)
        self.tokens = SharedTokenStore(
            db, settings.app_id, self.client.request_token, margin_seconds=settings.token_refresh_margin_seconds
        )
        self.client.tokens = self.tokens

    def send_text(self, openid: str, text: str) -> Sent:
        """A customer-service text message (allowed only inside the user's window)."""
        body = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        result = self._call("post", "message/custom/send", data=body)
        return Sent(_msgid(result))

    def send_template(
        self,
        openid: str,
        template_id: str,
        data: Mapping[str, str],
        url: str | None = None,
        client_msg_id: str | None = None,
    ) -> Sent:
        """A template message. ``client_msg_id`` lets the platform drop a repeat (same openid, ~10 min)."""
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {key: {"value": value} for key, value in data.items()},
        }
        if url:
            body["url"] = url
        if client_msg_id:
            body["client_msg_id"] = client_msg_id
        result = self._call("post", "message/template/send", data=body)
        return Sent(_msgid(result))

    def create_menu(self, menu: Mapping[str, Any]) -> None:
        self._call("post", "menu/create", data=dict(menu))

    def download_media(self, media_id: str) -> Media:
        """A temporary media file (image, voice) a user sent, as bytes with its content type."""
        result = self._call("get", "media/get", params={"media_id": media_id})
        if not isinstance(result, requests.Response):
            raise PlatformHttpError(None, f"expected a file, got {str(result)[:200]}", endpoint="media/get")
        disposition = result.headers.get("Content-disposition", "")
        filename = disposition.split("filename=", 1)[1].strip('"') if "filename=" in disposition else None
        content_type = result.headers.get("Content-Type", "application/octet-stream")
        return Media(result.content, content_type, filename)

    def _call(self, method: str, endpoint: str, *, data: Any = None, params: dict[str, str] | None = None) -> Any:
        """One API call, refetching the token at most ``token_refreshes_per_call`` times."""
        refreshes = 0
        while True:
            token = self.tokens.current()
            query = {**(params or {}), "access_token": token}
            try:
                return _translated(endpoint, partial(self.client._request, method, endpoint, params=query, data=data))
            except WeChatClientException as exc:
                errcode = exc.errcode
                errmsg = str(exc.errmsg)
            if errcode is None:  # wechatpy's wrapper of an HTTP error status
                raise PlatformHttpError(None, f"HTTP error: {errmsg}", endpoint=endpoint)
            if errcode not in TOKEN_ERRCODES:
                raise error_for(int(errcode), errmsg, endpoint=endpoint)
            if refreshes >= self.settings.token_refreshes_per_call:
                raise TokenRejected(errcode, f"{errmsg} (after {refreshes} token refetches)", endpoint=endpoint)
            refreshes += 1
            self.tokens.refresh(stale=token)


def _msgid(result: Any) -> str | None:
    if isinstance(result, dict) and result.get("msgid") is not None:
        return str(result["msgid"])
    return None


__all__ = ["Media", "Sent", "TOKEN_ERRCODES", "WeChatApi", "WeChatApiError"]
