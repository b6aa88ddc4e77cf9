"""Bring a database to a usable state: migrate, reference data, demo data on first start."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select

from core.db import Database
from core.migrations import upgrade
from directory.regions import sync_regions
from models import Demand, Society

log = logging.getLogger("zhuli.bootstrap")


@dataclass(frozen=True)
class BootstrapReport:
    regions_added: int
    demo_loaded: bool


def is_empty(db: Database) -> bool:
    with db.unit_of_work() as session:
        societies = session.scalar(select(func.count()).select_from(Society)) or 0
        demands = session.scalar(select(func.count()).select_from(Demand)) or 0
    return societies == 0 and demands == 0


def load_demo(db: Database) -> None:
    from ingestion.demo import load_demo_data

    with db.unit_of_work() as session:
        counts = load_demo_data(session)
    log.info("demo data loaded", extra={"counts": counts})


def bootstrap(db: Database, *, demo: bool) -> BootstrapReport:
    """Migrate to head, sync regions, and load the demo data if ``demo`` and the database is empty."""
    upgrade(db.engine)
    with db.unit_of_work() as session:
        added = sync_regions(session)
    demo_loaded = False
    if demo and is_empty(db):
        load_demo(db)
        demo_loaded = True
    return BootstrapReport(regions_added=added, demo_loaded=demo_loaded)
