"""What the webhook refuses: forged or replayed requests (403) and hostile or broken XML (400), storing nothing."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from bot.simulator import SimulatedPlatform, WeChatSimulator, sign
from core.db import Database
from tests.bot.conftest import TOKEN, inbound_count

OPENID = "o-security-1"

XXE = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><ToUserName>gh</ToUserName><FromUserName>o-security-1</FromUserName><CreateTime>{t}</CreateTime>"
    "<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>"
)
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]><xml><FromUserName>o-security-1</FromUserName><CreateTime>{t}</CreateTime>"
    "<MsgType>text</MsgType><Content>&lol9;</Content><MsgId>2</MsgId></xml>"
)


def _echo_params(token: str = TOKEN, timestamp: int | None = None, echostr: str = "abc") -> dict[str, str]:
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    return {"signature": sign(token, stamp, "n0nce"), "timestamp": stamp, "nonce": "n0nce", "echostr": echostr}


def test_url_check_echoes_echostr_byte_for_byte_as_plain_text(client: TestClient) -> None:
    echostr = "1234567890123456789-_.~AbC"
    response = client.get("/wechat", params=_echo_params(echostr=echostr))
    assert response.status_code == 200
    assert response.content == echostr.encode()
    assert response.headers["content-type"].startswith("text/plain")


def test_url_check_with_a_wrong_signature_is_refused(client: TestClient) -> None:
    response = client.get("/wechat", params=_echo_params(token="not-our-token"))
    assert response.status_code == 403
    assert "abc" not in response.text


def test_url_check_with_a_stale_timestamp_is_refused(client: TestClient) -> None:
    response = client.get("/wechat", params=_echo_params(timestamp=int(time.time()) - 301))
    assert response.status_code == 403
    assert "时间戳" in response.json()["detail"]


def test_message_with_a_wrong_signature_gets_403_and_nothing_is_stored(
    wechat: WeChatSimulator, platform: SimulatedPlatform, bound_db: Database
) -> None:
    reply = wechat.post(platform.text(OPENID, "你好"), token="forged")
    assert reply.status_code == 403
    assert inbound_count(bound_db, openid=OPENID) == 0


def test_missing_signature_parameters_get_403(client: TestClient, platform: SimulatedPlatform) -> None:
    response = client.post("/wechat", content=platform.text(OPENID, "你好").encode())
    assert response.status_code == 403


def test_replayed_message_with_a_stale_timestamp_gets_403_and_nothing_is_stored(
    wechat: WeChatSimulator, platform: SimulatedPlatform, bound_db: Database
) -> None:
    stale = int(time.time()) - 10 * 60
    reply = wechat.post(platform.text(OPENID, "你好", at=stale), timestamp=stale)
    assert reply.status_code == 403
    future = wechat.post(platform.text(OPENID, "你好"), timestamp=int(time.time()) + 10 * 60)
    assert future.status_code == 403
    assert inbound_count(bound_db, openid=OPENID) == 0


@pytest.mark.parametrize("template", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_doctype_and_entities_are_refused_with_400_and_nothing_is_stored(
    wechat: WeChatSimulator, bound_db: Database, template: str
) -> None:
    reply = wechat.post(template.replace("{t}", str(int(time.time()))))
    assert reply.status_code == 400
    assert "DOCTYPE" in reply.body
    assert inbound_count(bound_db, openid=OPENID) == 0


@pytest.mark.parametrize(
    "body",
    [
        "<xml><FromUserName>o</FromUserName>",  # not well-formed
        "not xml at all",
        "<root><FromUserName>o</FromUserName></root>",  # no <xml> root
        "<xml><FromUserName>o-security-1</FromUserName><MsgType>text</MsgType></xml>",  # no CreateTime
    ],
)
def test_malformed_xml_is_refused_with_400_and_nothing_is_stored(
    wechat: WeChatSimulator, bound_db: Database, body: str
) -> None:
    reply = wechat.post(body)
    assert reply.status_code == 400
    assert reply.body
    assert "消息" in reply.body
    assert inbound_count(bound_db) == 0


def test_a_body_over_the_size_limit_is_refused_with_400_before_parsing(
    wechat: WeChatSimulator, platform: SimulatedPlatform, bound_db: Database
) -> None:
    reply = wechat.post(platform.text(OPENID, "长" * 30_000))  # ~90 KB > 64 KiB
    assert reply.status_code == 400
    assert "上限" in reply.body
    assert inbound_count(bound_db, openid=OPENID) == 0


def test_a_body_that_is_not_utf8_is_refused_with_400(wechat: WeChatSimulator, platform: SimulatedPlatform) -> None:
    request = platform.request(platform.text(OPENID, "x"))
    reply = wechat.send(type(request)(request.params, platform.text(OPENID, "中文").encode("gbk")))
    assert reply.status_code == 400
