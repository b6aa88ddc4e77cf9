"""Retries that arrive together, over real HTTP on real connections: one stored message, one reply."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from api.app import create_app
from bot.simulator import Reply, SimulatedPlatform, WeChatSimulator
from core.db import Database
from models import InboundStatus
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
