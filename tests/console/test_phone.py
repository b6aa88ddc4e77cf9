"""At phone width (390 px) the main pages fit the screen: nothing scrolls sideways."""

from __future__ import annotations

from playwright.sync_api import Page
from sqlalchemy import select

from core.db import Database
from models import Demand, DemandStatus, Expert, Offer, Society, SocietyMembership
from tests.console.conftest import PHONE, Console


def _overflow(page: Page) -> list[str]:
    """Elements sticking out to the right of the viewport (empty when the page fits)."""
    result: list[str] = page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= width) return [];
          return [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > width + 1)
            .slice(0, 5)
            .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ': ' +
                       (el.textContent || '').trim().slice(0, 30));
        }"""
    )
    return result


def _check(console: Console, paths: list[str]) -> None:
    console.page.set_viewport_size(PHONE)
    for path in paths:
        response = console.page.goto(console.base_url + path)
        assert response is not None
        assert response.status == 200, path
        console.page.wait_for_load_state("networkidle")
        assert _overflow(console.page) == [], f"{path} scrolls sideways at 390 px"


def test_the_local_associations_pages_fit_a_phone(console: Console, server_db: Database) -> None:
    with server_db.read_session() as session:
        demand = session.scalars(
            select(Demand.id).where(Demand.region_code.like("3501%"), Demand.status != DemandStatus.DRAFT)
        ).first()
    console.login("la-350100")
    _check(console, ["/console/screening", f"/console/demands/{demand}", "/console/confirmations", "/console/overview"])


def test_the_societys_pages_fit_a_phone(console: Console, server_db: Database) -> None:
    with server_db.read_session() as session:
        society = session.scalars(select(Society).where(Society.code == "TEA")).one()
        offer = session.scalars(
            select(Offer.id).where(Offer.society_id == society.id).order_by(Offer.status != "pending", Offer.id)
        ).first()
        member = session.scalars(
            select(Expert.id)
            .join(SocietyMembership, SocietyMembership.expert_id == Expert.id)
            .where(SocietyMembership.society_id == society.id)
        ).first()
    console.login("soc-tea")
    assert offer is not None, "the demo has offers for the tea society"
    paths = ["/console/offers", f"/console/offers/{offer}", "/console/dockings", "/console/members"]
    _check(console, [*paths, f"/console/members/{member}"])


def test_the_centers_pages_fit_a_phone(console: Console) -> None:
    console.login("center-admin")
    _check(
        console,
        ["/console/dashboard", "/console/stuck", "/console/imports", "/console/users", "/console/users/new"],
    )
    console.shot("dashboard", phone=True)
