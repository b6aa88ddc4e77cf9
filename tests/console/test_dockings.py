"""After the docking is confirmed: the agreement and the outcome are recorded on the demand's page."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from playwright.sync_api import expect
from sqlalchemy import select

from core.clock import BEIJING
from core.db import Database
from models import Demand, DemandStatus, Docking, DockingStatus
from tests.console.conftest import Console
from tests.console.helpers import association_of, demand_status


def test_the_association_records_the_agreement_and_the_outcome(console: Console, server_db: Database) -> None:
    with server_db.read_session() as session:
        docked = session.execute(
            select(Demand.id, Demand.region_code).where(Demand.status == DemandStatus.DOCKED).order_by(Demand.id.desc())
        ).all()
    assert docked, "the demo has docked demands"
    demand_id, region = docked[0]
    page = console.login(association_of(server_db, region))
    console.open(f"/console/demands/{demand_id}")

    agreement = page.get_by_test_id("agreement")
    agreement.locator("summary").click()
    agreement.locator("button[type=submit]").click()
    assert agreement.locator("input[name=signed_on]").evaluate("el => el.validationMessage") == "请填写协议签订日期"
    tomorrow = (datetime.now(BEIJING) + timedelta(days=1)).date().isoformat()
    agreement.locator("input[name=signed_on]").fill(tomorrow)
    agreement.locator("input[name=amount_wan]").fill("12.5")
    agreement.locator("button[type=submit]").click()
    expect(page.locator(".flash.error")).to_contain_text("协议签订日期不能晚于今天")
    assert demand_status(server_db, demand_id) is DemandStatus.DOCKED

    agreement = page.get_by_test_id("agreement")
    agreement.locator("summary").click()
    agreement.locator("input[name=signed_on]").fill(datetime.now(BEIJING).date().isoformat())
    agreement.locator("input[name=amount_wan]").fill("12.5")
    agreement.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("已登记合作协议")
    expect(page.get_by_test_id("docking")).to_contain_text("12.5 万元")

    outcome = page.get_by_test_id("outcome")
    outcome.locator("summary").click()
    outcome.locator("textarea[name=text]").fill("完成水性漆工艺改造，VOCs 排放下降 65%")
    outcome.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("已报告合作成果")
    assert demand_status(server_db, demand_id) is DemandStatus.COMPLETED
    with server_db.read_session() as session:
        docking = session.scalars(select(Docking).where(Docking.demand_id == demand_id)).one()
        assert docking.status is DockingStatus.COMPLETED
        assert docking.agreement_amount == Decimal("125000.00")
        assert docking.outcome == "完成水性漆工艺改造，VOCs 排放下降 65%"
