"""Write the demo's demands with their workflow history, and the programme's own records."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from demo import program
from demo.counts import DemoCounts
from demo.dataset import DemoDataset
from demo.lifecycle import NOW, ActorRef
from models import (
    AuditEvent,
    Demand,
    DemandSource,
    Docking,
    DockingExpert,
    Enterprise,
    Evaluation,
    Expert,
    LocalAssociation,
    Notification,
    NotificationChannel,
    NotificationStatus,
    Offer,
    PilotApplication,
    ProgressReport,
    Region,
    Role,
    Society,
)

PROGRAM_SEED = 2016


class _Actors:
    """Resolves planned actors (role, natural key) to demo users."""

    def __init__(self, session: Session, users: dict[str, int]) -> None:
        self.users = users
        self.association_regions = set(session.scalars(select(LocalAssociation.region_code)))
        self.parents = dict(session.execute(select(Region.code, Region.parent_code)).all())

    def username(self, actor: ActorRef) -> str:
        role, key = actor
        if role is Role.ENTERPRISE:
            return f"ent-{str(key).lower()}"
        if role is Role.LOCAL_ASSOCIATION:
            region = str(key)
            # A county without its own association is screened by its city's.
            return f"la-{region if region in self.association_regions else self.parents[region]}"
        if role is Role.SOCIETY:
            return f"soc-{str(key).lower()}"
        return "center-admin" if role is Role.CENTER else "system"

    def user_id(self, actor: ActorRef) -> int:
        return self.users[self.username(actor)]


def load_demands(session: Session, dataset: DemoDataset, users: dict[str, int], counts: DemoCounts) -> None:
    """All demo demands with offers, dockings, audit events and notifications, or nothing if present."""
    if session.scalar(select(exists().where(Demand.source == DemandSource.DEMO))):
        return
    actors = _Actors(session, users)
    enterprise_ids = dict(session.execute(select(Enterprise.credit_code, Enterprise.id)).all())
    society_ids = dict(session.execute(select(Society.code, Society.id)).all())
    expert_ids = dict(session.execute(select(Expert.code, Expert.id).where(Expert.code.like("DEMO-EXP-%"))).all())

    demands: list[Demand] = []
    for plan in dataset.demands:
        enterprise_user = actors.user_id((Role.ENTERPRISE, plan.enterprise_key))
        demands.append(
            Demand(
                enterprise_id=enterprise_ids[plan.enterprise_key],
                region_code=plan.region_code,
                title=plan.title,
                description=plan.description,
                category=plan.category,
                industry=plan.industry,
                keywords=list(plan.keywords),
                budget_min=plan.budget_min,
                budget_max=plan.budget_max,
                deadline=plan.deadline,
                attachments=[dict(a) for a in plan.attachments],
                status=plan.status,
                source=DemandSource.DEMO,
                is_government=plan.is_government,
                contact_name=plan.contact_name,
                contact_phone=plan.contact_phone,
                contact_email=plan.contact_email,
                status_reason=plan.status_reason,
                submitted_by_user_id=enterprise_user if plan.submitted_at else None,
                submitted_at=plan.submitted_at,
                status_changed_at=plan.status_changed_at,
                created_at=plan.created_at,
                updated_at=plan.status_changed_at,
            )
        )
    session.add_all(demands)
    session.flush()
    counts.demands += len(demands)

    offers: list[list[Offer]] = []
    for plan, demand in zip(dataset.demands, demands, strict=True):
        rows = [
            Offer(
                demand_id=demand.id,
                society_id=society_ids[o.society_code],
                round=o.round,
                rank=o.rank,
                score=o.score,
                score_parts=dict(o.score_parts),
                explanation=dict(o.explanation),
                proposed_expert_ids=[expert_ids[c] for c in o.expert_codes],
                status=o.status,
                deadline_at=o.deadline_at,
                responded_at=o.responded_at,
                response_note=o.response_note,
                created_at=o.created_at,
                updated_at=o.responded_at or o.created_at,
            )
            for o in plan.offers
        ]
        offers.append(rows)
        session.add_all(rows)
        counts.offers += len(rows)
    session.flush()

    for plan, demand, rows in zip(dataset.demands, demands, offers, strict=True):
        dock = plan.docking
        if dock is not None:
            confirmer = actors.user_id((Role.LOCAL_ASSOCIATION, plan.region_code)) if dock.confirmed_at else None
            session.add(
                Docking(
                    demand_id=demand.id,
                    offer_id=rows[dock.offer_index].id,
                    society_id=society_ids[dock.society_code],
                    status=dock.status,
                    confirmed_by_user_id=confirmer,
                    confirmed_at=dock.confirmed_at,
                    agreement_signed_on=dock.agreement_signed_on,
                    agreement_amount=dock.agreement_amount,
                    outcome=dock.outcome,
                    completed_at=dock.completed_at,
                    rating=dock.rating,
                    rating_comment=dock.rating_comment,
                    closed_at=dock.closed_at,
                    created_at=dock.created_at,
                    updated_at=plan.status_changed_at,
                    team=[DockingExpert(expert_id=expert_ids[code], role=role) for code, role in dock.team],
                )
            )
            counts.dockings += 1
            counts.docking_experts += len(dock.team)
        for event in plan.events:
            session.add(
                AuditEvent(
                    entity_type="demand",
                    entity_id=demand.id,
                    action=event.action,
                    from_state=None if event.from_state is None else event.from_state.value,
                    to_state=event.to_state.value,
                    actor_user_id=actors.user_id(event.actor),
                    actor_role=event.actor[0],
                    reason=event.reason,
                    data=dict(event.data),
                    at=event.at,
                )
            )
            counts.audit_events += 1
        for notice in plan.notifications:
            username = actors.username(notice.recipient)
            session.add(
                Notification(
                    dedupe_key=f"demo:{plan.seq}:{notice.kind}:{username}",
                    recipient_user_id=actors.users[username],
                    channel=NotificationChannel.CONSOLE,
                    kind=notice.kind,
                    payload={**notice.payload, "demand_id": demand.id},
                    demand_id=demand.id,
                    status=NotificationStatus.SENT,
                    attempts=1,
                    next_attempt_at=notice.at,
                    created_at=notice.at,
                    sent_at=notice.at + timedelta(seconds=3),
                    read_at=notice.at + timedelta(hours=2) if notice.at < NOW - timedelta(days=3) else None,
                )
            )
            counts.notifications += 1
    session.flush()


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
