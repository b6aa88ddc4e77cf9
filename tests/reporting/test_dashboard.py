"""The dashboard statistics: counted over exactly what the actor may see, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from accounts import Actor
from core.errors import PermissionDenied
from core.settings import ReportingSettings
from models import AuditEvent, Demand, DemandStatus, Docking, DockingStatus, Offer, OfferStatus, Role, Society
from reporting import dashboard
from tests.factories import make_demand, make_enterprise, make_society

NOW = datetime(2026, 6, 15, 4, 0, tzinfo=UTC)
CENTER = Actor(user_id=1, role=Role.CENTER)
JINJIANG = Actor(user_id=2, role=Role.LOCAL_ASSOCIATION, region_code="350582")
QUANZHOU = Actor(user_id=3, role=Role.LOCAL_ASSOCIATION, region_code="350500")
POLICY = ReportingSettings(stuck_after_days=14, months=3)


def _demand(session: Session, region: str, status: DemandStatus, submitted_days_ago: float, **extra: object) -> Demand:
    submitted = NOW - timedelta(days=submitted_days_ago)
    return make_demand(
        session,
        make_enterprise(session, region_code=region),
        status=status,
        submitted_at=submitted,
        status_changed_at=extra.pop("changed_at", submitted),
        **extra,
    )


def _offer(session: Session, demand: Demand, society: Society, status: OfferStatus, **extra: object) -> Offer:
    offer = Offer(demand_id=demand.id, society_id=society.id, rank=1, score=0.5, status=status, **extra)
    session.add(offer)
    session.flush()
    return offer


def _docked(session: Session, demand: Demand, society: Society, days_after_submission: float) -> None:
    offer = _offer(session, demand, society, OfferStatus.ACCEPTED)
    assert demand.submitted_at is not None
    confirmed = demand.submitted_at + timedelta(days=days_after_submission)
    session.add(
        Docking(
            demand_id=demand.id,
            offer_id=offer.id,
            society_id=society.id,
            status=DockingStatus.CONFIRMED,
            confirmed_at=confirmed,
        )
    )
    session.flush()


@pytest.fixture
def world(session: Session) -> dict[str, Demand]:
    """Jinjiang (Quanzhou) and Gulou (Fuzhou) demands in every interesting state."""
    soc_a, soc_b = make_society(session), make_society(session)
    d = {
        "jj_waiting": _demand(session, "350582", DemandStatus.SUBMITTED, 30),
        "jj_new": _demand(session, "350582", DemandStatus.SUBMITTED, 1),
        "jj_docked": _demand(session, "350582", DemandStatus.DOCKED, 40),
        "jj_offered": _demand(session, "350582", DemandStatus.OFFERED, 10, changed_at=NOW - timedelta(days=3)),
        "nanan_docked": _demand(session, "350583", DemandStatus.CONTRACTED, 60),
        "gulou_unmatched": _demand(session, "350102", DemandStatus.UNMATCHED, 50, changed_at=NOW - timedelta(days=2)),
        "gulou_rejected": _demand(session, "350102", DemandStatus.REJECTED, 20),
        "gulou_draft": _demand(session, "350102", DemandStatus.DRAFT, 5),
    }
    _docked(session, d["jj_docked"], soc_a, 10)
    _docked(session, d["nanan_docked"], soc_b, 20)
    _offer(session, d["jj_offered"], soc_a, OfferStatus.PENDING, deadline_at=NOW - timedelta(days=1, hours=12))
    _offer(session, d["jj_offered"], soc_b, OfferStatus.PENDING, deadline_at=NOW + timedelta(days=2))
    _offer(session, d["gulou_unmatched"], soc_a, OfferStatus.DECLINED)
    session.add(
        AuditEvent(
            entity_type="demand",
            entity_id=d["gulou_unmatched"].id,
            demand_id=d["gulou_unmatched"].id,
            action="demand.escalate",
            actor_role=Role.SYSTEM,
            at=NOW - timedelta(days=2),
        )
    )
    session.flush()
    return d


def test_the_center_sees_the_province_without_drafts(session: Session, world: dict[str, Demand]) -> None:
    data = dashboard(session, CENTER, now=NOW, settings=POLICY)
    assert data.scope == "全省"
    assert data.demands == 7
    counts = {s.status: s.count for s in data.by_status}
    assert counts == {
        DemandStatus.SUBMITTED: 2,
        DemandStatus.OFFERED: 1,
        DemandStatus.UNMATCHED: 1,
        DemandStatus.DOCKED: 1,
        DemandStatus.CONTRACTED: 1,
        DemandStatus.REJECTED: 1,
    }
    by_city = {r.name: (r.demands, r.docked) for r in data.by_region}
    assert by_city == {"泉州市": (5, 2), "福州市": (2, 0)}


def test_rates_and_the_median_time_to_docking(session: Session, world: dict[str, Demand]) -> None:
    data = dashboard(session, CENTER, now=NOW, settings=POLICY)
    # offered: jj_docked, nanan_docked, jj_offered, gulou_unmatched; accepted: the two docked ones
    assert (data.offered, data.matched) == (4, 2)
    assert data.match_rate == pytest.approx(0.5)
    # passed screening: docked, contracted, offered, unmatched
    assert (data.screened_in, data.docked) == (4, 2)
    assert data.docking_rate == pytest.approx(0.5)
    assert data.median_days_to_docking == pytest.approx(15.0)


def test_overdue_offers_are_pending_offers_past_their_deadline(session: Session, world: dict[str, Demand]) -> None:
    data = dashboard(session, CENTER, now=NOW, settings=POLICY)
    assert data.overdue_offers == 1
    (overdue,) = data.overdue
    assert overdue.demand_id == world["jj_offered"].id
    assert overdue.overdue_days == pytest.approx(1.5)
    later = dashboard(session, CENTER, now=NOW + timedelta(days=3), settings=POLICY)
    assert later.overdue_offers == 2


def test_stuck_demands_waited_too_long_and_escalated_ones_come_first(
    session: Session, world: dict[str, Demand]
) -> None:
    data = dashboard(session, CENTER, now=NOW, settings=POLICY)
    assert [s.demand_id for s in data.stuck] == [world["gulou_unmatched"].id, world["jj_waiting"].id]
    assert [s.escalated for s in data.stuck] == [True, False]
    assert data.stuck[1].waiting_days == pytest.approx(30.0)
    assert (data.stuck_demands, data.escalated_demands) == (2, 1)


def test_a_county_association_sees_only_its_county(session: Session, world: dict[str, Demand]) -> None:
    data = dashboard(session, JINJIANG, now=NOW, settings=POLICY)
    assert data.scope.endswith("晋江市")
    assert data.demands == 4
    assert [(r.name, r.demands, r.docked) for r in data.by_region] == [("晋江市", 4, 1)]
    assert [s.demand_id for s in data.stuck] == [world["jj_waiting"].id]
    assert data.overdue_offers == 1


def test_a_city_association_sees_its_counties_one_by_one(session: Session, world: dict[str, Demand]) -> None:
    data = dashboard(session, QUANZHOU, now=NOW, settings=POLICY)
    assert {(r.name, r.demands) for r in data.by_region} == {("晋江市", 4), ("南安市", 1)}
    assert data.median_days_to_docking == pytest.approx(15.0)


def test_the_months_series_counts_submissions_and_dockings_in_beijing_time(
    session: Session, world: dict[str, Demand]
) -> None:
    data = dashboard(session, CENTER, now=NOW, settings=POLICY)
    assert [(m.month, m.submitted, m.docked) for m in data.by_month] == [
        ("2026-04", 2, 0),
        ("2026-05", 3, 2),
        ("2026-06", 2, 0),
    ]


def test_enterprises_have_no_dashboard(session: Session) -> None:
    with pytest.raises(PermissionDenied):
        dashboard(session, Actor(user_id=9, role=Role.ENTERPRISE, enterprise_id=1), now=NOW)
