"""Monthly progress reports in the browser: a demonstration area's association drafts, corrects and
hands in its report; the center returns it with a reason, accepts the resubmission, exports the month
and sees the unit on the dashboard's programme panel."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from core.db import Database
from models import LocalAssociation, ProgressReport, Region, ReportStatus, Role, User
from program.figures import FIGURES
from program.report_export import HEADERS
from tests.console.conftest import Console


def _demonstration_associations(db: Database) -> list[tuple[int, str, str]]:
    """Demonstration areas' associations with a login: (association id, name, username)."""
    with db.read_session() as session:
        rows = session.execute(
            select(LocalAssociation.id, LocalAssociation.name, User.username)
            .join(Region, Region.code == LocalAssociation.region_code)
            .join(User, (User.region_code == LocalAssociation.region_code) & (User.role == Role.LOCAL_ASSOCIATION))
            .where(Region.is_demonstration, User.is_active)
            .order_by(LocalAssociation.region_code.desc())
        ).all()
    assert len(rows) >= 2, "the demo has demonstration areas with association logins"
    return [(r[0], r[1], r[2]) for r in rows]


def _report(db: Database, report_id: int) -> ProgressReport:
    with db.read_session() as session:
        report = session.get(ProgressReport, report_id)
        assert report is not None
        session.expunge(report)
        return report


def test_a_unit_and_the_center_walk_a_report_through(
    console: Console, second_console: Console, server_db: Database
) -> None:
    (la_id, la_name, username), (_, _, other_unit) = _demonstration_associations(server_db)[:2]
    page = console.login(username)
    console.open("/console/reports")
    month_label = page.get_by_test_id("prepare-month").locator("option").first.inner_text()
    page.get_by_test_id("prepare").click()
    expect(page.locator(".flash.ok")).to_contain_text("已起草")
    expect(page.get_by_test_id("report-status")).to_have_text("草稿")
    report_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    stored = _report(server_db, report_id)
    assert stored.local_association_id == la_id
    for figure in FIGURES:  # the page shows what Zhuli computed and stored
        expect(page.get_by_test_id(f"computed-{figure.key}")).to_have_text(str(stored.stats[figure.key]))

    computed_experts = int(stored.stats["experts"])
    page.get_by_test_id("summary").fill("本月走访企业8家，组织专家服务3次。")
    page.get_by_test_id("fix-experts").fill(str(computed_experts + 2))
    page.get_by_test_id("save").click()
    expect(page.locator(".flash.error")).to_contain_text("更正「参与专家（人）」须说明理由")
    assert _report(server_db, report_id).corrections == {}
    page.get_by_test_id("summary").fill("本月走访企业8家，组织专家服务3次。")
    page.get_by_test_id("fix-experts").fill(str(computed_experts + 2))
    page.get_by_test_id("why-experts").fill("两名专家以个人身份参与，未在系统登记")
    page.get_by_test_id("save").click()
    expect(page.locator(".flash.ok")).to_contain_text("已保存")
    page.get_by_test_id("submit").click()
    expect(page.locator(".flash.ok")).to_contain_text("已报送")
    expect(page.get_by_test_id("report-status")).to_have_text("已报送，待中心审核")
    expect(page.get_by_test_id("edit-form")).to_have_count(0)

    center = second_console.login("center-admin")
    second_console.open("/console/reports")
    center.locator(f"tr[data-report='{report_id}'] a").click()
    expect(center.get_by_test_id("value-experts")).to_contain_text(str(computed_experts + 2))
    expect(center.get_by_test_id("value-experts")).to_contain_text("已更正")
    review = center.get_by_test_id("review")
    review.locator("summary").click()
    center.get_by_test_id("return-reason").fill("请补充专家服务的具体企业名单")
    center.get_by_test_id("return").click()
    expect(center.locator(".flash.ok")).to_contain_text("已退回")
    expect(center.get_by_test_id("report-status")).to_have_text("已退回，待修改")

    console.open(f"/console/reports/{report_id}")
    expect(page.get_by_test_id("review-reason")).to_contain_text("请补充专家服务的具体企业名单")
    page.get_by_test_id("summary").fill("本月走访企业8家，组织专家服务3次（服务企业名单见附表）。")
    page.get_by_test_id("save").click()
    expect(page.locator(".flash.ok")).to_contain_text("已保存")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("report-status")).to_have_text("已报送，待中心审核")

    second_console.open(f"/console/reports/{report_id}")
    center.get_by_test_id("accept").click()
    expect(center.locator(".flash.ok")).to_contain_text("已审核通过")
    expect(center.get_by_test_id("report-status")).to_have_text("已通过")
    accepted = _report(server_db, report_id)
    assert accepted.status is ReportStatus.ACCEPTED
    assert accepted.corrections["experts"]["value"] == str(computed_experts + 2)
    assert accepted.stats["experts"] == computed_experts

    second_console.open("/console/reports?tab=all")
    export = center.get_by_test_id("export-form")
    export.locator("select").select_option(label=month_label)
    with center.expect_download() as download:
        center.get_by_test_id("export").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[la_name][HEADERS.index("状态")] == "已通过"
    assert rows[la_name][HEADERS.index("参与专家（人）")] == computed_experts + 2

    second_console.open("/console/dashboard")
    panel = center.get_by_test_id("program-panel")
    expect(panel).to_contain_text("试点单位工作状态")
    unit_row = panel.locator("tr", has_text=la_name)
    expect(unit_row).to_have_count(1)
    expect(unit_row).to_contain_text("绩效评价")  # the evaluation part's column beside the reports'

    console.login(other_unit)  # another unit: the report is not there for it
    console.open(f"/console/reports/{report_id}")
    expect(page.locator("main")).to_contain_text(f"找不到编号为 {report_id} 的月度进展")
