"""POST /wechat: each message is stored once before anything else, and answered (also on retries)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import xmltodict
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from bot.simulator import SimulatedPlatform, WeChatSimulator, message_xml
from core.db import Database
from core.settings import BotSettings
from directory import credit_code
from models import InboundStatus
from tests.bot.conftest import AES_KEY, APP_ID, TOKEN, bot_settings, inbound_count, inbound_rows

OPENID = "o-webhook-1"


def test_text_message_is_stored_and_answered_with_a_passive_reply(
    wechat: WeChatSimulator, platform: SimulatedPlatform, bound_db: Database
) -> None:
    xml = platform.text(OPENID, "你好，我想提交一个技术需求")
    reply = wechat.post(xml)
    assert reply.status_code == 200
    assert reply.text
    [row] = inbound_rows(bound_db, OPENID)
    assert (row.msg_type, row.content, row.status) == ("text", "你好，我想提交一个技术需求", InboundStatus.PROCESSED)
    assert row.msg_id == int(xmltodict.parse(xml)["xml"]["MsgId"])
    assert row.raw_xml == xml
    assert row.reply == reply.body
    answer = xmltodict.parse(reply.body)["xml"]
    assert (answer["ToUserName"], answer["FromUserName"], answer["MsgType"]) == (OPENID, platform.account, "text")


def test_voice_image_subscribe_and_click_are_stored_with_their_fields(
    wechat: WeChatSimulator, platform: SimulatedPlatform, bound_db: Database
) -> None:
    at = int(time.time())
    assert wechat.post(platform.voice(OPENID, "我们需要一套视觉检测方案")).status_code == 200
    assert wechat.post(platform.image(OPENID, media_id="m-1")).status_code == 200
    assert wechat.post(platform.event(OPENID, "subscribe", at=at)).status_code == 200
    assert wechat.post(platform.event(OPENID, "CLICK", "MY_DEMANDS", at=at)).status_code == 200
    rows = {row.msg_type + ":" + (row.event or ""): row for row in inbound_rows(bound_db, OPENID)}
    assert set(rows) == {"voice:", "image:", "event:subscribe", "event:click"}
    assert rows["voice:"].content == "我们需要一套视觉检测方案"
    assert rows["event:subscribe"].msg_id is None
    assert rows["event:subscribe"].dedupe_key == f"evt:{OPENID}:{at}:subscribe"
    assert all(row.status is InboundStatus.PROCESSED for row in rows.values())


def test_the_same_message_delivered_three_times_is_stored_once_and_gets_the_same_reply(
    wechat: WeChatSimulator, platform: SimulatedPlatform, bound_db: Database
) -> None:
    xml = platform.text(OPENID, "提交需求")
    replies = [wechat.post(xml) for _ in range(3)]  # the platform re-signs each retry
    assert [r.status_code for r in replies] == [200, 200, 200]
    assert len({r.body for r in replies}) == 1
    assert inbound_count(bound_db, openid=OPENID) == 1


def test_a_retried_event_without_msgid_is_recognised_by_openid_time_and_event(
    wechat: WeChatSimulator, platform: SimulatedPlatform, bound_db: Database
) -> None:
    xml = platform.event(OPENID, "subscribe", at=int(time.time()))
    first, second = wechat.post(xml), wechat.post(xml)
    assert first.body == second.body
    assert inbound_count(bound_db, openid=OPENID) == 1
    later = platform.event(OPENID, "subscribe", at=int(time.time()) + 1)  # a new subscription, not a retry
    wechat.post(later)
    assert inbound_count(bound_db, openid=OPENID) == 2


def test_an_event_type_wechatpy_does_not_know_is_stored_not_crashed(
    wechat: WeChatSimulator, platform: SimulatedPlatform, bound_db: Database
) -> None:
    xml = platform.event(OPENID, "subscribe_msg_popup_event", SubscribeMsgPopupEvent="<List>x</List>")
    reply = wechat.post(xml)
    assert reply.status_code == 200
    [row] = inbound_rows(bound_db, OPENID)
    assert (row.msg_type, row.event, row.status) == ("event", "subscribe_msg_popup_event", InboundStatus.PROCESSED)


def test_an_unknown_message_type_is_stored_and_answered_politely(
    wechat: WeChatSimulator, platform: SimulatedPlatform, bound_db: Database
) -> None:
    xml = message_xml(platform.fields(OPENID, "location", Location_X="26.07", Location_Y="119.29", Label="福州市"))
    reply = wechat.post(xml)
    assert reply.status_code == 200
    assert reply.text  # some reply, not silence
    [row] = inbound_rows(bound_db, OPENID)
    assert (row.msg_type, row.status) == ("location", InboundStatus.PROCESSED)


def test_user_text_with_cdata_terminator_is_stored_exactly(
    wechat: WeChatSimulator, platform: SimulatedPlatform, bound_db: Database
) -> None:
    text = "需求]]><xml>注入</xml>，结尾]]>"
    reply = wechat.post(platform.text(OPENID, text))
    assert reply.status_code == 200
    assert xmltodict.parse(reply.body)["xml"]["MsgType"] == "text"  # the reply is valid XML
    [row] = inbound_rows(bound_db, OPENID)
    assert row.content == text


def test_too_many_messages_in_the_window_get_a_polite_slow_down_and_are_kept(
    tmp_path: Path, bound_db: Database, platform: SimulatedPlatform
) -> None:
    settings = bot_settings(tmp_path, rate_limit_messages=3, rate_limit_window_seconds=60)
    with TestClient(create_app(settings, database=bound_db, keep_index=False)) as client:
        wechat = WeChatSimulator("", platform, http=client)
        replies = [wechat.post(platform.text(OPENID, f"第{i}条")) for i in range(4)]
        other = wechat.post(platform.text("o-someone-else", "你好"))
    assert [r.status_code for r in replies] == [200] * 4
    assert replies[3].text is not None
    assert "太频繁" in replies[3].text
    assert "60 秒" in replies[3].text
    assert not any("太频繁" in (r.text or "") for r in [*replies[:3], other])
    rows = sorted(inbound_rows(bound_db, OPENID), key=lambda row: row.id)
    assert [row.status for row in rows] == [InboundStatus.PROCESSED] * 3 + [InboundStatus.IGNORED]
    assert rows[3].content == "第3条"


def test_oversized_text_is_kept_and_refused_with_the_limit_stated(
    tmp_path: Path, bound_db: Database, platform: SimulatedPlatform
) -> None:
    settings = bot_settings(tmp_path, bot=BotSettings(max_message_chars=100))
    with TestClient(create_app(settings, database=bound_db, keep_index=False)) as client:
        wechat = WeChatSimulator("", platform, http=client)
        reply = wechat.post(platform.text(OPENID, "很" * 101))
        fits = wechat.post(platform.text(OPENID, "很" * 100))
    assert reply.text is not None
    assert "101 字" in reply.text
    assert "100 字" in reply.text
    assert fits.text is not None
    assert "上限" not in fits.text
    rows = sorted(inbound_rows(bound_db, OPENID), key=lambda row: row.id)
    assert [(len(row.content or ""), row.status) for row in rows] == [
        (101, InboundStatus.IGNORED),
        (100, InboundStatus.PROCESSED),
    ]


@pytest.fixture
def safe_client(tmp_path: Path, bound_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(bot_settings(tmp_path, safe_mode=True), database=bound_db, keep_index=False)) as c:
        yield c


def test_safe_mode_decrypts_the_message_and_encrypts_the_reply(safe_client: TestClient, bound_db: Database) -> None:
    platform = SimulatedPlatform(TOKEN, APP_ID, encoding_aes_key=AES_KEY)
    wechat = WeChatSimulator("", platform, http=safe_client)
    reply = wechat.post(platform.text(OPENID, "加密模式下的需求"))
    assert reply.status_code == 200
    assert "<Encrypt>" in reply.body
    assert "需求" not in reply.body
    assert reply.text  # read_reply checked msg_signature and decrypted it
    [row] = inbound_rows(bound_db, OPENID)
    assert row.content == "加密模式下的需求"
    assert "<Encrypt>" not in row.raw_xml


def test_safe_mode_with_a_wrong_msg_signature_gets_403_and_nothing_is_stored(
    safe_client: TestClient, bound_db: Database
) -> None:
    platform = SimulatedPlatform(TOKEN, APP_ID, encoding_aes_key=AES_KEY)
    request = platform.request(platform.text(OPENID, "你好"))
    forged = dict(request.params, msg_signature="0" * 40)
    response = safe_client.post("/wechat", params=forged, content=request.body)
    assert response.status_code == 403
    assert inbound_count(bound_db, openid=OPENID) == 0


def test_safe_mode_refuses_a_doctype_inside_the_encrypted_message(safe_client: TestClient, bound_db: Database) -> None:
    platform = SimulatedPlatform(TOKEN, APP_ID, encoding_aes_key=AES_KEY)
    hostile = '<!DOCTYPE x [<!ENTITY e "boom">]>' + platform.text(OPENID, "&e;").replace("<![CDATA[&e;]]>", "&e;")
    wechat = WeChatSimulator("", platform, http=safe_client)
    assert wechat.post(hostile).status_code == 400
    assert inbound_count(bound_db, openid=OPENID) == 0


def test_safe_mode_with_a_foreign_app_id_is_refused_with_400(safe_client: TestClient, bound_db: Database) -> None:
    platform = SimulatedPlatform(TOKEN, "wx-someone-else", encoding_aes_key=AES_KEY)
    wechat = WeChatSimulator("", platform, http=safe_client)
    assert wechat.post(platform.text(OPENID, "你好")).status_code == 400
    assert inbound_count(bound_db, openid=OPENID) == 0


def test_a_reply_echoing_user_text_with_cdata_terminator_is_valid_xml_with_the_text_intact(
    wechat: WeChatSimulator, platform: SimulatedPlatform
) -> None:
    openid = "o-echo-cdata"
    code = credit_code.generate("350128", 11223344)
    description = "夏天高温时鲍鱼]]>大量死亡，想请专家看看水质调控的办法"
    replies = [
        wechat.post(platform.text(openid, line))
        for line in (
            f"我们平潭海峡水产有限公司做鲍鱼养殖，{description}",
            "信用代码 " + code,
            "找林经理，手机 137 0591 2345",
        )
    ]
    assert [r.status_code for r in replies] == [200] * 3
    for reply in replies:  # each parses (read_reply did) and is one well-formed document
        assert xmltodict.parse(reply.body)["xml"]["MsgType"] == "text"
    echoed = [r.text for r in replies if r.text and "]]>" in r.text]
    assert echoed, [r.text for r in replies]  # the bot proposes the description as the title
    assert "鲍鱼]]>大量死亡" in echoed[0]


def test_overlong_type_and_event_names_are_cut_to_their_columns_not_a_500(
    wechat: WeChatSimulator, platform: SimulatedPlatform, bound_db: Database
) -> None:
    long_type = message_xml(platform.fields(OPENID, "x" * 80))
    long_event = platform.event(OPENID, "e" * 100)
    assert [wechat.post(long_type).status_code, wechat.post(long_event).status_code] == [200, 200]
    rows = sorted(inbound_rows(bound_db, OPENID), key=lambda row: row.id)
    assert [(len(row.msg_type), len(row.event or "")) for row in rows] == [(32, 0), (5, 64)]


def test_without_a_configured_token_the_webhook_refuses_everything(
    tmp_path: Path, bound_db: Database, platform: SimulatedPlatform
) -> None:
    settings = bot_settings(tmp_path)
    settings.wechat.token = SecretStr("")
    with TestClient(create_app(settings, database=bound_db, keep_index=False)) as client:
        forged = SimulatedPlatform("", APP_ID)  # anyone can sign with an empty token
        reply = WeChatSimulator("", forged, http=client).post(forged.text(OPENID, "你好"))
    assert reply.status_code == 503
    assert "ZHULI_WECHAT__TOKEN" in reply.body
    assert inbound_count(bound_db, openid=OPENID) == 0
