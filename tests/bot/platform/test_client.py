"""WeChatApi against the fake API over real HTTP, with the token shared through the database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.platform.client import WeChatApi
from bot.platform.errors import (
    CredentialsRejected,
    InvalidRequest,
    IpNotWhitelisted,
    NotSubscribed,
    PlatformTimeout,
    PlatformUnreachable,
    PushLimitExceeded,
    QuotaExhausted,
    TokenRejected,
    UserRefused,
    WeChatApiError,
    WindowClosed,
)
from bot.platform.fake import FakeWeChatApi
from core import clock
from core.db import Database
from core.settings import WeChatSettings
from models import WeChatToken

OPENID = "o-user-1"


@pytest.fixture
def api(wechat_settings: WeChatSettings, bound_db: Database) -> WeChatApi:
    return WeChatApi(wechat_settings, bound_db)


def test_send_text_fetches_the_token_from_the_configured_base_url_once(
    api: WeChatApi, fake_wechat: FakeWeChatApi, bound_db: Database
) -> None:
    fake_wechat.open_window(OPENID)
    api.send_text(OPENID, "您的需求已提交")
    api.send_text(OPENID, "第二条")
    assert [p.text for p in fake_wechat.pushes(OPENID)] == ["您的需求已提交", "第二条"]
    assert len(fake_wechat.calls("token")) == 1
    with bound_db.read_session() as session:
        row = session.get(WeChatToken, fake_wechat.app_id)
        assert row is not None
        assert row.access_token == fake_wechat.calls("message/custom/send")[0].query["access_token"]
        assert row.expires_at > clock.now() + timedelta(hours=1)


def test_a_second_client_uses_the_stored_token_instead_of_fetching(
    api: WeChatApi, fake_wechat: FakeWeChatApi, wechat_settings: WeChatSettings, bound_db: Database
) -> None:
    fake_wechat.open_window(OPENID)
    api.send_text(OPENID, "一")
    WeChatApi(wechat_settings, bound_db).send_text(OPENID, "二")
    assert len(fake_wechat.calls("token")) == 1
    assert len(fake_wechat.pushes(OPENID)) == 2


def test_an_expiring_stored_token_is_refreshed_before_use(
    api: WeChatApi, fake_wechat: FakeWeChatApi, wechat_settings: WeChatSettings, bound_db: Database
) -> None:
    fake_wechat.open_window(OPENID)
    api.send_text(OPENID, "一")
    with bound_db.unit_of_work() as session:
        row = session.get(WeChatToken, fake_wechat.app_id)
        assert row is not None
        row.expires_at = clock.now() + timedelta(seconds=30)  # inside the refresh margin
    WeChatApi(wechat_settings, bound_db).send_text(OPENID, "二")
    assert len(fake_wechat.calls("token")) == 2


def test_40001_once_refetches_the_token_once_and_delivers(api: WeChatApi, fake_wechat: FakeWeChatApi) -> None:
    fake_wechat.open_window(OPENID)
    api.send_text(OPENID, "一")
    fake_wechat.invalidate_tokens()
    api.send_text(OPENID, "二")
    assert [c.errcode for c in fake_wechat.calls("message/custom/send")] == [0, 40001, 0]
    assert len(fake_wechat.calls("token")) == 2
    assert [p.text for p in fake_wechat.pushes(OPENID)] == ["一", "二"]


@pytest.mark.parametrize("errcode", [40001, 40014, 42001])
def test_a_token_error_that_persists_gives_up_after_the_bounded_refetches(
    fake_wechat: FakeWeChatApi, wechat_settings: WeChatSettings, bound_db: Database, errcode: int
) -> None:
    api = WeChatApi(wechat_settings.model_copy(update={"token_refreshes_per_call": 2}), bound_db)
    fake_wechat.open_window(OPENID)
    fake_wechat.fail("message/custom/send", errcode, times=None)
    with pytest.raises(TokenRejected) as caught:
        api.send_text(OPENID, "一")
    assert caught.value.errcode == errcode
    assert "after 2 token refetches" in str(caught.value)
    assert len(fake_wechat.calls("message/custom/send")) == 3
    assert len(fake_wechat.calls("token")) == 3
    assert fake_wechat.pushes() == []


def test_two_clients_seeing_40001_together_refresh_the_shared_token_once(
    fake_wechat: FakeWeChatApi, wechat_settings: WeChatSettings, bound_db: Database
) -> None:
    first, second = WeChatApi(wechat_settings, bound_db), WeChatApi(wechat_settings, bound_db)
    fake_wechat.open_window(OPENID)
    first.send_text(OPENID, "一")
    second.send_text(OPENID, "二")  # both now hold the same token in memory
    fake_wechat.invalidate_tokens()
    first.send_text(OPENID, "三")
    second.send_text(OPENID, "四")  # 40001 with the old token; the store already has the new one
    assert len(fake_wechat.calls("token")) == 2
    assert [p.text for p in fake_wechat.pushes(OPENID)] == ["一", "二", "三", "四"]


def test_wrong_secret_is_a_credentials_error(
    fake_wechat: FakeWeChatApi, wechat_settings: WeChatSettings, bound_db: Database
) -> None:
    from pydantic import SecretStr

    api = WeChatApi(wechat_settings.model_copy(update={"app_secret": SecretStr("wrong")}), bound_db)
    with pytest.raises(CredentialsRejected) as caught:
        api.send_text(OPENID, "一")
    assert caught.value.errcode == 40125
    assert fake_wechat.calls("message/custom/send") == []


def test_window_rules_answer_45015_then_45047(api: WeChatApi, fake_wechat: FakeWeChatApi) -> None:
    with pytest.raises(WindowClosed):
        api.send_text(OPENID, "窗口未开")
    fake_wechat.open_window(OPENID)
    for n in range(5):
        api.send_text(OPENID, f"第{n}条")
    with pytest.raises(PushLimitExceeded) as caught:
        api.send_text(OPENID, "第六条")
    assert not caught.value.retryable
    assert len(fake_wechat.pushes(OPENID)) == 5


def test_template_repeat_with_the_same_client_msg_id_is_delivered_once(
    api: WeChatApi, fake_wechat: FakeWeChatApi
) -> None:
    data = {"thing1": "需求已受理", "thing2": "晋江市科协"}
    first = api.send_template(OPENID, "tpl-status", data, url="https://zhuli.example/d/1", client_msg_id="n:1")
    again = api.send_template(OPENID, "tpl-status", data, url="https://zhuli.example/d/1", client_msg_id="n:1")
    other = api.send_template(OPENID, "tpl-status", data, client_msg_id="n:2")
    assert first.msgid is not None
    assert again.msgid == first.msgid
    assert other.msgid != first.msgid
    pushes = fake_wechat.pushes(OPENID)
    assert [p.client_msg_id for p in pushes] == ["n:1", "n:2"]
    assert pushes[0].data == data
    assert pushes[0].url == "https://zhuli.example/d/1"


def test_template_value_too_long_is_an_invalid_request(api: WeChatApi) -> None:
    with pytest.raises(InvalidRequest) as caught:
        api.send_template(OPENID, "tpl-status", {"thing1": "这是一个明显超过二十个字符限制的模板消息字段值啊"})
    assert caught.value.errcode == 47003
    assert not caught.value.retryable


@pytest.mark.parametrize(
    ("setup", "error"),
    [("refuse", UserRefused), ("unsubscribe", NotSubscribed)],
)
def test_users_who_refused_or_left_get_permanent_errors(
    api: WeChatApi, fake_wechat: FakeWeChatApi, setup: str, error: type[WeChatApiError]
) -> None:
    getattr(fake_wechat, setup)(OPENID)
    with pytest.raises(error) as caught:
        api.send_template(OPENID, "tpl-status", {"thing1": "通知"})
    assert not caught.value.retryable


@pytest.mark.parametrize(("errcode", "error"), [(45009, QuotaExhausted), (40164, IpNotWhitelisted)])
def test_quota_and_whitelist_errors_are_typed_and_retryable(
    api: WeChatApi, fake_wechat: FakeWeChatApi, errcode: int, error: type[WeChatApiError]
) -> None:
    fake_wechat.fail("message/template/send", errcode)
    with pytest.raises(error) as caught:
        api.send_template(OPENID, "tpl-status", {"thing1": "通知"})
    assert caught.value.retryable
    api.send_template(OPENID, "tpl-status", {"thing1": "通知"})
    assert len(fake_wechat.pushes(OPENID)) == 1


def test_api_down_is_unreachable_not_in_doubt_then_works_again(api: WeChatApi, fake_wechat: FakeWeChatApi) -> None:
    fake_wechat.open_window(OPENID)
    api.send_text(OPENID, "一")
    fake_wechat.go_down()
    with pytest.raises(PlatformUnreachable) as caught:
        api.send_text(OPENID, "二")
    assert not caught.value.in_doubt
    fake_wechat.come_up()
    api.send_text(OPENID, "三")
    assert [p.text for p in fake_wechat.pushes(OPENID)] == ["一", "三"]


def test_a_slow_answer_is_a_timeout_in_doubt_although_the_message_arrived(
    api: WeChatApi, fake_wechat: FakeWeChatApi
) -> None:
    fake_wechat.open_window(OPENID)
    api.send_text(OPENID, "预热")
    fake_wechat.slow("message/custom/send", 2.0)
    with pytest.raises(PlatformTimeout) as caught:
        api.send_text(OPENID, "慢")
    assert caught.value.in_doubt
    assert [p.text for p in fake_wechat.pushes(OPENID)] == ["预热", "慢"]


def test_create_menu_installs_it_and_a_bad_menu_is_refused(api: WeChatApi, fake_wechat: FakeWeChatApi) -> None:
    menu = {"button": [{"type": "click", "name": "提交需求", "key": "SUBMIT"}]}
    api.create_menu(menu)
    assert fake_wechat.state.menu == menu
    with pytest.raises(InvalidRequest):
        api.create_menu({"button": []})


def test_download_media_returns_the_bytes_and_content_type(api: WeChatApi, fake_wechat: FakeWeChatApi) -> None:
    media_id = fake_wechat.add_media(b"\xff\xd8\xff\xe0 jpeg bytes", "image/jpeg")
    media = api.download_media(media_id)
    assert media.content == b"\xff\xd8\xff\xe0 jpeg bytes"
    assert media.content_type == "image/jpeg"
    assert media.filename == f"{media_id}.jpg"
    with pytest.raises(InvalidRequest) as caught:
        api.download_media("no-such-media")
    assert caught.value.errcode == 40007


def test_wechatpy_helpers_on_the_client_use_the_shared_token(api: WeChatApi, fake_wechat: FakeWeChatApi) -> None:
    fake_wechat.open_window(OPENID)
    api.client.message.send_text(OPENID, "经由 wechatpy 的接口")
    assert fake_wechat.pushes(OPENID)[0].text == "经由 wechatpy 的接口"
    assert len(fake_wechat.calls("token")) == 1
