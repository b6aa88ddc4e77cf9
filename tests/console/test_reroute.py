"""The provincial center re-routes an escalated (unmatched) demand to a society of its choosing."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from core.db import Database
from models import Demand, DemandStatus, Offer, OfferStatus, Society
from tests.console.conftest import Console
from tests.console.helpers import association_of, demand_status


def test_the_center_reroutes_an_unmatched_demand_from_the_stuck_page(console: Console, server_db: Database) -> None:
    page = console.login("center-admin")
    page.click("nav.nav >> text=滞留与升级")
    row = page.get_by_test_id("stuck-list").locator("tbody tr").filter(has_text=DemandStatus.UNMATCHED.label).first
    link = row.locator("a").first
    href = link.get_attribute("href")
    assert href is not None
    demand_id = int(href.rsplit("/", 1)[1])
    assert demand_status(server_db, demand_id) is DemandStatus.UNMATCHED
    with server_db.read_session() as session:
        offered = set(session.scalars(select(Offer.society_id).where(Offer.demand_id == demand_id)))
        society = session.scalars(
            select(Society).where(Society.is_active.is_(True), Society.id.not_in(offered)).order_by(Society.code)
        ).first()
        assert society is not None
        society_id, society_name = society.id, society.name
    link.click()
    form = page.get_by_test_id("reroute")
    # Societies that already had the demand are not offered again.
    listed = {int(v) for v in form.locator("select[name=society_id] option").evaluate_all(
        "options => options.map(o => o.value).filter(Boolean)"
    )}  # fmt: skip
    assert society_id in listed
    assert not listed & offered
    form.locator("select[name=society_id]").select_option(str(society_id))
    form.locator("textarea[name=note]").fill("省中心指定：该学会有相关服务站")
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("已重新推荐给指定学会")
    expect(page.get_by_test_id("offers")).to_contain_text(society_name)
    assert demand_status(server_db, demand_id) is DemandStatus.OFFERED
    with server_db.read_session() as session:
        offer = session.scalars(select(Offer).where(Offer.demand_id == demand_id, Offer.society_id == society_id)).one()
        assert offer.status is OfferStatus.PENDING


def test_a_local_association_sees_no_reroute_form(console: Console, server_db: Database) -> None:
    with server_db.read_session() as session:
        unmatched = session.execute(
            select(Demand.id, Demand.region_code).where(Demand.status == DemandStatus.UNMATCHED).order_by(Demand.id)
        ).first()
    assert unmatched is not None, "the demo has unmatched demands"
    demand_id, region = unmatched
    page = console.login(association_of(server_db, region))
    console.open(f"/console/demands/{demand_id}")
    expect(page.get_by_test_id("status")).to_be_visible()
    expect(page.get_by_test_id("reroute")).to_have_count(0)
