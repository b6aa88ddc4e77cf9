"""Several workers running the periodic tasks at the same moment, on real connections: each change happens once."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

import workflow
from accounts import Actor
from core.db import Database
from core.settings import Settings
from models import AuditEvent, DemandStatus, Notification, Offer, OfferStatus, Role
from tests.factories import make_demand, make_enterprise, make_expert, make_society, make_user
from tests.workflow.offering import NOW, POLICY, store_ranking
from workflow.jobs import JobContext
from workflow.periodic import expire_offers, remind_offers

WORKERS = 3


def _offered_demand(db: Database) -> int:
    with db.unit_of_work() as session:
        enterprise = make_enterprise(session, region_code="350582")
        societies = [make_society(session) for _ in range(4)]
        for society in societies:
            make_user(session, Role.SOCIETY, society_id=society.id)
        association = make_user(session, Role.LOCAL_ASSOCIATION, region_code="350582")
        make_user(session, Role.CENTER)
        demand = make_demand(session, enterprise, status=DemandStatus.SUBMITTED)
        store_ranking(session, demand, [(s, [make_expert(session, societies=[s])]) for s in societies])
        workflow.approve(session, Actor.of_user(association), demand.id, now=NOW, policy=POLICY)
        return demand.id


def _at_once(db: Database, task: object, ctx: JobContext) -> list[BaseException]:
    """Run ``task`` in ``WORKERS`` threads released together, each in its own unit of work."""
    start, errors = threading.Barrier(WORKERS), []

    def worker() -> None:
        try:
            start.wait()
            with db.unit_of_work() as session:
                task(session, ctx)  # type: ignore[operator]
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def test_workers_expiring_the_same_offers_expire_each_once_and_start_one_next_round(
    fresh_database: Database,
) -> None:
    demand_id = _offered_demand(fresh_database)
    deadline = NOW + timedelta(hours=POLICY.offer_deadline_hours)
    ctx = JobContext(engine=None, settings=Settings(workflow=POLICY), now=deadline)
    assert _at_once(fresh_database, expire_offers, ctx) == []
    # a round two workers closed together is finished by the next run at the latest
    with fresh_database.unit_of_work() as session:
        expire_offers(session, ctx)
    with fresh_database.read_session() as session:
        offers = session.scalars(select(Offer).where(Offer.demand_id == demand_id).order_by(Offer.id)).all()
        assert [(o.round, o.status) for o in offers] == [
            (1, OfferStatus.EXPIRED),
            (1, OfferStatus.EXPIRED),
            (2, OfferStatus.PENDING),
            (2, OfferStatus.PENDING),
        ]
        expiries = session.scalar(select(func.count()).where(AuditEvent.action == "offer.expire"))
        rounds = session.scalar(select(func.count()).where(AuditEvent.action == "demand.offer"))
        assert (expiries, rounds) == (2, 2)


def test_workers_sending_the_same_reminders_send_each_once(fresh_database: Database) -> None:
    demand_id = _offered_demand(fresh_database)
    soon = NOW + timedelta(hours=POLICY.offer_deadline_hours - 1)
    ctx = JobContext(engine=None, settings=Settings(workflow=POLICY), now=soon)
    assert _at_once(fresh_database, remind_offers, ctx) == []
    with fresh_database.read_session() as session:
        reminders = session.scalar(
            select(func.count()).where(Notification.demand_id == demand_id, Notification.kind == "offer.reminder")
        )
    assert reminders == 2
