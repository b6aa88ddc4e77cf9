"""The dialogue with one WeChat user (placeholder until the conversation lands).

Contract: ``respond(session, inbound, *, settings, now) -> str`` is called once per stored inbound
message, inside that message's unit of work (the caller commits; respond never commits). It returns the
reply text in Chinese; an empty string means no reply.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.inbound import Inbound
from core.settings import Settings

HELP_TEXT = "您好，这里是助力科技服务平台。发送“提交需求”登记技术需求，发送“我的需求”查看进度，发送“帮助”查看说明。"


def respond(session: Session, inbound: Inbound, *, settings: Settings, now: datetime) -> str:
    """Answer ``inbound``; placeholder: a fixed help text to every message, nothing to unsubscribe."""
    if inbound.msg_type == "event" and inbound.event == "unsubscribe":
        return ""
    return HELP_TEXT
