"""A whole submission over real HTTP: signed (and AES-encrypted) XML to a live `/wechat`, passive replies back."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from api.app import create_app
from bot.simulator import SimulatedPlatform, WeChatSimulator
from core import clock
from core.db import Database
from directory import credit_code
from models import Demand, DemandSource, DemandStatus, InboundMessage, InboundStatus
from tests.bot.conftest import AES_KEY, APP_ID, TOKEN, bot_settings, live_app

CODE = credit_code.generate("350128", 66778899)
OPENID = "o-http-user"


@pytest.mark.parametrize("safe_mode", [False, True], ids=["plain", "aes"])
def test_a_user_answering_in_own_words_submits_a_demand_over_http(
    fresh_database: Database, tmp_path: Path, safe_mode: bool
) -> None:
    settings = bot_settings(tmp_path, safe_mode=safe_mode)
    platform = SimulatedPlatform(TOKEN, APP_ID, encoding_aes_key=AES_KEY if safe_mode else None)
    app = create_app(settings, database=fresh_database, keep_index=False)
    with live_app(app) as base_url, WeChatSimulator(base_url, platform) as wechat:

        def say(text: str) -> str:
            reply = wechat.post(platform.text(OPENID, text))
            assert reply.status_code == 200
            return reply.text or ""

        assert "提交需求" in (wechat.post(platform.event(OPENID, "subscribe")).text or "")
        first = say(
            "你好，我们平潭海峡水产有限公司做鲍鱼养殖的，夏天高温时鲍鱼大量死亡，想请专家看看水质调控和品种改良的办法。"
        )
        assert "已记下您的问题描述" in first
        assert "平潭海峡水产有限公司" in first
        assert "联系人" in say("信用代码 " + CODE)
        assert "标题" in say("找林经理，手机 137 0591 2345")
        assert "效果" in say("好")
        assert "预算" in voice(wechat, platform, "希望夏天死亡率降到百分之五以下")
        assert "完成" in say("五万左右吧")
        assert "请核对" in say("明年五月底之前")
        assert "已提交" in say("确认")

    with fresh_database.read_session() as session:
        [demand] = session.scalars(select(Demand))
        assert demand.status is DemandStatus.SUBMITTED
        assert demand.source is DemandSource.WECHAT
        assert demand.region_code == "350128"
        assert "鲍鱼大量死亡" in demand.description
        assert demand.expected_outcome == "希望夏天死亡率降到百分之五以下"
        assert (demand.budget_min, demand.budget_max) == (Decimal(50_000), Decimal(50_000))
        next_year = (clock.now() + timedelta(hours=8)).year + 1
        assert demand.deadline == date(next_year, 5, 31)
        assert (demand.contact_name, demand.contact_phone) == ("林经理", "13705912345")
        statuses = set(session.scalars(select(InboundMessage.status).where(InboundMessage.openid == OPENID)))
        assert statuses == {InboundStatus.PROCESSED}


def voice(wechat: WeChatSimulator, platform: SimulatedPlatform, recognition: str) -> str:
    reply = wechat.post(platform.voice(OPENID, recognition))
    assert reply.status_code == 200
    return reply.text or ""
