"""The fake WeChat API answers the way the platform does (plain HTTP, no client of ours)."""

from __future__ import annotations

import httpx

from bot.platform.fake import Call, FakeWeChatApi


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _token(fake: FakeWeChatApi) -> str:
    params = {"grant_type": "client_credential", "appid": fake.app_id, "secret": fake.app_secret}
    body = httpx.get(fake.base_url + "token", params=params).json()
    assert body["expires_in"] == 7200
    return str(body["access_token"])


def _send(fake: FakeWeChatApi, token: str) -> dict[str, object]:
    body = {"touser": "o-1", "template_id": "t", "data": {"thing1": {"value": "通知"}}}
    answer: dict[str, object] = httpx.post(
        fake.base_url + "message/template/send", params={"access_token": token}, json=body
    ).json()
    return answer


def test_tokens_expire_and_a_refetch_leaves_the_old_one_a_grace_period() -> None:
    clock = Clock()
    with FakeWeChatApi(clock=clock, token_grace=300) as fake:
        first = _token(fake)
        assert _send(fake, first)["errcode"] == 0
        second = _token(fake)
        clock.now += 200
        assert _send(fake, first)["errcode"] == 0
        clock.now += 200
        assert _send(fake, first)["errcode"] == 42001
        assert _send(fake, second)["errcode"] == 0
        clock.now += 7200
        assert _send(fake, second)["errcode"] == 42001
        assert _send(fake, "forged")["errcode"] == 40001
        answer = httpx.post(fake.base_url + "message/template/send", json={}).json()
        assert answer["errcode"] == 41001
        assert str(answer["errmsg"]).startswith("access_token missing rid: ")


def test_every_call_reaches_the_listener_with_what_it_delivered() -> None:
    heard: list[Call] = []
    with FakeWeChatApi(listener=heard.append) as fake:
        token = _token(fake)
        _send(fake, token)
        fake.fail(None, 45009)
        assert _send(fake, token)["errcode"] == 45009
    assert [(c.endpoint, c.errcode) for c in heard] == [
        ("token", 0),
        ("message/template/send", 0),
        ("message/template/send", 45009),
    ]
    assert heard[1].push is not None
    assert heard[1].push.text == "通知"
    assert heard[2].push is None


def test_wrong_credentials_and_unknown_paths() -> None:
    with FakeWeChatApi() as fake:
        params = {"grant_type": "client_credential", "appid": "other", "secret": fake.app_secret}
        assert httpx.get(fake.base_url + "token", params=params).json()["errcode"] == 40013
        assert httpx.get(f"http://127.0.0.1:{fake.port}/elsewhere").status_code == 404
        token = _token(fake)
        answer = httpx.post(fake.base_url + "nope", params={"access_token": token}, json={}).json()
        assert answer["errcode"] == -1
