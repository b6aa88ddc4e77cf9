"""``zhuli chat`` and ``zhuli wechat menu`` as a person runs them: real processes, real HTTP, the fake API."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.app import create_app
from bot.menu import MENU
from bot.platform.client import WeChatApi
from bot.platform.fake import FakeWeChatApi
from core.db import Database
from core.settings import WeChatSettings
from tests.bot.conftest import APP_ID, TOKEN, bot_settings, inbound_count, inbound_rows, live_app
from tests.servers import free_port

OPENID = "o-cli-chat"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHULI_")}
    env.update(ZHULI_LOG_LEVEL="WARNING", **extra)
    return env


def test_wechat_menu_installs_the_three_buttons_through_the_api(
    fake_wechat: FakeWeChatApi, fresh_database: Database, tmp_path: Path
) -> None:
    env = _env(
        ZHULI_DATA_DIR=str(tmp_path / "var"),
        ZHULI_DATABASE_URL=fresh_database.engine.url.render_as_string(hide_password=False),
        ZHULI_WECHAT__APP_ID=fake_wechat.app_id,
        ZHULI_WECHAT__APP_SECRET=fake_wechat.app_secret,
        ZHULI_WECHAT__API_BASE_URL=fake_wechat.base_url,
    )
    done = subprocess.run(
        [sys.executable, "-m", "api", "wechat", "menu"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "提交需求 / 我的需求 / 帮助" in done.stdout
    assert fake_wechat.state.menu == MENU
    assert len(fake_wechat.calls("menu/create")) == 1


def test_wechat_menu_without_credentials_says_what_to_set(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "api", "wechat", "menu"],
        env=_env(ZHULI_DATA_DIR=str(tmp_path / "var")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "ZHULI_WECHAT__APP_ID" in done.stderr


@pytest.fixture
def fake_port() -> int:
    return free_port()


@pytest.fixture
def server(tmp_path: Path, fresh_database: Database, fake_port: int) -> Iterator[str]:
    settings = bot_settings(tmp_path, api_base_url=f"http://127.0.0.1:{fake_port}/cgi-bin/")
    with live_app(create_app(settings, database=fresh_database, keep_index=False)) as url:
        yield url


def test_chat_sends_each_kind_of_message_prints_replies_and_pushes(
    server: str, fresh_database: Database, fake_port: int, tmp_path: Path
) -> None:
    env = _env(
        ZHULI_DATA_DIR=str(tmp_path / "chat"),
        ZHULI_WECHAT__TOKEN=TOKEN,
        ZHULI_WECHAT__APP_ID=APP_ID,
        PYTHONUNBUFFERED="1",
    )
    chat = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "api",
            "chat",
            "--url",
            server,
            "--openid",
            OPENID,
            "--fake-port",
            str(fake_port),
            "--linger",
            "0",
        ],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert chat.stdin is not None
    script = ["/subscribe", "你好，我们想找人做视觉检测", "/voice 预算十万元左右", "/image", "/click HELP", "/nonsense"]
    chat.stdin.write("\n".join(script) + "\n/wait 6\n")
    chat.stdin.flush()
    deadline = time.monotonic() + 60
    while inbound_count(fresh_database, openid=OPENID) < 5 and time.monotonic() < deadline:
        time.sleep(0.2)
    # the server's side of a push, through the fake API the simulator runs (the user's window is open)
    api = WeChatApi(
        WeChatSettings(
            app_id=APP_ID, app_secret="zhuli-chat-secret", api_base_url=f"http://127.0.0.1:{fake_port}/cgi-bin/"
        ),
        fresh_database,
    )
    api.send_text(OPENID, "您的需求已由晋江市科协受理")
    out, err = chat.communicate(timeout=60)  # end of input after the /wait: the simulator exits
    assert out.count("助力（") == 5, out + err
    assert "未知命令 /nonsense" in out
    assert f"【推送·客服消息 → {OPENID}】您的需求已由晋江市科协受理" in out
    rows = sorted(inbound_rows(fresh_database, OPENID), key=lambda row: row.id)
    assert [(row.msg_type, row.event) for row in rows] == [
        ("event", "subscribe"),
        ("text", None),
        ("voice", None),
        ("image", None),
        ("event", "click"),
    ]
    assert rows[2].content == "预算十万元左右"
    assert "<EventKey><![CDATA[HELP]]></EventKey>" in rows[4].raw_xml
