"""A local association screens its region's demands: the queue, the detail with suggestions, the moves."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.db import Database
from models import DemandStatus
from tests.console.conftest import Console
from tests.console.helpers import demand_status, demands_in, subtree

FUZHOU = "350100"
FUZHOU_LA = "la-350100"


def test_the_queue_lists_the_regions_submitted_demands_oldest_first(console: Console, server_db: Database) -> None:
    expected = demands_in(server_db, subtree(server_db, FUZHOU), DemandStatus.SUBMITTED)
    assert expected, "the demo has submitted demands in Fuzhou"
    page = console.login(FUZHOU_LA)
    rows = page.get_by_test_id("demand-list").locator("tbody tr")
    expect(rows).to_have_count(len(expected))
    ids = [int(t) for t in rows.locator("td:first-child").all_inner_texts()]
    assert set(ids) == {d.id for d in expected}
    waits = [int(t.split()[0]) for t in rows.locator("td:nth-child(7)").all_inner_texts()]
    assert waits == sorted(waits, reverse=True)
    console.shot("screening-queue")
    console.shot("screening-queue", phone=True)


def test_full_text_search_narrows_the_queue(console: Console, server_db: Database) -> None:
    regions = subtree(server_db, FUZHOU)
    every = [d for s in DemandStatus if s is not DemandStatus.DRAFT for d in demands_in(server_db, regions, s)]
    target = every[0]
    word = target.keywords[0] if target.keywords else target.title[:4]
    matching = {d.id for d in every if word in d.title or word in d.description or word in " ".join(d.keywords)}
    page = console.login(FUZHOU_LA)
    page.select_option("select[name=state]", "all")
    expect(page).to_have_url(re.compile(r"state=all"))
    page.fill("input[name=q]", word)
    expect(page).to_have_url(re.compile(r"q="))
    rows = page.get_by_test_id("demand-list").locator("tbody tr")
    expect(rows).to_have_count(min(len(matching), 20))
    shown = {int(t) for t in rows.locator("td:first-child").all_inner_texts()}
    assert target.id in shown
    assert shown <= matching


@pytest.mark.usefixtures("index_ready")
def test_the_demand_detail_explains_its_match_suggestions(console: Console, server_db: Database) -> None:
    demand = demands_in(server_db, subtree(server_db, FUZHOU), DemandStatus.SUBMITTED)[-1]
    page = console.login(FUZHOU_LA)
    console.open(f"/console/demands/{demand.id}")
    suggestions = page.get_by_test_id("suggestions")
    expect(suggestions).to_contain_text("推荐学会")
    first = page.get_by_test_id("suggested-expert").first
    expect(first).to_contain_text("命中关键词")
    expect(first.locator("ul.why li").first).to_be_visible()
    console.shot("demand-detail")
    console.shot("demand-detail", phone=True)


def test_a_local_association_approves_a_demand(console: Console, server_db: Database) -> None:
    demand = demands_in(server_db, subtree(server_db, FUZHOU), DemandStatus.SUBMITTED)[0]
    page = console.login(FUZHOU_LA)
    page.click(f"a[href='/console/demands/{demand.id}']")
    expect(page.get_by_test_id("status")).to_have_text("已提交，待科协审核")
    page.fill("textarea[name=note]", "需求明确，同意推荐")
    page.click("button[value=approve]")
    expect(page.locator(".flash")).to_contain_text("已审核通过")
    expect(page.get_by_test_id("timeline")).to_contain_text("审核通过需求：需求明确，同意推荐")
    assert demand_status(server_db, demand.id) in (DemandStatus.APPROVED, DemandStatus.OFFERED)
    expect(page.get_by_test_id("actions")).to_have_count(0)


def test_returning_a_demand_needs_a_reason(console: Console, server_db: Database) -> None:
    demand = demands_in(server_db, subtree(server_db, FUZHOU), DemandStatus.SUBMITTED)[-1]
    page = console.login(FUZHOU_LA)
    console.open(f"/console/demands/{demand.id}")
    page.click("summary:has-text('退回补充')")
    page.click("button:has-text('退回企业补充')")
    message = page.locator("textarea[name=reason]").first.evaluate("el => el.validationMessage")
    assert message == "请写明需要企业补充的内容"
    assert demand_status(server_db, demand.id) is DemandStatus.SUBMITTED
    # The server refuses a reason that slips past the browser (one character) and says why, in Chinese.
    page.locator("form[action$='/return'] textarea").evaluate("el => { el.removeAttribute('minlength'); }")
    page.fill("form[action$='/return'] textarea", "缺")
    page.click("button:has-text('退回企业补充')")
    expect(page.locator(".flash.error")).to_contain_text("原因：内容过短，至少 2 个字符")
    assert demand_status(server_db, demand.id) is DemandStatus.SUBMITTED


def test_another_regions_demand_is_a_chinese_404(console: Console, server_db: Database) -> None:
    foreign = demands_in(server_db, subtree(server_db, FUZHOU), DemandStatus.SUBMITTED)[0]
    page = console.login("la-350582")
    response = page.goto(console.base_url + f"/console/demands/{foreign.id}")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_test_id("error-page")).to_contain_text(f"找不到编号为 {foreign.id} 的需求")
