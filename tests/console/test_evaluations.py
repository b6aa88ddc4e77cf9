"""The evaluation's main path in the browser: the department configures and runs a round, a reviewer scores,
the department publishes, a pilot society sees its result and submits its rectification, the center accepts."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from core.db import Database
from models import EvaluationResult, EvaluationRound, Rectification, RectificationStatus, Society
from tests.console.conftest import Console

TITLE = "浏览器测试·2026年度绩效评价"


def test_a_round_from_configuration_to_an_accepted_rectification(
    console: Console, second_console: Console, server_db: Database
) -> None:
    page = console.login("dept-admin")
    page.click("nav.nav >> text=绩效评价")
    form = page.get_by_test_id("new-round")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("input[name=period_start]").fill("2026-01-01")
    form.locator("input[name=period_end]").fill("2026-12-31")
    names = form.locator("input[name=name]")
    weights = form.locator("input[name=weight]")
    # Keep the docking rate (weight 10) and add an entered indicator (weight 90); clear the other defaults.
    for i in range(names.count()):
        value = names.nth(i).input_value()
        if value and value != "对接率":
            names.nth(i).fill("")
    weights.nth(0).fill("10")
    blank = form.get_by_test_id("blank-indicator").first
    blank.locator("input[name=name]").fill("专家综合评审")
    blank.locator("input[name=weight]").fill("90")
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("已发起绩效评价")
    expect(page.get_by_test_id("indicators")).to_contain_text("专家综合评审")
    round_url = page.url
    reviewer = page.get_by_test_id("reviewer-form")
    reviewer.locator("select[name=user_id]").select_option(label="省科协学会学术部绩效评价专员（省科协学会学术部）")
    reviewer.locator("button[type=submit]").click()
    expect(page.get_by_test_id("reviewers")).to_contain_text("绩效评价专员")
    page.get_by_test_id("compute").click()
    expect(page.locator(".flash")).to_contain_text("已由系统数据计算")
    rows = page.get_by_test_id("results").locator("tbody tr")
    target = rows.first.get_attribute("data-unit")
    assert target is not None
    with server_db.read_session() as session:
        society = session.scalars(select(Society).where(Society.name == target)).one()
        assert society.is_pilot, "societies are listed first"
        username, society_id = f"soc-{society.code.lower()}", society.id

    # The reviewer scores every unit: the first society low (不合格), the others high.
    scorer = second_console.login("dept-eval")
    second_console.open(round_url.removeprefix(second_console.base_url))
    score_form = scorer.get_by_test_id("score-form")
    cells = score_form.locator("tbody tr")
    for i in range(cells.count()):
        row = cells.nth(i)
        row.locator("input[name=score]").fill("30" if row.get_attribute("data-unit") == target else "95")
    score_form.locator("button[type=submit]").click()
    expect(scorer.locator(".flash")).to_contain_text("已保存")

    page.reload()
    page.get_by_test_id("publish").click()
    expect(page.locator(".flash")).to_contain_text("评价结果已发布")
    expect(page.get_by_test_id("round-status")).to_have_text("已发布")
    expect(page.locator(f"tr[data-unit='{target}']")).to_contain_text("不合格")

    # The society sees its result and owes a rectification.
    unit = second_console.login(username)
    unit.click("nav.nav >> text=绩效评价")
    mine = unit.get_by_test_id("my-results").locator("tr", has_text=TITLE)
    expect(mine).to_contain_text("不合格")
    mine.locator("a", has_text="待提交整改报告").click()
    unit.get_by_test_id("submit-form").locator("textarea[name=report]").fill("已建立需求对接台账，按月督办推荐答复。")
    unit.get_by_test_id("submit-form").locator("button[type=submit]").click()
    expect(unit.locator(".flash")).to_contain_text("整改报告已提交")
    expect(unit.get_by_test_id("rect-status")).to_have_text("已提交，待中心审核")
    second_console.shot("evaluation-rectification")
    rect_path = unit.url.removeprefix(second_console.base_url)

    center = console.login("center-admin")
    console.open(rect_path)
    expect(center.get_by_test_id("report")).to_contain_text("需求对接台账")
    center.get_by_test_id("accept").click()
    expect(center.locator(".flash")).to_contain_text("整改已通过")
    expect(center.get_by_test_id("rect-status")).to_have_text("整改已通过")
    with server_db.read_session() as session:
        status = session.scalar(
            select(Rectification.status)
            .join(EvaluationResult, EvaluationResult.id == Rectification.result_id)
            .join(EvaluationRound, EvaluationRound.id == EvaluationResult.round_id)
            .where(EvaluationRound.title == TITLE, EvaluationResult.society_id == society_id)
        )
    assert status is RectificationStatus.ACCEPTED
