"""A fake WeChat Official Account API: real HTTP on 127.0.0.1, a free port, a background thread.

It answers ``token``, ``message/custom/send``, ``message/template/send``, ``menu/create`` and
``media/get`` under ``/cgi-bin/`` the way the platform does (errcode/errmsg JSON, token expiry and
invalidation on refetch, the customer-service window, template value limits and ``client_msg_id``
de-duplication — see :mod:`bot.platform.fake_rules`), records every call, and can be scripted:
down and up again, an errcode once or always, slow answers. A scripted delay happens *after* the
call took effect, as when the platform sent the message but the answer never reached us.

    with FakeWeChatApi() as fake:
        settings = WeChatSettings(app_id=fake.app_id, app_secret=fake.app_secret, api_base_url=fake.base_url)
        fake.open_window("openid-1")
        ...
        assert [p.text for p in fake.pushes("openid-1")] == [...]

``listener`` (optional) is called with every :class:`Call` — the ``zhuli chat`` simulator prints
the pushes with it.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.platform.fake_rules import ERRMSG, ApiFailure, PlatformState, Push

ENDPOINTS = ("token", "message/custom/send", "message/template/send", "menu/create", "media/get")


@dataclass(frozen=True)
class Call:
    endpoint: str
    method: str
    query: dict[str, str]
    body: Any
    errcode: int
    """What the fake answered: 0 for success (and for a file), else the platform's error code."""
    at: float
    push: Push | None = None
    """The message this call delivered, if it delivered one (a de-duplicated repeat delivers none)."""


@dataclass
class _Script:
    endpoint: str | None
    errcode: int | None
    delay: float
    remaining: int | None  # None: for ever


