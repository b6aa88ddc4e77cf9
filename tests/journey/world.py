"""A demand's whole journey over real HTTP: chat on the WeChat webhook, staff on the REST API.

:class:`Journey` plays every party the way its user would: the enterprise talks to ``/wechat`` with
platform-signed XML (the simulator), the local association and the society log in at
``/api/auth/token`` and call the REST API. Requests alternate over every serving process, so a
deployment of several processes behind a proxy is driven as one.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot import menu
from bot.platform.fake import FakeWeChatApi
from bot.simulator import SimulatedPlatform, WeChatSimulator
from directory import credit_code
from models import AuditEvent, Demand, Notification, NotificationChannel, Role, User

TOKEN = "zhuli-journey-token"
APP_ID = "wx-fake-app"
APP_SECRET = "fake-secret"
PASSWORD = "zhuli-demo"  # the demo logins' password (README)
REGION = "350582"  # 晋江市: its association has the demo login la-350582
CODE = credit_code.generate(REGION, 77331155)
TITLE = "EVA鞋底低温开裂"


def wechat_env(fake: FakeWeChatApi) -> dict[str, str]:
    return {
        "ZHULI_WECHAT__TOKEN": TOKEN,
        "ZHULI_WECHAT__APP_ID": fake.app_id,
        "ZHULI_WECHAT__APP_SECRET": fake.app_secret,
        "ZHULI_WECHAT__API_BASE_URL": fake.base_url,
        "ZHULI_WECHAT__TEMPLATE_STATUS_UPDATE": "tpl-status",
        "ZHULI_WECHAT__TEMPLATE_STAFF_TASK": "tpl-task",
        "ZHULI_WORKER__POLL_INTERVAL_SECONDS": "0.2",
        "ZHULI_WORKER__BACKOFF_BASE_SECONDS": "0.5",
        "ZHULI_WORKER__BACKOFF_CAP_SECONDS": "2",
        "PYTHONUNBUFFERED": "1",
    }


def wait_until(condition: Callable[[], Any], *, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.3)


@dataclass
class Journey:
    base_urls: list[str]
    database_url: str
    fake: FakeWeChatApi
    openid: str = "o-journey-enterprise"
    platform: SimulatedPlatform = field(init=False)
    _next: Iterator[str] = field(init=False)
    _tokens: dict[str, str] = field(default_factory=dict)
    transcript: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.platform = SimulatedPlatform(TOKEN, APP_ID)
        self._next = itertools.cycle(self.base_urls)

    # -- the enterprise, on WeChat ----------------------------------------------------------------
    def _wechat(self, xml: str, said: str) -> str:
        self.fake.open_window(self.openid)  # the platform opens the 48 h window on every user message
        with WeChatSimulator(next(self._next), self.platform) as wechat:
            reply = wechat.post(xml)
        assert reply.status_code == 200, reply.body
        self.transcript.append((said, reply.text or ""))
        return reply.text or ""

    def say(self, text: str) -> str:
        return self._wechat(self.platform.text(self.openid, text), text)

    def click(self, key: str) -> str:
        return self._wechat(self.platform.event(self.openid, "CLICK", key), f"[菜单] {key}")

    def subscribe(self) -> str:
        return self._wechat(self.platform.event(self.openid, "subscribe"), "[关注公众号]")

    def submit_by_chat(self) -> None:
        """The enterprise states its demand in its own words, the way the bot asks for it."""
        assert "提交需求" in self.subscribe()
        assert "企业全称" in self.click(menu.SUBMIT)
        assert "信用代码" in self.say("我们是晋江恒远鞋材有限公司")
        assert "县（市、区）" in self.say(f"信用代码 {CODE}")
        asked = self.say("晋江市")
        if "联系人" not in asked:  # the bot may ask back with numbered choices
            number = next(line.split(".")[0].strip() for line in asked.splitlines() if "晋江市" in line)
            asked = self.say(number)
        assert "联系人" in asked, asked
        assert "怎么称呼" in self.say("电话 139-0595-6677")
        assert "标题" in self.say("王海")
        assert "描述" in self.say(TITLE)
        self.say("我们生产EVA发泡鞋底，冬天零下的时候鞋底弯折处容易开裂，换过几种发泡剂和交联剂都不理想，硬度也偏高")
        assert "效果" in self.say("说完了")
        assert "预算" in self.say("零下20度弯折5万次不开裂，邵氏硬度降到55左右")
        assert "完成" in self.say("10到30万元")
        assert "请核对" in self.say("明年6月前")
        assert "已提交" in self.say("确认提交")

    def rate_by_chat(self, demand_id: int) -> None:
        listing = self.say("我的需求")
        number = next(line.split(".")[0].strip() for line in listing.splitlines() if TITLE in line)
        assert "评价" in self.say(number)
        assert "已结项" in self.say("评价 5 很满意，专家很专业")

    # -- staff, on the REST API -------------------------------------------------------------------
    def login(self, username: str) -> dict[str, str]:
        if username not in self._tokens:
            response = httpx.post(
                f"{next(self._next)}/api/auth/token", data={"username": username, "password": PASSWORD}, timeout=30
            )
            assert response.status_code == 200, response.text
            self._tokens[username] = response.json()["access_token"]
        return {"Authorization": f"Bearer {self._tokens[username]}"}

    def call(self, method: str, path: str, user: str, **kwargs: Any) -> Any:
        response = httpx.request(method, f"{next(self._next)}{path}", headers=self.login(user), timeout=30, **kwargs)
        assert response.status_code < 300, f"{method} {path} as {user}: {response.status_code} {response.text}"
        return response.json()

    # -- what is in the database (to find names a user would read off a screen) --------------------
    def session(self) -> Session:
        return Session(create_engine(self.database_url))

    def demand_id(self) -> int | None:
        with self.session() as s:
            return s.scalar(select(Demand.id).where(Demand.title == TITLE))

    def society_login(self, society_id: int) -> str:
        with self.session() as s:
            name = s.scalar(
                select(User.username).where(User.society_id == society_id, User.role == Role.SOCIETY).order_by(User.id)
            )
        assert name is not None
        return name

    def trail(self, demand_id: int) -> list[tuple[str, str | None]]:
        with self.session() as s:
            events = s.scalars(
                select(AuditEvent)
                .where(AuditEvent.demand_id == demand_id, AuditEvent.entity_type == "demand")
                .order_by(AuditEvent.id)
            )
            return [(e.action, e.to_state) for e in events]

    def enterprise_notifications(self, demand_id: int) -> list[Notification]:
        with self.session() as s:
            rows = list(
                s.scalars(
                    select(Notification)
                    .where(
                        Notification.demand_id == demand_id,
                        Notification.recipient_openid == self.openid,
                        Notification.channel == NotificationChannel.WECHAT_CUSTOM,
                    )
                    .order_by(Notification.id)
                )
            )
            s.expunge_all()
            return rows
