"""Retries that arrive together, over real HTTP on real connections: one stored message, one reply."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from api.app import create_app
from bot.platform.fake import FakeWeChatApi
from bot.simulator import Reply, SimulatedPlatform, WeChatSimulator
from core.db import Database
from directory import credit_code
from models import Demand, InboundStatus
from tests.bot.conftest import APP_ID, TOKEN, bot_settings, inbound_count, inbound_rows, live_app


@pytest.fixture
def base_url(tmp_path: Path, fresh_database: Database) -> Iterator[str]:
    app = create_app(bot_settings(tmp_path), database=fresh_database, keep_index=False)
    with live_app(app) as url:
        yield url


def _post_concurrently(base_url: str, requests: list[tuple[SimulatedPlatform, str]]) -> list[Reply]:
    def post(item: tuple[SimulatedPlatform, str]) -> Reply:
        with WeChatSimulator(base_url, item[0]) as wechat:
            return wechat.post(item[1])

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(post, requests))


def test_the_same_message_delivered_three_times_at_once_is_stored_once_with_one_reply(
    base_url: str, fresh_database: Database
) -> None:
    platform = SimulatedPlatform(TOKEN, APP_ID)
    for round_number in range(3):
        openid = f"o-concurrent-{round_number}"
        xml = platform.text(openid, "提交需求")
        replies = _post_concurrently(base_url, [(platform, xml)] * 3)
        assert [r.status_code for r in replies] == [200, 200, 200]
        assert len({r.body for r in replies}) == 1
        assert inbound_count(fresh_database, openid=openid) == 1


def test_two_quick_messages_of_one_user_are_both_stored_and_handled(base_url: str, fresh_database: Database) -> None:
    platform = SimulatedPlatform(TOKEN, APP_ID)
    openid = "o-quick-1"
    replies = _post_concurrently(
        base_url, [(platform, platform.text(openid, "提交需求")), (platform, platform.text(openid, "帮助"))]
    )
    assert [r.status_code for r in replies] == [200, 200]
    assert all(r.text for r in replies)
    rows = inbound_rows(fresh_database, openid)
    assert sorted(row.content or "" for row in rows) == sorted(["提交需求", "帮助"])
    assert {row.status for row in rows} == {InboundStatus.PROCESSED}


def test_many_users_at_once_each_get_their_own_reply(base_url: str, fresh_database: Database) -> None:
    platform = SimulatedPlatform(TOKEN, APP_ID)
    requests = [(platform, platform.text(f"o-many-{i}", f"你好 {i}")) for i in range(12)]
    replies = _post_concurrently(base_url, requests)
    assert [r.status_code for r in replies] == [200] * 12
    for i, reply in enumerate(replies):
        assert f"<ToUserName><![CDATA[o-many-{i}]]></ToUserName>" in reply.body
    assert inbound_count(fresh_database) == 12


def test_a_confirmation_retried_three_times_at_once_submits_one_demand_and_pushes_once(
    tmp_path: Path, fresh_database: Database
) -> None:
    openid = "o-one-push"
    code = credit_code.generate("350128", 99887766)
    script = [
        "你好，我们平潭海峡水产有限公司做鲍鱼养殖的，夏天高温时鲍鱼大量死亡，想请专家看看水质调控和品种改良的办法。",
        "信用代码 " + code,
        "找林经理，手机 137 0591 2345",
        "好",
        "希望夏天死亡率降到百分之五以下",
        "五万左右吧",
        "明年五月底之前",
    ]
    with FakeWeChatApi(app_id=APP_ID, app_secret="one-push-secret") as fake:
        settings = bot_settings(tmp_path, app_secret="one-push-secret", api_base_url=fake.base_url)
        app = create_app(settings, database=fresh_database, keep_index=False, run_worker=True)
        platform = SimulatedPlatform(TOKEN, APP_ID)
        with live_app(app) as url:
            with WeChatSimulator(url, platform) as wechat:
                for line in script:
                    fake.open_window(openid)  # the platform opens the window on the user's message
                    assert wechat.post(platform.text(openid, line)).status_code == 200
            replies = _post_concurrently(url, [(platform, platform.text(openid, "确认"))] * 3)
            assert len({r.body for r in replies}) == 1
            assert fake.wait_for(lambda f: len(f.pushes(openid)) >= 1, timeout=30)
            time.sleep(3)  # several worker polls: a second push would have gone out by now
        pushes = fake.pushes(openid)
    assert len(pushes) == 1
    assert "已提交" in pushes[0].text
    with fresh_database.read_session() as session:
        assert session.scalar(select(func.count(Demand.id))) == 1