class FakeWeChatApi:
    def __init__(
        self,
        *,
        app_id: str = "wx-fake-app",
        app_secret: str = "fake-secret",
        token_ttl: int = 7200,
        token_grace: float = 300.0,
        enforce_window: bool = True,
        max_value_chars: int = 20,
        listener: Callable[[Call], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.state = PlatformState(app_id, app_secret, token_ttl, token_grace, enforce_window, max_value_chars)
        self.listener = listener
        self.clock = clock
        self._calls: list[Call] = []
        self._scripts: list[_Script] = []
        self._changed = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self.port = 0

    # -- life cycle -------------------------------------------------------------------------------
    def start(self) -> FakeWeChatApi:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler_for(self))
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-wechat", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self._changed:
            open_connections, self._connections = self._connections, set()
        for connection in open_connections:  # kept-alive connections die with the server
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> FakeWeChatApi:
        return self.start()

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/"

    def go_down(self) -> None:
        """Stop listening: connections are refused until :meth:`come_up`."""
        self.stop()

    def come_up(self) -> None:
        """Listen again on the same port."""
        if self._server is None:
            self.start()

    # -- scripting --------------------------------------------------------------------------------
    def fail(self, endpoint: str | None, errcode: int, *, times: int | None = 1) -> None:
        """Answer ``errcode`` on the next ``times`` calls (None: always) of ``endpoint`` (None: any but ``token``)."""
        with self._changed:
            self._scripts.append(_Script(endpoint, errcode, 0.0, times))

    def slow(self, endpoint: str | None, seconds: float, *, times: int | None = 1) -> None:
        """Take effect, then wait ``seconds`` before answering (longer than the client's timeout: a timeout)."""
        with self._changed:
            self._scripts.append(_Script(endpoint, None, seconds, times))

    def clear_scripts(self) -> None:
        with self._changed:
            self._scripts.clear()

    def invalidate_tokens(self) -> None:
        """Every token issued so far stops working (as when someone else fetched and the grace ran out)."""
        with self._changed:
            self.state.tokens.clear()

    def open_window(self, openid: str, *, at: float | None = None) -> None:
        """The user sent a message: 48 h of customer-service messages, 5 at most."""
        with self._changed:
            self.state.windows[openid] = [self.clock() if at is None else at, 0]

    def close_window(self, openid: str) -> None:
        with self._changed:
            self.state.windows.pop(openid, None)

    def refuse(self, openid: str) -> None:
        with self._changed:
            self.state.refused.add(openid)

    def unsubscribe(self, openid: str) -> None:
        with self._changed:
            self.state.unsubscribed.add(openid)

    def add_media(self, content: bytes, content_type: str = "image/jpeg", *, extension: str = "jpg") -> str:
        """Store a file as a user's upload would; returns its ``media_id`` for ``media/get``."""
        media_id = "media-" + secrets.token_hex(8)
        with self._changed:
            self.state.media[media_id] = (content, content_type, f"{media_id}.{extension}")
        return media_id

    # -- what happened ----------------------------------------------------------------------------
    def calls(self, endpoint: str | None = None) -> list[Call]:
        with self._changed:
            return [c for c in self._calls if endpoint is None or c.endpoint == endpoint]

    def pushes(self, openid: str | None = None) -> list[Push]:
        return [c.push for c in self.calls() if c.push is not None and (openid is None or c.push.openid == openid)]

    def wait_for(self, condition: Callable[[FakeWeChatApi], bool], timeout: float = 10.0) -> bool:
        """Block until ``condition(self)`` holds after some call (True) or ``timeout`` passes (False)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    # -- one request ------------------------------------------------------------------------------
    def handle(
        self, method: str, endpoint: str, query: dict[str, str], raw: bytes
    ) -> tuple[list[tuple[str, str]], bytes, float]:
        """Apply one request; returns the answer's headers and body, and the delay before answering."""
        body: Any = None
        headers, payload = [("Content-Type", "application/json; charset=utf-8")], b""
        push: Push | None = None
        with self._changed:
            now = self.clock()
            script = self._take_script(endpoint)
            try:
                if raw:
                    try:
                        body = json.loads(raw.decode("utf-8"))
                    except (UnicodeDecodeError, ValueError) as exc:
                        raise ApiFailure(47001, "body is not JSON") from exc
                if script is not None and script.errcode is not None:
                    raise ApiFailure(script.errcode)
                answer, push, file = self._apply(endpoint, query, body, now)
                errcode = 0
                if file is not None:
                    payload = file[0]
                    headers = [("Content-Type", file[1]), ("Content-disposition", f'attachment; filename="{file[2]}"')]
                else:
                    payload = json.dumps({"errcode": 0, "errmsg": "ok", **answer}).encode()
                    if endpoint == "token":
                        payload = json.dumps(answer).encode()
            except ApiFailure as failure:
                errcode = failure.errcode
                message = " ".join(filter(None, [ERRMSG.get(errcode, "error"), failure.detail]))
                rid = secrets.token_hex(4)
                payload = json.dumps({"errcode": errcode, "errmsg": f"{message} rid: {rid}"}).encode()
            call = Call(endpoint, method, query, body, errcode, now, push)
            self._calls.append(call)
            self._changed.notify_all()
        if self.listener is not None:
            self.listener(call)
        return headers, payload, script.delay if script is not None else 0.0

    def _take_script(self, endpoint: str) -> _Script | None:
        for script in self._scripts:
            if script.endpoint == endpoint or (script.endpoint is None and endpoint != "token"):
                if script.remaining is not None:
                    script.remaining -= 1
                    if script.remaining <= 0:
                        self._scripts.remove(script)
                return script
        return None

    def _apply(
        self, endpoint: str, query: dict[str, str], body: Any, now: float
    ) -> tuple[dict[str, Any], Push | None, tuple[bytes, str, str] | None]:
        state = self.state
        if endpoint == "token":
            return state.issue_token(query, now), None, None
        if endpoint not in ENDPOINTS:
            raise ApiFailure(-1, f"unknown endpoint {endpoint}")
        state.check_token(query.get("access_token"), now)
        if endpoint == "message/custom/send":
            answer, push = state.send_custom(body, now)
            return answer, push, None
        if endpoint == "message/template/send":
            answer, maybe = state.send_template(body, now)
            return answer, maybe, None
        if endpoint == "menu/create":
            return state.create_menu(body), None, None
        return {}, None, state.get_media(query.get("media_id"))


def _handler_for(fake: FakeWeChatApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle's algorithm the body waits for the
        # client's delayed ACK (~40 ms a call), which the real platform does not add.
        disable_nagle_algorithm = True

        def setup(self) -> None:
            super().setup()
            with fake._changed:
                fake._connections.add(self.connection)

        def finish(self) -> None:
            with fake._changed:
                fake._connections.discard(self.connection)
            super().finish()

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._serve("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._serve("POST")

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not parts.path.startswith("/cgi-bin/"):
                self.send_error(404)
                return
            query = dict(parse_qsl(parts.query))
            headers, payload, delay = fake.handle(method, parts.path[len("/cgi-bin/") :], query, raw)
            if delay:
                time.sleep(delay)
            try:
                self.send_response(200)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting; the call took effect all the same

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
            pass

    return Handler
