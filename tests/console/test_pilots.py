"""The pilot selection in the browser: a society applies with its materials, the center reviews the
format, the department recommends, records the chairman's office meeting and publishes; the public
list shows the result without a login."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.db import Database
from models import PilotApplication, PilotFile, Society
from tests.api import pilot_files as files
from tests.console.conftest import Console

SOCIETY = "soc-tea"
YEAR = 2028
PDF_NAME = "申报函.pdf"


def _logout(page: Page) -> None:
    page.click("text=退出")
    expect(page.locator(".flash")).to_have_text("您已安全退出")


def _society(db: Database) -> Society:
    with db.read_session() as session:
        society = session.scalars(select(Society).where(Society.code == "TEA")).one()
        session.expunge(society)
        return society


def test_a_society_is_selected_and_published_through_the_console(console: Console, server_db: Database) -> None:
    society = _society(server_db)
    page = console.login(SOCIETY)
    page.locator("nav.nav").get_by_text("试点申报").click()
    page.get_by_test_id("new-application").click()
    page.fill("input[name=year]", str(YEAR))
    page.fill("input[name=title]", "茶叶学会试点学会申报书")
    page.fill("input[name=contact_name]", "陈秘书长")
    page.fill("input[name=contact_phone]", "0591-87654321")
    page.fill("input[name=key_industries]", "茶叶、食品")
    page.fill("textarea[name=work_plan]", "组建茶产业专家服务团，建立需求收集和跟踪回访机制。")
    # A file that only pretends to be a PDF is refused, and the form comes back filled in.
    page.set_input_files(
        "[data-testid=file-application_letter]",
        files={"name": PDF_NAME, "mimeType": "application/pdf", "buffer": files.EXE},
    )
    page.get_by_test_id("submit-application").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("内容不是PDF")
    expect(page.locator("input[name=title]")).to_have_value("茶叶学会试点学会申报书")
    console.shot("pilots-apply-refused")
    for material, name, data in (
        ("application_letter", PDF_NAME, files.PDF),
        ("enterprise_demands", "企业需求.xlsx", files.xlsx()),
        ("work_plan", "工作方案.docx", files.docx()),
    ):
        page.set_input_files(f"[data-testid=file-{material}]", files={"name": name, "mimeType": "", "buffer": data})
    page.get_by_test_id("submit-application").click()
    expect(page).to_have_url(re.compile(r"/console/pilots/\d+$"))
    expect(page.get_by_test_id("pilot-status")).to_have_text("已提交，待形式审查")
    expect(page.get_by_test_id("file-row")).to_have_count(3)
    app_id = int(page.url.rsplit("/", 1)[1])
    with server_db.read_session() as session:
        stored = session.scalars(select(PilotFile.filename).where(PilotFile.application_id == app_id)).all()
    assert sorted(stored) == sorted([PDF_NAME, "企业需求.xlsx", "工作方案.docx"])
    with page.expect_download() as download:
        page.get_by_role("link", name=PDF_NAME).click()
    assert download.value.path().read_bytes() == files.PDF
    console.shot("pilots-submitted")
    _logout(page)

    console.login("center-admin")
    console.open("/console/pilots")
    page.get_by_test_id(f"pilot-{app_id}").get_by_role("link").click()
    page.get_by_test_id("pass-format").click()
    expect(page.locator(".flash")).to_have_text("已通过形式审查")
    expect(page.get_by_test_id("pilot-status")).to_have_text("形式审查通过")
    _logout(page)

    console.login("dept-admin")
    console.open(f"/console/pilots/{app_id}")
    page.fill("[data-testid=recommend-form] textarea[name=note]", "学会工作基础扎实，建议入选")
    page.get_by_test_id("recommend").click()
    expect(page.get_by_test_id("pilot-status")).to_have_text("学会学术部已推荐")
    page.fill("input[name=meeting_date]", "2026-11-30")
    page.fill("input[name=meeting_number]", "2026年第12次主席办公会议")
    page.select_option("select[name=selected]", "true")
    page.get_by_test_id("decide").click()
    expect(page.locator(".flash")).to_have_text("已登记：入选，即时生效")
    expect(page.get_by_test_id("pilot-status")).to_have_text("已入选")
    expect(page.get_by_test_id("timeline")).to_contain_text("登记了主席办公会议决定")
    console.shot("pilots-decided")
    console.open(f"/console/pilots?year={YEAR}")
    page.fill("[data-testid=publish] input[name=year]", str(YEAR))
    page.get_by_test_id("publish-button").click()
    expect(page.locator(".flash")).to_contain_text(f"已公布 {YEAR} 年度遴选结果（1 项）")
    _logout(page)

    with server_db.read_session() as session:
        application = session.get(PilotApplication, app_id)
        assert application is not None
        assert application.published_at is not None
        assert session.get(Society, society.id).is_pilot is True  # type: ignore[union-attr]
    console.open("/pilots")
    section = page.get_by_test_id(f"year-{YEAR}")
    expect(section.get_by_test_id("pilot-row")).to_have_count(1)
    expect(section).to_contain_text(society.name)
    expect(section).to_contain_text("试点学会")
    console.shot("pilots-public")
    console.shot("pilots-public", phone=True)


def _first_expert_login(db: Database) -> tuple[int, str, str]:
    from models import Role, User

    with db.read_session() as session:
        user = session.scalars(select(User).where(User.role == Role.EXPERT, User.is_active).order_by(User.id)).first()
        assert user is not None, "the demo has expert logins"
        return user.id, user.username, user.display_name


def test_a_county_application_is_surveyed_by_an_expert_in_the_console(console: Console, server_db: Database) -> None:
    expert_id, expert_login, expert_name = _first_expert_login(server_db)
    page = console.login("la-350582")
    console.open("/console/pilots/new")
    expect(page.get_by_test_id("new-application")).to_contain_text("申报推荐函")
    page.fill("input[name=year]", str(YEAR))
    page.fill("input[name=title]", "晋江市示范县申报书")
    page.fill("input[name=contact_name]", "吴主任")
    page.fill("input[name=contact_phone]", "0595-85681234")
    page.fill("textarea[name=government_opinion]", "市委、市政府同意申报。")
    for material, name, data in (
        ("recommendation_letter", "推荐函.pdf", files.PDF),
        ("industry_demands", "产业需求.xlsx", files.xlsx()),
        ("work_plan", "方案.png", files.PNG),
    ):
        page.set_input_files(f"[data-testid=file-{material}]", files={"name": name, "mimeType": "", "buffer": data})
    page.get_by_test_id("submit-application").click()
    expect(page.get_by_test_id("pilot-status")).to_have_text("已提交，待形式审查")
    app_id = int(page.url.rsplit("/", 1)[1])
    _logout(page)

    console.login("center-admin")
    console.open(f"/console/pilots/{app_id}")
    page.get_by_test_id("pass-format").click()
    expect(page.get_by_test_id("pilot-status")).to_have_text("形式审查通过，待安排实地调研")
    page.select_option("[data-testid=assign-form] select[name=experts]", [str(expert_id)])
    page.get_by_test_id("assign-form").get_by_role("button").click()
    expect(page.get_by_test_id("pilot-status")).to_have_text("实地调研中（已反馈 0/1）")
    _logout(page)

    console.login(expert_login)
    page.locator("nav.nav").get_by_text("调研任务").click()
    page.get_by_test_id(f"pilot-{app_id}").get_by_role("link").click()
    form = page.get_by_test_id("survey-form")
    form.locator("select[name=layout_score]").select_option("5")
    form.locator("select[name=foundation_score]").select_option("3")  # the others keep their default 5
    form.locator("textarea[name=comments]").fill("鞋服产业集群集中，县科协工作基础较好。")
    form.get_by_role("button").click()
    expect(page.locator(".flash")).to_have_text("已提交调研反馈意见表")
    expect(page.get_by_test_id("pilot-status")).to_have_text("已完成实地调研")
    expect(page.get_by_test_id("surveys")).to_contain_text(expert_name)
    expect(page.get_by_test_id("survey-form")).to_have_count(0)
    console.shot("pilots-surveyed")
    _logout(page)

    console.login("dept-admin")
    console.open(f"/console/pilots/{app_id}")
    expect(page.get_by_test_id("surveys")).to_contain_text("合计 18/20")
    page.fill("[data-testid=recommend-form] textarea[name=note]", "产业需求集中，建议列入示范县")
    page.get_by_test_id("recommend").click()
    expect(page.get_by_test_id("pilot-status")).to_have_text("学会学术部已推荐")
