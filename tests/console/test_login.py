"""Logging in: the API's users and passwords, role-aware navigation, refusals, CSRF and session expiry."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from playwright.sync_api import expect
from sqlalchemy import select

from accounts import issue_token
from core import clock
from core.db import Database
from core.settings import Settings
from models import Role, User
from tests.console.conftest import SECRET_KEY, Console
from tests.servers import Served


def test_a_local_association_logs_in_and_sees_its_navigation(console: Console) -> None:
    page = console.login("la-350582")
    expect(page).to_have_url(re.compile(r"/console/screening"))
    nav = page.locator("nav.nav")
    expect(nav).to_contain_text("待审核需求")
    expect(nav).to_contain_text("待确认对接")
    expect(nav).not_to_contain_text("用户管理")
    expect(page.locator(".who")).to_contain_text("晋江市科学技术协会")
    console.shot("login-landing-la")


def test_a_society_gets_the_society_navigation(console: Console) -> None:
    page = console.login("soc-tea")
    expect(page.locator("nav.nav")).to_contain_text("推荐需求")
    expect(page.locator("nav.nav")).not_to_contain_text("待审核需求")


def test_a_wrong_password_is_refused_in_chinese_and_sets_no_session(console: Console) -> None:
    console.open("/console/login")
    console.shot("login")
    console.shot("login", phone=True)
    page = console.login("la-350582", "wrong-password")
    expect(page.get_by_test_id("login-error")).to_have_text("用户名或密码错误")
    assert not [c for c in page.context.cookies() if c["name"] == "zhuli_session"]
    page.goto(console.base_url + "/console/screening")
    expect(page).to_have_url(re.compile(r"/console/login\?next=%2Fconsole%2Fscreening"))


def test_logout_ends_the_session(console: Console) -> None:
    page = console.login("la-350582")
    page.click("text=退出")
    expect(page.locator(".flash")).to_have_text("您已安全退出")
    page.goto(console.base_url + "/console/screening")
    expect(page).to_have_url(re.compile(r"/console/login"))


def test_after_login_the_browser_returns_to_the_page_it_asked_for(console: Console) -> None:
    page = console.open("/console/inbox")
    expect(page).to_have_url(re.compile(r"/console/login\?next="))
    page.fill("input[name=username]", "la-350582")
    page.fill("input[name=password]", "zhuli-demo")
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/console/inbox$"))


def test_the_session_cookie_is_httponly_and_samesite(console: Console) -> None:
    page = console.login("la-350582")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "zhuli_session"]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["path"] == "/console"
    assert page.evaluate("document.cookie").find("zhuli_session") == -1


def test_a_post_without_the_csrf_token_is_refused(console_server: Served) -> None:
    """A forged form (right session cookie, no token) changes nothing and gets a Chinese 403 page."""
    with httpx.Client(base_url=console_server.base_url) as client:
        login_page = client.get("/console/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login_page.text)
        assert token is not None
        ok = client.post(
            "/console/login",
            data={"csrf_token": token.group(1), "username": "la-350582", "password": "zhuli-demo"},
        )
        assert ok.status_code == 303
        forged = client.post("/console/inbox/read", data={})
        assert forged.status_code == 403
        assert "安全校验未通过" in forged.text
        wrong = client.post("/console/inbox/read", data={"csrf_token": "0" * 64})
        assert wrong.status_code == 403


def test_a_login_form_from_another_browser_is_refused(console_server: Served) -> None:
    with httpx.Client(base_url=console_server.base_url) as attacker:
        token = re.search(r'name="csrf_token" value="([^"]+)"', attacker.get("/console/login").text)
        assert token is not None
    with httpx.Client(base_url=console_server.base_url) as victim:
        refused = victim.post(
            "/console/login",
            data={"csrf_token": token.group(1), "username": "la-350582", "password": "zhuli-demo"},
        )
    assert refused.status_code == 403


def test_an_expired_session_sends_the_browser_back_to_login(console: Console, server_db: Database) -> None:
    """A session cookie signed for this server but issued 9 hours ago (the console keeps 8)."""
    settings = Settings(secret_key=SECRET_KEY)
    with server_db.read_session() as session:
        user = session.scalars(select(User).where(User.username == "la-350582")).one()
        stale = issue_token(user, settings, ttl=timedelta(hours=8), now=clock.now() - timedelta(hours=9))
        fresh = issue_token(user, settings, ttl=timedelta(hours=8))
    host = console.base_url.split("//")[1].split(":")[0]
    context = console.page.context
    context.add_cookies([{"name": "zhuli_session", "value": fresh, "domain": host, "path": "/console"}])
    page = console.open("/console/screening")
    expect(page).to_have_url(re.compile(r"/console/screening"))
    context.add_cookies([{"name": "zhuli_session", "value": stale, "domain": host, "path": "/console"}])
    page = console.open("/console/screening")
    expect(page).to_have_url(re.compile(r"/console/login\?next=%2Fconsole%2Fscreening&expired=1"))
    expect(page.locator(".flash")).to_have_text("登录已过期，请重新登录")


def test_an_expert_lands_on_its_messages_and_reaches_its_surveys_from_the_navigation(
    console: Console, server_db: Database
) -> None:
    with server_db.read_session() as session:
        username = session.scalars(select(User.username).where(User.role == Role.EXPERT).order_by(User.id)).first()
    assert username is not None, "the demo has expert logins"
    page = console.login(username)
    expect(page).to_have_url(re.compile(r"/console/inbox$"))
    expect(page.locator("nav.nav")).to_contain_text("调研任务")
