"""What must hold before a byte of a webhook request is believed: signature, age, size, harmless XML.

The platform signs every request with our token (``signature`` = SHA-1 of the sorted token,
timestamp and nonce); wechatpy checks the signature but not the timestamp's age, so a captured
request could be replayed for ever — :func:`check_request` refuses timestamps outside
``max_timestamp_skew_seconds``. In safe mode (``encrypt_type=aes``) the body is an ``<Encrypt>``
envelope signed by ``msg_signature``; :func:`open_body` verifies and decrypts it and
:meth:`Envelope.seal` encrypts the reply the same way.

XML is refused (400) before any parser sees it when it is too large, not UTF-8 or declares a
DOCTYPE or entities (XXE, billion laughs); the parser (expat through xmltodict, entities disabled)
runs only on what is left — for the envelope and again for the decrypted message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.parsers.expat import ExpatError

import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.utils import check_signature

from bot.protocol.errors import MalformedMessage, SignatureRejected
from core.errors import ServiceUnavailable
from core.settings import WeChatSettings

_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.IGNORECASE)


def _token(settings: WeChatSettings) -> str:
    token = settings.token.get_secret_value()
    if not token:
        # With an empty token anyone could sign; refuse rather than accept everything.
        raise ServiceUnavailable("公众号接入尚未配置（ZHULI_WECHAT__TOKEN 为空）")
    return token


def check_request(settings: WeChatSettings, query: Mapping[str, str], now: datetime) -> None:
    """Refuse (403) a request not signed with our token or whose timestamp is outside the window."""
    signature, timestamp, nonce = (query.get(name, "") for name in ("signature", "timestamp", "nonce"))
    if not (signature and timestamp and nonce):
        raise SignatureRejected("缺少签名参数（signature、timestamp、nonce）")
    try:
        check_signature(_token(settings), signature, timestamp, nonce)
    except InvalidSignatureException as exc:
        raise SignatureRejected() from exc
    try:
        sent_at = int(timestamp)
    except ValueError as exc:
        raise SignatureRejected("时间戳格式不正确") from exc
    if abs(now.timestamp() - sent_at) > settings.max_timestamp_skew_seconds:
        raise SignatureRejected(f"请求时间戳超出允许范围（±{settings.max_timestamp_skew_seconds} 秒），可能是重放请求")


def parse_xml(raw: bytes, *, limit: int) -> dict[str, Any]:
    """The ``<xml>`` element of ``raw`` as a dict; 400 for anything oversized, hostile or malformed."""
    if len(raw) > limit:
        raise MalformedMessage(f"消息过大（{len(raw)} 字节），上限为 {limit} 字节")
    if _DECLARATION.search(raw):
        raise MalformedMessage("消息含有 DOCTYPE 或实体声明，已拒绝")
    try:
        text = raw.decode("utf-8")
        document = xmltodict.parse(text, disable_entities=True)
    except UnicodeDecodeError as exc:
        raise MalformedMessage("消息不是 UTF-8 编码") from exc
    except (ExpatError, ValueError) as exc:
        raise MalformedMessage(f"消息不是格式正确的 XML：{exc}") from exc
    root = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise MalformedMessage("消息缺少 <xml> 根元素")
    return root


@dataclass(frozen=True)
class Envelope:
    """A verified request body: the message XML (decrypted in safe mode) and how to seal the reply."""

    xml: str
    fields: dict[str, Any]
    encrypted: bool
    nonce: str
    settings: WeChatSettings

    def seal(self, reply_xml: str, now: datetime) -> str:
        """The reply as the platform expects it: encrypted in safe mode, else as rendered."""
        if not self.encrypted:
            return reply_xml
        return str(_crypto(self.settings).encrypt_message(reply_xml, self.nonce, str(int(now.timestamp()))))


def _crypto(settings: WeChatSettings) -> WeChatCrypto:
    key = settings.encoding_aes_key.get_secret_value()
    if not key:
        raise MalformedMessage("收到加密消息，但未配置 ZHULI_WECHAT__ENCODING_AES_KEY")
    try:
        return WeChatCrypto(_token(settings), key, settings.app_id)
    except (AssertionError, ValueError) as exc:  # wechatpy asserts a 43-character key
        raise ServiceUnavailable("ZHULI_WECHAT__ENCODING_AES_KEY 配置有误（应为 43 个字符）") from exc


def open_body(settings: WeChatSettings, query: Mapping[str, str], body: bytes) -> Envelope:
    """Verify and (in safe mode) decrypt a POST body; call after :func:`check_request`."""
    limit = settings.max_body_bytes
    outer = parse_xml(body, limit=limit)
    nonce = query.get("nonce", "")
    if query.get("encrypt_type", "raw").lower() != "aes":
        return Envelope(body.decode("utf-8"), outer, False, nonce, settings)
    crypto = _crypto(settings)
    msg_signature = query.get("msg_signature", "")
    if not isinstance(outer.get("Encrypt"), str):
        raise MalformedMessage("加密消息缺少 <Encrypt>")
    try:
        plain = crypto.decrypt_message(outer, msg_signature, query.get("timestamp", ""), nonce)
    except InvalidSignatureException as exc:
        raise SignatureRejected("msg_signature 校验失败") from exc
    except Exception as exc:  # noqa: BLE001 - base64, padding, app id: all mean "not a message of ours"
        raise MalformedMessage("加密消息无法解密") from exc
    raw = plain.encode("utf-8") if isinstance(plain, str) else bytes(plain)
    return Envelope(raw.decode("utf-8"), parse_xml(raw, limit=limit), True, nonce, settings)
