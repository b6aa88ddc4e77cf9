"""The issue's main path in the browser: a local association approves a demand, a society accepts its offer
with a changed team, the association confirms the docking, and the center's dashboard counts it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.db import Database
from models import DemandStatus, Docking, DockingExpert, DockingStatus
from tests.console.conftest import Console
from tests.console.helpers import (
    association_of,
    demand_status,
    expert_name,
    offer_case,
    run_offer_round,
    submitted_demand,
)
from tests.servers import Served


def _docked(console: Console) -> int:
    console.open("/console/dashboard")
    return int(console.page.get_by_test_id("kpi-docked").inner_text())


@pytest.mark.usefixtures("index_ready")
def test_approve_accept_with_a_changed_team_confirm_and_the_dashboard_counts_it(
    console: Console, second_console: Console, console_server: Served, server_db: Database
) -> None:
    center = second_console
    center.login("center-admin")
    docked_before = _docked(center)

    # 1. The local association approves the demand.
    demand = submitted_demand(server_db, skip_regions=("350100",))
    association = association_of(server_db, demand.region_code)
    page = console.login(association)
    console.open(f"/console/demands/{demand.id}")
    page.fill("textarea[name=note]", "需求清楚，同意推荐")
    page.click("button[value=approve]")
    expect(page.locator(".flash")).to_contain_text("已审核通过")
    # The worker makes the first round of offers; the test stands in for it (the job is idempotent).
    offers = run_offer_round(console_server.data_dir, server_db, demand.id)
    assert offers, "the approved demand was offered to societies"
    case = offer_case(server_db, offers[0])

    # 2. The society accepts, with one member swapped for another of its own.
    page = console.login(case.society_username)
    expect(page.get_by_test_id("offer-list")).to_contain_text(demand.title[:10])
    console.open(f"/console/offers/{case.offer_id}")
    dropped = case.proposed[-1] if len(case.proposed) > 1 else None
    if dropped is not None:
        page.locator(f"#team-list [data-member='{dropped}'] input[type=checkbox]").uncheck()
    page.fill("input[data-member-search]", expert_name(server_db, case.spare))
    page.locator(f"[data-add-member='{case.spare}']").click()
    page.get_by_test_id("accept").click()
    expect(page.locator(".flash")).to_contain_text("已接单")
    assert demand_status(server_db, demand.id) is DemandStatus.ACCEPTED

    # 3. The association finds it among the dockings to confirm, checks the team and confirms.
    page = console.login(association)
    page.click("nav.nav >> text=待确认对接")
    page.click(f"a[href='/console/demands/{demand.id}']")
    confirm = page.get_by_test_id("confirm")
    expect(confirm).to_contain_text(expert_name(server_db, case.spare))
    if dropped is not None:
        expect(confirm).not_to_contain_text(expert_name(server_db, dropped))
    console.shot("docking-confirm")
    page.click("button[value=confirm]")
    expect(page.locator(".flash")).to_contain_text("已确认对接")
    expect(page.get_by_test_id("docking")).to_contain_text("已确认")
    assert demand_status(server_db, demand.id) is DemandStatus.DOCKED
    with server_db.read_session() as session:
        docking = session.scalars(select(Docking).where(Docking.demand_id == demand.id)).one()
        team = set(session.scalars(select(DockingExpert.expert_id).where(DockingExpert.docking_id == docking.id)))
        assert docking.status is DockingStatus.CONFIRMED
    assert case.spare in team
    assert dropped not in team

    # The society now sees the enterprise's contact on the demand.
    page = console.login(case.society_username)
    console.open(f"/console/demands/{demand.id}")
    expect(page.get_by_test_id("contact")).not_to_contain_text("对接确认后")

    # 4. The dashboard counts one more docking.
    assert _docked(center) == docked_before + 1
    center.shot("dashboard")
