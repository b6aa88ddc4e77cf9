"""Passive replies: valid XML whatever the text holds, and no longer than the platform accepts.

wechatpy's ``TextReply`` puts the text into CDATA as it is, so a user's ``]]>`` echoed back ends
the CDATA section early and the platform gets broken XML (the user sees nothing). Here every
``]]>`` is split across two CDATA sections and characters XML 1.0 forbids are dropped. A text over
``reply_max_bytes`` UTF-8 bytes is cut on character boundaries (preferably at a line break); the
first part is the passive reply, the rest go out as customer-service messages.
"""

from __future__ import annotations

import re

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 does not allow (control characters, lone surrogates)."""
    return _FORBIDDEN.sub("", text)


def cdata(text: str) -> str:
    """A CDATA section holding exactly ``text`` (``]]>`` included)."""
    return "<![CDATA[" + xml_safe(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def split_reply(text: str, max_bytes: int) -> list[str]:
    """``text`` cut into parts of at most ``max_bytes`` UTF-8 bytes, never inside a character.

    A part ends at its last line break when that keeps at least half the part. Joined, the parts
    are ``text`` again.
    """
    parts: list[str] = []
    rest = text
    while len(rest.encode("utf-8")) > max_bytes:
        head = rest.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")
        newline = head.rfind("\n")
        if newline >= len(head) // 2:
            head = head[: newline + 1]
        head = head or rest[0]  # a limit below one character's width still makes progress
        parts.append(head)
        rest = rest[len(head) :]
    if rest or not parts:
        parts.append(rest)
    return parts


def render_text_reply(*, to_openid: str, from_account: str, text: str, created: int) -> str:
    """The passive text reply XML (before safe-mode encryption)."""
    return (
        "<xml>"
        f"<ToUserName>{cdata(to_openid)}</ToUserName>"
        f"<FromUserName>{cdata(from_account)}</FromUserName>"
        f"<CreateTime>{created}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(text)}</Content>"
        "</xml>"
    )
