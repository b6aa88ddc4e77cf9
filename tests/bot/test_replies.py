"""Passive replies stay valid XML and within the platform's size; the rest of a long reply is queued."""

from __future__ import annotations

from datetime import UTC, datetime

import xmltodict
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.protocol import webhook
from bot.protocol.messages import parse_message
from bot.protocol.replies import cdata, render_text_reply, split_reply, xml_safe
from bot.simulator import SimulatedPlatform
from core.settings import Settings
from models import Notification, NotificationChannel
from tests.bot.conftest import APP_ID, TOKEN


def _content(xml: str) -> str:
    content: str = xmltodict.parse(xml)["xml"]["Content"]
    return content


def test_cdata_terminator_in_reply_text_survives_as_valid_xml() -> None:
    text = "您输入的是：a]]>b]]]]>c<![CDATA[d"
    xml = render_text_reply(to_openid="o]]>1", from_account="gh", text=text, created=1)
    assert _content(xml) == text
    assert xmltodict.parse(xml)["xml"]["ToUserName"] == "o]]>1"


def test_characters_xml_forbids_are_dropped_from_replies() -> None:
    assert xml_safe("a\x00b\x07c\td\ne") == "abc\td\ne"
    assert _content(render_text_reply(to_openid="o", from_account="gh", text="x\x1by", created=1)) == "xy"


def test_split_keeps_every_part_within_the_byte_limit_on_character_boundaries() -> None:
    text = "技术需求" * 600 + "end"  # 7203 bytes, 3 bytes per Chinese character
    parts = split_reply(text, 2000)
    assert "".join(parts) == text
    assert all(len(part.encode("utf-8")) <= 2000 for part in parts)
    assert len(parts) == 4
    assert [len(p.encode()) for p in parts[:3]] == [1998, 1998, 1998]  # 2000 would cut a character


def test_split_prefers_a_line_break_in_the_second_half() -> None:
    text = "甲" * 500 + "\n" + "乙" * 300
    parts = split_reply(text, 2000)
    assert parts == ["甲" * 500 + "\n", "乙" * 300]


def test_a_short_reply_is_one_part() -> None:
    assert split_reply("好的", 2000) == ["好的"]
    assert split_reply("", 2000) == [""]


def test_a_long_reply_answers_the_first_part_and_queues_the_rest_as_custom_messages(session: Session) -> None:
    settings = Settings(demo_data=False)
    platform = SimulatedPlatform(TOKEN, APP_ID)
    xml = platform.text("o-long-1", "预览")
    message = parse_message(xmltodict.parse(xml)["xml"], xml)
    text = "详情" * 1500  # 9000 bytes → 5 parts of at most 2000 bytes
    now = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    reply = webhook._render(session, settings, message, 7, text, now)
    queued = list(session.scalars(select(Notification).order_by(Notification.id)))
    assert len(_content(reply).encode()) <= settings.wechat.reply_max_bytes
    assert _content(reply) + "".join(str(n.payload["text"]) for n in queued) == text
    assert [n.channel for n in queued] == [NotificationChannel.WECHAT_CUSTOM] * 4
    assert {n.recipient_openid for n in queued} == {"o-long-1"}
    assert [n.dedupe_key for n in queued][0] == "inbound:7:part2:wechat_custom:oo-long-1"
    again = webhook._render(session, settings, message, 7, text, now)  # a replay enqueues nothing new
    assert again == reply
    assert len(list(session.scalars(select(Notification)))) == 4


def test_a_reply_too_long_for_five_messages_is_cut_with_a_note(session: Session) -> None:
    settings = Settings(demo_data=False)
    platform = SimulatedPlatform(TOKEN, APP_ID)
    xml = platform.text("o-long-2", "预览")
    message = parse_message(xmltodict.parse(xml)["xml"], xml)
    now = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    webhook._render(session, settings, message, 8, "很长" * 5000, now)
    queued = list(session.scalars(select(Notification).where(Notification.recipient_openid == "o-long-2")))
    assert len(queued) == webhook.MAX_PARTS - 1
    last = str(queued[-1].payload["text"])
    assert last.endswith("网页端查看）")
    assert len(last.encode()) <= settings.wechat.reply_max_bytes


def test_cdata_of_plain_text_is_unchanged() -> None:
    assert cdata("普通") == "<![CDATA[普通]]>"
