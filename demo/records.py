"""The programme's own records of the demo: monthly progress reports, evaluations, pilot applications."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo import program
from demo.counts import DemoCounts
from demo.plan import CST
from models import Evaluation, LocalAssociation, PilotApplication, PilotStatus, ProgressReport, Region

PROGRAM_SEED = 2016
MEETING_DECIDES = frozenset({PilotStatus.SELECTED, PilotStatus.NOT_SELECTED})
"""Statuses decided by the chairman's office meeting (seed art. 13), on the day of the decision."""
PUBLISHED_AFTER = timedelta(days=7)
"""The list of selected pilots is published a week after the chairman's office meeting."""


def load_program(
    session: Session, society_ids: dict[str, int], users: dict[str, int], counts: DemoCounts, *, now: datetime
) -> None:
    """Monthly reports up to ``now``, last year's evaluations and pilot applications not there yet."""
    rng = random.Random(PROGRAM_SEED)
    associations = {la.region_code: la for la in session.scalars(select(LocalAssociation))}
    names = {code: la.name for code, la in associations.items()}
    demonstration = sorted(
        code for code in session.scalars(select(Region.code).where(Region.is_demonstration)) if code in associations
    )

    def org(ref: program.OrgRef) -> tuple[int | None, int | None]:
        kind, key = ref
        return (society_ids[key], None) if kind == "society" else (None, associations[key].id)

    def author(ref: program.OrgRef) -> int:
        kind, key = ref
        return users[f"soc-{key.lower()}"] if kind == "society" else users[f"la-{key}"]

    # The reports are written relative to the first load; a later load (a month on, or the same
    # week after another unit's hand-in day) keeps that world instead of adding the months since.
    # They are drawn either way: the evaluations below take the next numbers of the same generator.
    reports = program.progress_reports(rng, demonstration, names, now)
    if session.scalar(select(ProgressReport.id).limit(1)) is not None:
        reports = []
    for report in reports:
        sid, lid = org(report.org)
        session.add(
            ProgressReport(
                society_id=sid,
                local_association_id=lid,
                year=report.year,
                month=report.month,
                summary=report.summary,
                stats=dict(report.stats),
                submitted_by_user_id=author(report.org),
                submitted_at=report.submitted_at,
                first_submitted_at=report.submitted_at,
                computed_at=report.submitted_at,
                status=report.status,
                reviewed_by_user_id=None if report.reviewed_at is None else users["center-ops"],
                reviewed_at=report.reviewed_at,
                review_reason=report.review_reason,
            )
        )
        counts.progress_reports += 1

    have_evaluations = set(
        session.execute(select(Evaluation.society_id, Evaluation.local_association_id, Evaluation.year)).all()
    )
    for evaluation in program.evaluations(rng, demonstration):
        sid, lid = org(evaluation.org)
        if (sid, lid, evaluation.year) in have_evaluations:
            continue
        session.add(
            Evaluation(
                society_id=sid,
                local_association_id=lid,
                year=evaluation.year,
                score=evaluation.score,
                grade=evaluation.grade,
                comments=evaluation.comments,
                evaluated_by_user_id=users["dept-eval"],
                rectification_due=evaluation.rectification_due,
                rectified_at=evaluation.rectified_at,
            )
        )
        counts.evaluations += 1

    have_pilots = set(
        session.execute(
            select(PilotApplication.society_id, PilotApplication.local_association_id, PilotApplication.year)
        ).all()
    )
    for pilot in program.pilot_applications(rng, names):
        sid, lid = org(pilot.org)
        if (sid, lid, pilot.year) in have_pilots:
            continue
        session.add(
            PilotApplication(
                society_id=sid,
                local_association_id=lid,
                year=pilot.year,
                title=pilot.title,
                application_letter=pilot.application_letter,
                industry_demands=pilot.industry_demands,
                work_plan=pilot.work_plan,
                status=pilot.status,
                review_note=pilot.review_note,
                decided_at=pilot.decided_at,
                submitted_by_user_id=author(pilot.org),
                submitted_at=program.application_submitted_at(pilot.year),
                meeting_date=(
                    pilot.decided_at.astimezone(CST).date()
                    if pilot.decided_at is not None and pilot.status in MEETING_DECIDES
                    else None
                ),
                published_at=(
                    pilot.decided_at + PUBLISHED_AFTER
                    if pilot.decided_at is not None and pilot.status is PilotStatus.SELECTED
                    else None
                ),
            )
        )
        counts.pilot_applications += 1
    session.flush()
