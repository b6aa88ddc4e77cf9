"""Browser tests of the console: one real ``zhuli serve`` with the demo data, Debian's Chromium headless.

The server is shared by the whole session (demo load and index build take a while); each test opens a
fresh browser context (no cookies) and works on its own demands and offers, so order does not matter.
Every request the page makes to a host other than the server fails the test: nothing may come from a CDN.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, sync_playwright

from core.db import Database
from tests.servers import Served, serving, wait_until_index_ready

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "zhuli-demo"
SECRET_KEY = "console-tests-secret"
LAPTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def console_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(tmp_path_factory.mktemp("console") / "var", env={"ZHULI_SECRET_KEY": SECRET_KEY}) as server:
        yield server


@pytest.fixture(scope="session")
def index_ready(console_server: Served) -> None:
    """The served matching index is built (in the background after start): suggestions can be shown."""
    wait_until_index_ready(console_server.base_url, timeout=900)


@pytest.fixture(scope="session")
def server_db(console_server: Served) -> Iterator[Database]:
    """The served database, for tests to pick demo records and check what a page claims."""
    db = Database.from_url(console_server.database_url)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    chromium = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()


@dataclass
class Console:
    """A browser tab on the console, with the helpers the tests share."""

    page: Page
    base_url: str
    foreign_requests: list[str] = field(default_factory=list)

    def open(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        return self.page

    def login(self, username: str, password: str = DEMO_PASSWORD) -> Page:
        self.open("/console/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation():
            self.page.click("button[type=submit]")
        return self.page

    def shot(self, name: str, *, phone: bool = False) -> Path:
        """Save a screenshot under var/screenshots/: the full page, or the first screen at phone width."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}{'-390' if phone else ''}.png"
        if phone:
            self.page.set_viewport_size(PHONE)
            self.page.evaluate("window.scrollTo(0, 0)")
        self.page.screenshot(path=str(path), full_page=not phone)
        if phone:
            self.page.set_viewport_size(LAPTOP)
        return path


def _context(browser: Browser, base_url: str) -> tuple[BrowserContext, list[str]]:
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    host = urlsplit(base_url).netloc
    foreign: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == host or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route(re.compile(r".*"), guard)
    return context, foreign


@pytest.fixture
def console(browser: Browser, console_server: Served) -> Iterator[Console]:
    context, foreign = _context(browser, console_server.base_url)
    page = context.new_page()
    tab = Console(page=page, base_url=console_server.base_url, foreign_requests=foreign)
    try:
        yield tab
    finally:
        context.close()
    assert foreign == [], f"the console loaded from other hosts: {foreign}"


@pytest.fixture
def second_console(browser: Browser, console_server: Served) -> Iterator[Console]:
    """Another person at another browser (a separate cookie jar)."""
    context, foreign = _context(browser, console_server.base_url)
    tab = Console(page=context.new_page(), base_url=console_server.base_url, foreign_requests=foreign)
    try:
        yield tab
    finally:
        context.close()
    assert foreign == []
