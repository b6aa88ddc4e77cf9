"""The report-workflow migration keeps the reports stored before it: they load as accepted ones."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import select, text

from core.db import Database
from core.migrations import alembic_config, upgrade
from models import ProgressReport, ReportStatus
from tests.factories import make_society

BEFORE = "8c2f4e1d7a30"


def test_reports_stored_before_the_workflow_load_as_accepted(fresh_database: Database) -> None:
    with fresh_database.unit_of_work() as session:
        society_id = make_society(session, is_pilot=True).id
    cfg = alembic_config()
    with fresh_database.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, BEFORE)
        conn.execute(
            text(
                "INSERT INTO progress_reports (society_id, year, month, summary, stats, submitted_at, "
                "created_at, updated_at) VALUES (:s, 2026, 9, '九月进展', '{\"dockings\": 2}', :at, :at, :at)"
            ),
            {"s": society_id, "at": datetime(2026, 10, 5, 2, 0)},
        )
    upgrade(fresh_database.engine)
    with fresh_database.unit_of_work() as session:
        report = session.scalars(select(ProgressReport).where(ProgressReport.society_id == society_id)).one()
        assert report.status is ReportStatus.ACCEPTED
        assert report.first_submitted_at == datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
        assert report.corrections == {}
        assert report.stats == {"dockings": 2}
        assert report.version == 1
        session.delete(report)
