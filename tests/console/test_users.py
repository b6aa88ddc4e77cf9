"""The center administers users: list and filter, create with role and scope, disable, reset a password."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from core.db import Database
from models import Role, Society, User
from tests.console.conftest import Console

CENTER = "center-admin"


def _user(db: Database, username: str) -> User | None:
    with db.read_session() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is not None:
            session.expunge(user)
        return user


def _a_society(db: Database) -> tuple[int, str]:
    with db.read_session() as session:
        society = session.scalars(select(Society).order_by(Society.code)).first()
        assert society is not None
        return society.id, society.name


def test_the_user_list_filters_by_role_and_search(console: Console, server_db: Database) -> None:
    with server_db.read_session() as session:
        societies = set(session.scalars(select(User.username).where(User.role == Role.SOCIETY)))
    page = console.login(CENTER)
    page.click("nav.nav >> text=用户管理")
    page.wait_for_load_state()
    page.select_option("select[name=role]", "society")
    page.click("form.filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"role=society"))
    rows = page.get_by_test_id("user-list").locator("tbody tr")
    expect(rows.first).to_be_visible()
    shown = set(rows.locator("td:first-child").all_inner_texts())
    assert shown <= societies
    assert len(shown) == min(len(societies), 20)
    expect(rows.first).to_contain_text("省级学会")
    target = sorted(societies)[0]
    page.fill("input[name=q]", target)
    page.click("form.filters button[type=submit]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(target)
    console.shot("users-list")


def test_the_center_creates_a_society_user_who_can_then_log_in(
    console: Console, second_console: Console, server_db: Database
) -> None:
    society_id, society_name = _a_society(server_db)
    page = console.login(CENTER)
    console.open("/console/users/new")
    page.fill("input[name=username]", "soc-new-officer")
    page.fill("input[name=display_name]", "新学会联络员")
    page.fill("input[name=password]", "short")
    page.select_option("select[name=role]", "society")
    # Only the society field shows for a society user.
    expect(page.locator("select[name=region_code]")).to_be_hidden()
    expect(page.locator("select[name=society_id]")).to_be_visible()
    page.select_option("select[name=society_id]", str(society_id))
    page.click("button[type=submit] >> text=创建用户")
    # The browser refuses the short password in Chinese before anything is sent.
    message = page.locator("input[name=password]").evaluate("el => el.validationMessage")
    assert "至少需要 8 个字符" in message
    assert _user(server_db, "soc-new-officer") is None

    page.fill("input[name=password]", "officer-pass-2026")
    page.click("button[type=submit] >> text=创建用户")
    expect(page.locator(".flash")).to_contain_text("已创建用户 soc-new-officer")
    expect(page.get_by_test_id("user-role")).to_have_text("省级学会")
    expect(page.get_by_test_id("user-facts")).to_contain_text(society_name)
    created = _user(server_db, "soc-new-officer")
    assert created is not None
    assert created.role is Role.SOCIETY
    assert created.society_id == society_id
    console.shot("user-detail")

    second = second_console.login("soc-new-officer", "officer-pass-2026")
    expect(second).to_have_url(re.compile(r"/console/offers"))


def test_a_duplicate_username_comes_back_on_the_form_in_chinese(console: Console, server_db: Database) -> None:
    page = console.login(CENTER)
    console.open("/console/users/new")
    page.fill("input[name=username]", "center-ops")
    page.fill("input[name=display_name]", "重复的账号")
    page.fill("input[name=password]", "another-pass-2026")
    page.select_option("select[name=role]", "center")
    page.click("button[type=submit] >> text=创建用户")
    expect(page.get_by_test_id("form-error")).to_contain_text("用户名 center-ops 已被使用")
    expect(page.locator("input[name=display_name]")).to_have_value("重复的账号")
    user = _user(server_db, "center-ops")
    assert user is not None
    assert user.display_name != "重复的账号"


def test_a_disabled_user_is_logged_out_and_a_reset_password_works(
    console: Console, second_console: Console, server_db: Database
) -> None:
    target = "la-350922"  # an association no other test logs in as
    user = _user(server_db, target)
    assert user is not None
    officer = second_console.login(target)
    expect(officer).to_have_url(re.compile(r"/console/screening"))

    page = console.login(CENTER)
    console.open(f"/console/users/{user.id}")
    page.get_by_test_id("active-form").locator("button").click()
    expect(page.locator(".flash")).to_contain_text("已停用")
    expect(page.get_by_test_id("user-status")).to_have_text("已停用")
    disabled = _user(server_db, target)
    assert disabled is not None
    assert disabled.is_active is False
    # The officer's open session ends at once.
    second_console.open("/console/screening")
    expect(officer).to_have_url(re.compile(r"/console/login"))

    page.fill("[data-testid=password-form] input[name=password]", "fresh-pass-2026")
    page.get_by_test_id("password-form").locator("button").click()
    expect(page.locator(".flash")).to_contain_text("已重置")
    page.get_by_test_id("active-form").locator("button").click()
    expect(page.get_by_test_id("user-status")).to_have_text("启用")

    second_console.login(target, "fresh-pass-2026")
    expect(officer).to_have_url(re.compile(r"/console/screening"))
    # Put the demo password back for the other tests of this session.
    page.fill("[data-testid=password-form] input[name=password]", "zhuli-demo")
    page.get_by_test_id("password-form").locator("button").click()
    expect(page.locator(".flash")).to_contain_text("已重置")


def test_a_society_may_not_administer_users(console: Console) -> None:
    page = console.login("soc-tea")
    console.open("/console/users")
    expect(page.get_by_test_id("error-page")).to_contain_text("没有权限")
