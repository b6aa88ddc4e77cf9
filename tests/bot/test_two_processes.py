"""Two real ``zhuli serve`` processes on one database receive the same retried messages: one row, one
reply, one demand."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.simulator import Reply, SimulatedPlatform, WeChatSimulator
from core.db import Database
from directory import credit_code
from models import Demand, DemandStatus
from tests.bot.conftest import APP_ID, TOKEN, inbound_count
from tests.servers import Served, serving

CODE = credit_code.generate("350128", 55667788)


@pytest.fixture
def two_servers(tmp_path: Path, fresh_database: Database) -> Iterator[list[Served]]:
    env = {
        "ZHULI_DATABASE_URL": fresh_database.engine.url.render_as_string(hide_password=False),
        "ZHULI_DEMO_DATA": "false",
        "ZHULI_WECHAT__TOKEN": TOKEN,
        "ZHULI_WECHAT__APP_ID": APP_ID,
        "ZHULI_WORKER__IN_PROCESS": "false",
    }
    starting = [serving(tmp_path / f"var{i}", env=env, timeout=300) for i in range(2)]
    with ExitStack() as stack, ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(server.__enter__) for server in starting]  # start both at once
        served: list[Served] = []
        for server, future in zip(starting, futures, strict=True):
            served.append(future.result())
            stack.push(server.__exit__)
        yield served


def _post_to_both(servers: list[Served], platform: SimulatedPlatform, xml: str, copies: int = 4) -> list[Reply]:
    def post(base_url: str) -> Reply:
        with WeChatSimulator(base_url, platform) as wechat:
            return wechat.post(xml)

    with ThreadPoolExecutor(copies) as pool:
        return list(pool.map(post, [servers[i % 2].base_url for i in range(copies)]))


def test_messages_retried_to_two_processes_at_once_are_stored_once_and_submit_one_demand(
    two_servers: list[Served], fresh_database: Database
) -> None:
    platform = SimulatedPlatform(TOKEN, APP_ID)
    for attempt in range(3):
        openid = f"o-two-processes-{attempt}"
        replies = _post_to_both(two_servers, platform, platform.text(openid, "提交需求"))
        assert [r.status_code for r in replies] == [200] * 4
        assert len({r.body for r in replies}) == 1
        assert inbound_count(fresh_database, openid=openid) == 1

    openid = "o-two-processes-demand"
    script = [
        "你好，我们平潭海峡水产有限公司做鲍鱼养殖的，夏天高温时鲍鱼大量死亡，想请专家看看水质调控和品种改良的办法。",
        "信用代码 " + CODE,
        "找林经理，手机 137 0591 2345",
        "好",
        "希望夏天死亡率降到百分之五以下",
        "五万左右吧",
        "明年五月底之前",
    ]
    for number, line in enumerate(script):  # the conversation alternates between the two processes
        with WeChatSimulator(two_servers[number % 2].base_url, platform) as wechat:
            assert wechat.post(platform.text(openid, line)).status_code == 200
    confirm = _post_to_both(two_servers, platform, platform.text(openid, "确认"))
    assert [r.status_code for r in confirm] == [200] * 4
    assert len({r.text for r in confirm}) == 1
    assert "已提交" in (confirm[0].text or "")
    with fresh_database.read_session() as session:
        demands = list(session.scalars(select(Demand).where(Demand.contact_phone == "13705912345")))
        assert [d.status for d in demands] == [DemandStatus.SUBMITTED]
        assert session.scalar(select(func.count(Demand.id))) == 1
    assert inbound_count(fresh_database, openid=openid) == len(script) + 1
