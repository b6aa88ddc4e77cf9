"""A society lists and searches its own members and edits a profile through the directory service."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from core.db import Database
from models import Expert, ProfileChange, Society, SocietyMembership
from tests.console.conftest import Console

SOCIETY = "soc-tea"


def _members(db: Database, code: str) -> list[Expert]:
    with db.read_session() as session:
        experts = list(
            session.scalars(
                select(Expert)
                .join(SocietyMembership, SocietyMembership.expert_id == Expert.id)
                .join(Society, Society.id == SocietyMembership.society_id)
                .where(Society.code == code)
                .order_by(Expert.id)
            )
        )
        session.expunge_all()
        return experts


def _changes(db: Database, expert_id: int) -> int:
    with db.read_session() as session:
        count = session.scalar(
            select(func.count())
            .select_from(ProfileChange)
            .where(ProfileChange.kind == "expert", ProfileChange.ref_id == expert_id)
        )
        return int(count or 0)


def _expert(db: Database, expert_id: int) -> Expert:
    with db.read_session() as session:
        expert = session.get_one(Expert, expert_id)
        session.expunge(expert)
        return expert


def test_a_society_lists_and_searches_only_its_own_members(console: Console, server_db: Database) -> None:
    members = _members(server_db, "TEA")
    page = console.login(SOCIETY)
    page.click("nav.nav >> text=本会专家")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text(f"共 {len(members)} 位")
    target = members[-1]
    page.fill("input[name=q]", target.name)
    rows = page.get_by_test_id("member-list").locator("tbody tr")
    expect(rows.filter(has_text=target.code)).to_have_count(1)
    shown = set(rows.locator("td:first-child").all_inner_texts())
    assert shown <= {m.code for m in members}
    console.shot("members")


def test_a_society_edits_a_members_profile_and_the_index_is_told(console: Console, server_db: Database) -> None:
    member = _members(server_db, "TEA")[1]
    before = _changes(server_db, member.id)
    page = console.login(SOCIETY)
    console.open(f"/console/members/{member.id}")
    form = page.get_by_test_id("profile-form")
    form.locator("input[name=capacity]").fill("200")
    form.locator("button[type=submit]").click()
    message = form.locator("input[name=capacity]").evaluate("el => el.validationMessage")
    assert message == "不能大于 100"
    assert _expert(server_db, member.id).capacity == member.capacity

    form.locator("input[name=capacity]").fill("4")
    new_fields = member.fields + " 茶园数字化管理"
    form.locator("textarea[name=fields]").fill(new_fields)
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("专家信息已保存")
    expect(page.locator("textarea[name=fields]")).to_have_value(new_fields)
    saved = _expert(server_db, member.id)
    assert saved.capacity == 4
    assert saved.fields == new_fields
    assert _changes(server_db, member.id) == before + 1, "the matching index is told through a ProfileChange"
    console.shot("member-edit")


def test_a_society_cannot_open_another_societys_member(console: Console, server_db: Database) -> None:
    ours = {m.id for m in _members(server_db, "TEA")}
    stranger = next(m for m in _members(server_db, "COMP") if m.id not in ours)
    page = console.login(SOCIETY)
    response = page.goto(f"{console.base_url}/console/members/{stranger.id}")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_test_id("error-page")).to_contain_text("不在您的管理范围内")
