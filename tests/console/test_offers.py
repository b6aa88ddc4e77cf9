"""A society answers its offers in the console: accept with a changed team, the team rules, decline, scope."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from accounts import Actor
from core.db import Database
from directory.experts import ExpertUpdate, update_expert
from models import DemandStatus, Docking, DockingExpert, Offer, OfferStatus, Role, User
from tests.console.conftest import Console
from tests.console.helpers import (
    OfferCase,
    approve_and_offer,
    demand_status,
    expert_name,
    offer_case,
    submitted_demand,
)
from tests.servers import Served

pytestmark = pytest.mark.usefixtures("index_ready")


def _offered(console_server: Served, db: Database) -> OfferCase:
    """A fresh offer: a submitted demand approved and offered (Fuzhou's are left to the screening tests)."""
    demand = submitted_demand(db, skip_regions=("350100",))
    offers = approve_and_offer(console_server.data_dir, db, demand)
    assert offers, f"demand {demand.id} got no offers"
    return offer_case(db, offers[0])


def _team(db: Database, demand_id: int) -> list[tuple[int, str]]:
    with db.read_session() as session:
        docking = session.scalars(select(Docking).where(Docking.demand_id == demand_id)).one()
        rows = session.execute(
            select(DockingExpert.expert_id, DockingExpert.role)
            .where(DockingExpert.docking_id == docking.id)
            .order_by(DockingExpert.role != "leader", DockingExpert.expert_id)
        )
        return [(expert_id, role) for expert_id, role in rows]


def _offer_status(db: Database, offer_id: int) -> OfferStatus:
    with db.read_session() as session:
        return session.get_one(Offer, offer_id).status


def _set_capacity(db: Database, expert_id: int, capacity: int) -> int:
    """Change a member's capacity as the center would (through the directory service); returns the old one."""
    with db.unit_of_work() as session:
        admin = session.scalars(select(User).where(User.role == Role.CENTER).order_by(User.id)).first()
        assert admin is not None
        before = update_expert(session, Actor.of_user(admin), expert_id, ExpertUpdate()).capacity
        update_expert(session, Actor.of_user(admin), expert_id, ExpertUpdate(capacity=capacity))
        return before


def add_member(console: Console, expert_id: int, name: str) -> None:
    """Search the society's members by name and put one on the team."""
    page = console.page
    page.fill("input[data-member-search]", name)
    page.locator(f"[data-add-member='{expert_id}']").click()
    expect(page.locator(f"#team-list [data-member='{expert_id}'] input[type=checkbox]")).to_be_checked()


def test_a_society_accepts_its_offer_with_a_changed_team(
    console: Console, console_server: Served, server_db: Database
) -> None:
    case = _offered(console_server, server_db)
    page = console.login(case.society_username)
    page.click(f"[data-testid=offer-list] a[href='/console/offers/{case.offer_id}']")
    expect(page.get_by_test_id("offer-status")).to_have_text("待答复")
    expect(page.get_by_test_id("contact")).to_contain_text("对接确认后")
    dropped = case.proposed[-1] if len(case.proposed) > 1 else None
    if dropped is not None:
        page.locator(f"#team-list [data-member='{dropped}'] input[type=checkbox]").uncheck()
    add_member(console, case.spare, expert_name(server_db, case.spare))
    page.locator(f"#team-list [data-member='{case.spare}'] input[type=radio]").check()
    page.fill("[data-testid=accept-form] textarea[name=note]", "团队已调整，由新成员牵头")
    console.shot("offer-detail")
    page.get_by_test_id("accept").click()

    expect(page.locator(".flash")).to_contain_text("已接单")
    expect(page.get_by_test_id("offer-status")).to_have_text("已接单")
    kept = [e for e in case.proposed if e != dropped]
    assert _team(server_db, case.demand_id) == [(case.spare, "leader"), *((e, "member") for e in sorted(kept))]
    assert demand_status(server_db, case.demand_id) is DemandStatus.ACCEPTED


def test_a_member_without_capacity_is_refused_with_the_reason(
    console: Console, console_server: Served, server_db: Database
) -> None:
    case = _offered(console_server, server_db)
    name = expert_name(server_db, case.spare)
    before = _set_capacity(server_db, case.spare, 0)
    try:
        page = console.login(case.society_username)
        console.open(f"/console/offers/{case.offer_id}")
        add_member(console, case.spare, name)
        page.get_by_test_id("accept").click()
        expect(page.get_by_test_id("answer-error")).to_contain_text(f"{name}已满负荷")
        # The form keeps the team as it was ticked, and nothing changed.
        expect(page.locator(f"#team-list [data-member='{case.spare}'] input[type=checkbox]")).to_be_checked()
        assert _offer_status(server_db, case.offer_id) is OfferStatus.PENDING
        assert demand_status(server_db, case.demand_id) is DemandStatus.OFFERED
    finally:
        _set_capacity(server_db, case.spare, before)


def test_declining_needs_a_reason_and_records_it(console: Console, console_server: Served, server_db: Database) -> None:
    case = _offered(console_server, server_db)
    page = console.login(case.society_username)
    console.open(f"/console/offers/{case.offer_id}")
    page.click("summary >> text=婉拒")
    page.click("[data-testid=decline-form] button")
    message = page.locator("[data-testid=decline-form] textarea").evaluate("el => el.validationMessage")
    assert message == "请写明婉拒的原因"
    assert _offer_status(server_db, case.offer_id) is OfferStatus.PENDING
    page.fill("[data-testid=decline-form] textarea", "本会近期专家档期已满")
    page.click("[data-testid=decline-form] button")
    expect(page.locator(".flash")).to_contain_text("已婉拒")
    expect(page.get_by_test_id("offer-status")).to_have_text("已婉拒")
    assert _offer_status(server_db, case.offer_id) is OfferStatus.DECLINED


def test_a_society_opening_another_societys_offer_is_refused(
    console: Console, console_server: Served, server_db: Database
) -> None:
    case = _offered(console_server, server_db)
    with server_db.read_session() as session:
        owner = session.get_one(Offer, case.offer_id).society_id
        other = session.scalars(
            select(User.username).where(User.role == Role.SOCIETY, User.society_id != owner).order_by(User.id)
        ).first()
        assert other is not None
    page = console.login(other)
    response = page.goto(f"{console.base_url}/console/offers/{case.offer_id}")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_test_id("error-page")).to_contain_text("找不到")
    expect(page.locator("body")).not_to_contain_text("推荐的专家团队")
    # Nor can it answer that offer.
    csrf = page.locator("meta[name=csrf-token]").get_attribute("content") or ""
    refused = page.request.post(
        f"{console.base_url}/console/offers/{case.offer_id}/decline",
        form={"csrf_token": csrf, "reason": "冒名婉拒"},
        max_redirects=0,
    )
    assert refused.status == 404
    assert _offer_status(server_db, case.offer_id) is OfferStatus.PENDING


def test_console_urls_with_impossible_ids_are_not_found_never_a_500(console: Console) -> None:
    page = console.login("center-admin")
    for path in (
        "/console/demands/99999999999999999999999",
        "/console/offers/0",
        "/console/members/-4",
        "/console/users/4294967296",
    ):
        response = page.goto(console.base_url + path)
        assert response is not None
        assert response.status == 404, path
        expect(page.get_by_test_id("error-page")).to_contain_text("编号无效")
