"""The webhook under test: the app over ASGI (or a real uvicorn thread) and a simulated platform."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from bot.simulator import SimulatedPlatform, WeChatSimulator
from core.db import Database
from core.settings import BotSettings, Settings, WeChatSettings
from models import InboundMessage
from tests.servers import free_port

TOKEN = "zhuli-test-token"
APP_ID = "wx-zhuli-test"
AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")


def bot_settings(
    tmp_path: Path, *, safe_mode: bool = False, bot: BotSettings | None = None, **wechat: object
) -> Settings:
    return Settings(
        data_dir=tmp_path / "var",
        demo_data=False,
        bot=bot or BotSettings(),
        wechat=WeChatSettings(
            token=TOKEN,  # type: ignore[arg-type]
            app_id=APP_ID,
            encoding_aes_key=AES_KEY if safe_mode else "",  # type: ignore[arg-type]
            **wechat,  # type: ignore[arg-type]
        ),
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return bot_settings(tmp_path)


@pytest.fixture
def client(settings: Settings, bound_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, database=bound_db, keep_index=False)) as c:
        yield c


@pytest.fixture
def platform() -> SimulatedPlatform:
    return SimulatedPlatform(TOKEN, APP_ID)


@pytest.fixture
def wechat(client: TestClient, platform: SimulatedPlatform) -> WeChatSimulator:
    return WeChatSimulator("", platform, http=client)


def inbound_count(db: Database, **where: object) -> int:
    with db.read_session() as session:
        query = select(func.count(InboundMessage.id))
        for name, value in where.items():
            query = query.where(getattr(InboundMessage, name) == value)
        return int(session.scalar(query) or 0)


def inbound_rows(db: Database, openid: str) -> list[InboundMessage]:
    with db.read_session() as session:
        rows = list(session.scalars(select(InboundMessage).where(InboundMessage.openid == openid)))
        session.expunge_all()  # readable after the read session's rollback
        return rows


@contextmanager
def live_app(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn on a free port of 127.0.0.1 in a thread (real HTTP, real threads)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on"))
    thread = threading.Thread(target=server.run, name="live-app", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
