"""Two real ``zhuli serve`` processes on one database receive the same retried message: one row, one reply."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest

from bot.simulator import Reply, SimulatedPlatform, WeChatSimulator
from core.db import Database
from tests.bot.conftest import APP_ID, TOKEN, inbound_count
from tests.servers import Served, serving


@pytest.fixture
def two_servers(tmp_path: Path, fresh_database: Database) -> Iterator[list[Served]]:
    env = {
        "ZHULI_DATABASE_URL": fresh_database.engine.url.render_as_string(hide_password=False),
        "ZHULI_DEMO_DATA": "false",
        "ZHULI_WECHAT__TOKEN": TOKEN,
        "ZHULI_WECHAT__APP_ID": APP_ID,
        "ZHULI_WORKER__IN_PROCESS": "false",
    }
    with ExitStack() as stack:
        yield [stack.enter_context(serving(tmp_path / f"var{i}", env=env, timeout=180)) for i in range(2)]


def test_a_message_retried_to_two_processes_at_once_is_stored_once(
    two_servers: list[Served], fresh_database: Database
) -> None:
    platform = SimulatedPlatform(TOKEN, APP_ID)
    for attempt in range(5):
        openid = f"o-two-processes-{attempt}"
        xml = platform.text(openid, "提交需求")
        targets = [two_servers[i % 2].base_url for i in range(4)]

        def post(base_url: str, xml: str = xml) -> Reply:
            with WeChatSimulator(base_url, platform) as wechat:
                return wechat.post(xml)

        with ThreadPoolExecutor(4) as pool:
            replies = list(pool.map(post, targets))
        assert [r.status_code for r in replies] == [200] * 4
        assert len({r.body for r in replies}) == 1
        assert inbound_count(fresh_database, openid=openid) == 1
