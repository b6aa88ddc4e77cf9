"""The evaluated units of the evaluation tests, on top of :mod:`tests.api.parties`.

Society A is a pilot society; Jinjiang (enterprise A's county) is a demonstration area whose
association has its own user. Of society A's six offered demands (the parties' offered, unmatched and
four docking states), three dockings were confirmed and two of those contracted — in 2026.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import DemandStatus, Docking, LocalAssociation, Region, Role, User
from tests.api.parties import Parties
from tests.factories import make_user

JINJIANG = "350582"
CONFIRMED_AT = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
SIGNED_ON = date(2026, 11, 20)


@dataclass
class Units:
    la_jinjiang: LocalAssociation
    la_user: User


def make_units(session: Session, parties: Parties) -> Units:
    parties.society_a.is_pilot = True
    region = session.get_one(Region, JINJIANG)
    region.is_demonstration = True
    la = LocalAssociation(name="晋江市科学技术协会", region_code=JINJIANG)
    session.add(la)
    user = make_user(session, Role.LOCAL_ASSOCIATION, region_code=JINJIANG, display_name="晋江科协")
    parties.users["la_jinjiang"] = user
    for state in (DemandStatus.DOCKED, DemandStatus.CONTRACTED, DemandStatus.COMPLETED):
        docking = session.scalars(select(Docking).where(Docking.demand_id == parties.demand_in(state))).one()
        docking.confirmed_at = CONFIRMED_AT
        if state is not DemandStatus.DOCKED:
            docking.agreement_signed_on = SIGNED_ON
            docking.agreement_amount = Decimal("150000.00")
    session.flush()
    return Units(la, user)
