"""The platform's side of the webhook, for ``zhuli chat``, the tests and the load bench.

:class:`SimulatedPlatform` builds requests exactly as the Official Account platform does — the
message XML, ``signature``/``timestamp``/``nonce`` over our token and, in safe mode, the AES
``<Encrypt>`` envelope with ``msg_signature`` — and reads the passive reply back (decrypting it in
safe mode and checking its signature). :class:`WeChatSimulator` posts them over HTTP.
"""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from bot.protocol.replies import cdata

ACCOUNT = "gh_zhuli_simulated"


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return str(signer.signature)


def message_xml(fields: dict[str, Any]) -> str:
    """``<xml>`` with one element per field; strings in CDATA (escaped), numbers as they are."""
    nodes = []
    for name, value in fields.items():
        if value is None:
            continue
        body = str(value) if isinstance(value, int) else cdata(str(value))
        nodes.append(f"<{name}>{body}</{name}>")
    return "<xml>" + "".join(nodes) + "</xml>"


@dataclass(frozen=True)
class Request:
    params: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    status_code: int
    text: str | None
    """The reply's Content; None when the server answered ``success``/nothing or an error."""
    body: str


@dataclass
class SimulatedPlatform:
    token: str
    app_id: str = "wx-simulated"
    encoding_aes_key: str | None = None
    account: str = ACCOUNT
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(secrets.randbits(52) << 8))

    @property
    def safe_mode(self) -> bool:
        return bool(self.encoding_aes_key)

    def next_msg_id(self) -> int:
        return next(self._ids)

    def fields(self, openid: str, msg_type: str, *, at: int | None = None, **extra: Any) -> dict[str, Any]:
        base: dict[str, Any] = {
            "ToUserName": self.account,
            "FromUserName": openid,
            "CreateTime": at if at is not None else int(time.time()),
            "MsgType": msg_type,
        }
        if msg_type != "event" and "MsgId" not in extra:
            base["MsgId"] = self.next_msg_id()
        return {**base, **extra}

    def text(self, openid: str, content: str, **extra: Any) -> str:
        return message_xml(self.fields(openid, "text", Content=content, **extra))

    def voice(self, openid: str, recognition: str, **extra: Any) -> str:
        media = extra.pop("MediaId", "voice-" + secrets.token_hex(6))
        return message_xml(self.fields(openid, "voice", MediaId=media, Format="amr", Recognition=recognition, **extra))

    def image(self, openid: str, *, media_id: str | None = None, pic_url: str | None = None, **extra: Any) -> str:
        media = media_id or "image-" + secrets.token_hex(6)
        url = pic_url or f"http://mmbiz.example/{media}.jpg"
        return message_xml(self.fields(openid, "image", PicUrl=url, MediaId=media, **extra))

    def event(self, openid: str, event: str, key: str | None = None, **extra: Any) -> str:
        return message_xml(self.fields(openid, "event", Event=event, EventKey=key, **extra))

    def request(
        self, xml: str, *, timestamp: int | None = None, nonce: str | None = None, token: str | None = None
    ) -> Request:
        """Sign (and in safe mode encrypt) ``xml`` as the platform would; ``token`` overrides ours (forgery)."""
        token = token if token is not None else self.token
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        nonce = nonce or secrets.token_hex(5)
        params = {"signature": sign(token, stamp, nonce), "timestamp": stamp, "nonce": nonce}
        if not self.safe_mode:
            return Request(params, xml.encode("utf-8"))
        assert self.encoding_aes_key is not None
        crypto = WeChatCrypto(token, self.encoding_aes_key, self.app_id)
        sealed = xmltodict.parse(crypto.encrypt_message(xml, nonce, stamp))["xml"]
        params.update(encrypt_type="aes", msg_signature=sealed["MsgSignature"])
        body = message_xml({"ToUserName": self.account, "Encrypt": sealed["Encrypt"]})
        return Request(params, body.encode("utf-8"))

    def read_reply(self, status_code: int, body: str) -> Reply:
        """The Content of a passive reply (decrypted and its msg_signature checked in safe mode)."""
        if status_code != 200 or body.strip() in ("", "success"):
            return Reply(status_code, None, body)
        document = xmltodict.parse(body, disable_entities=True)["xml"]
        if self.safe_mode:
            assert self.encoding_aes_key is not None
            crypto = WeChatCrypto(self.token, self.encoding_aes_key, self.app_id)
            plain = crypto.decrypt_message(
                document, document["MsgSignature"], str(document["TimeStamp"]), document["Nonce"]
            )
            document = xmltodict.parse(plain, disable_entities=True)["xml"]
        content = document.get("Content")
        return Reply(status_code, content if isinstance(content, str) else "", body)


class WeChatSimulator:
    """Posts simulated platform requests to a running Zhuli over HTTP."""

    def __init__(
        self, base_url: str, platform: SimulatedPlatform, *, timeout: float = 10.0, http: httpx.Client | None = None
    ) -> None:
        """``http`` (e.g. a FastAPI ``TestClient``) replaces the client made for ``base_url``."""
        self.platform = platform
        self.http = http if http is not None else httpx.Client(base_url=base_url, timeout=timeout)

    def post(self, xml: str, **request_options: Any) -> Reply:
        return self.send(self.platform.request(xml, **request_options))

    def send(self, request: Request) -> Reply:
        response = self.http.post(
            "/wechat", params=request.params, content=request.body, headers={"Content-Type": "text/xml"}
        )
        return self.platform.read_reply(response.status_code, response.text)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> WeChatSimulator:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
