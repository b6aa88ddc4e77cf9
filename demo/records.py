"""The programme's own records of the demo: monthly progress reports, evaluations, pilot applications."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo import program
from demo.counts import DemoCounts
from models import Evaluation, LocalAssociation, PilotApplication, ProgressReport, Region

PROGRAM_SEED = 2016


def load_program(session: Session, society_ids: dict[str, int], users: dict[str, int], counts: DemoCounts) -> None:
    """Monthly reports, last year's evaluations and pilot applications that are not there yet."""
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

    have_reports = set(
        session.execute(
            select(
                ProgressReport.society_id,
                ProgressReport.local_association_id,
                ProgressReport.year,
                ProgressReport.month,
            )
        ).all()
    )
    for report in program.progress_reports(rng, demonstration, names):
        sid, lid = org(report.org)
        if (sid, lid, report.year, report.month) in have_reports:
            continue
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
            )
        )
        counts.pilot_applications += 1
    session.flush()
