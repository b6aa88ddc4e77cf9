"""Bring a database to a usable state: migrate, reference data, demo data on first start."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from core.db import Database
from core.migrations import upgrade
from directory import overview
from directory.regions import sync_regions

log = logging.getLogger("zhuli.bootstrap")


@dataclass(frozen=True)
class BootstrapReport:
    regions_added: int
    demo_loaded: bool
    idf_fitted: bool = False


def is_empty(db: Database) -> bool:
    with db.read_session() as session:
        return overview.is_empty(session)


def load_demo(db: Database) -> None:
    """Load the demo in one unit of work. Its offers come from the real matcher: the engine it builds
    saves its index into the settings' index folder, where the serving process then finds it."""
    from demo import load_demo_data

    with db.unit_of_work() as session:
        counts = load_demo_data(session)
    log.info("demo data loaded", extra={"counts": counts})


def fit_keyword_idf(db: Database, path: Path) -> int | None:
    """Fit the keyword IDF table on our own corpus into ``path``; the number of documents, or None if too few."""
    from ingestion.keywords import fit_idf_from_database

    with db.read_session() as session:
        table = fit_idf_from_database(session, path)
    if table is not None:
        log.info("keyword IDF fitted", extra={"documents": table.documents, "adjusted": table.adjusted})
    return table.documents if table is not None else None


def bootstrap(db: Database, *, demo: bool, idf_path: Path | None = None) -> BootstrapReport:
    """Migrate to head, sync regions, and load the demo data if ``demo`` and the database is empty.

    With ``idf_path``, a keyword IDF table is fitted there when there is none yet (``zhuli keywords
    fit`` refits it as the corpus grows).
    """
    upgrade(db.engine)
    with db.unit_of_work() as session:
        added = sync_regions(session)
    demo_loaded = False
    if demo and is_empty(db):
        load_demo(db)
        demo_loaded = True
    idf_fitted = False
    if idf_path is not None and not idf_path.exists():
        idf_fitted = fit_keyword_idf(db, idf_path) is not None
    return BootstrapReport(regions_added=added, demo_loaded=demo_loaded, idf_fitted=idf_fitted)
