"""Play the demo's plan through the workflow: every demand's history made by the services the REST API
and the console call, as the right users, on a fake clock, with offers from the real matcher.

Steps of all demands run in time order (so experts' loads, rounds and expiry interleave as they would
have). Before each step the worker's offer expiry runs at that time, as the worker would have every
few minutes; match jobs the workflow enqueues on (re)submission run at once, as the worker would have
seconds later. A step the workflow refuses is a bug in the plan: it raises, nothing is bypassed.

Times: the plan's times are shifted by whole days so that the plan's "today" is the last day not after
the load time (:func:`shift_for`); content is the same on every load.
"""

from __future__ import annotations

import heapq
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core import clock
from core.settings import Settings
from demo.catalog import INDUSTRY_OF, SUBFIELDS
from demo.dataset import DemandPlan, DemoDataset
from demo.plan import CST, REFERENCE, Step
from demo.societies import SOCIETIES
from matching.engine import MatchingEngine
from models import (
    Demand,
    DemandSource,
    Docking,
    Enterprise,
    Job,
    JobStatus,
    LocalAssociation,
    Offer,
    OfferStatus,
    Region,
    Society,
    User,
)
from workflow import demands, dockings, offers
from workflow import tasks as _tasks  # noqa: F401 - registers the job handlers the replay runs
from workflow.jobs import JobContext
from workflow.offer_queries import offer_detail
from workflow.periodic import expire_offers
from workflow.schemas import Attachment, DemandInput
from workflow.suggestions import latest_snapshot
from workflow.worker.queue import handler_for

MATCH_JOB = demands.MATCH_JOB


def shift_for(now: datetime) -> timedelta:
    """Whole days that move the plan's today to the last such day not after ``now``."""
    return timedelta(days=(now - REFERENCE) // timedelta(days=1))


class Replay:
    """One load's replay: the demo's users as actors, the engine, the settings and the time shift."""

    def __init__(
        self, session: Session, engine: MatchingEngine, settings: Settings, users: dict[str, int], shift: timedelta
    ) -> None:
        self.session = session
        self.engine = engine
        self.settings = settings
        self.shift = shift
        self.users = users
        self.association_regions = set(session.scalars(select(LocalAssociation.region_code)))
        self.parents = dict(session.execute(select(Region.code, Region.parent_code)).all())
        self.society_codes = dict(session.execute(select(Society.id, Society.code)).all())
        self.enterprise_ids = dict(session.execute(select(Enterprise.credit_code, Enterprise.id)).all())
        self._actors: dict[str, Actor] = {}
        self.demand_ids: dict[int, int] = {}
        """plan seq → demand id."""

    # -- who acts -----------------------------------------------------------------------------------

    def actor(self, username: str) -> Actor:
        found = self._actors.get(username)
        if found is None:
            found = Actor.of_user(self.session.get_one(User, self.users[username]))
            self._actors[username] = found
        return found

    def enterprise(self, plan: DemandPlan) -> Actor:
        return self.actor(f"ent-{plan.enterprise_key.lower()}")

    def association(self, plan: DemandPlan) -> Actor:
        """The county's association, or its city's for a county without one of its own."""
        region = plan.region_code
        return self.actor(f"la-{region if region in self.association_regions else self.parents[region]}")

    def society(self, society_id: int) -> Actor:
        return self.actor(f"soc-{self.society_codes[society_id].lower()}")

    def center(self) -> Actor:
        return self.actor("center-ops")

    # -- the worker, as it would have run ---------------------------------------------------------

    def context(self, now: datetime) -> JobContext:
        return JobContext(engine=self.engine, settings=self.settings, now=now)

    def run_match_jobs(self, demand_id: int, now: datetime) -> None:
        """Run the demand's pending ``demand.match`` jobs through their registered handler, and mark them done."""
        pending = self.session.scalars(
            select(Job).where(Job.kind == MATCH_JOB, Job.status == JobStatus.PENDING).order_by(Job.id)
        ).all()
        handler = handler_for(MATCH_JOB)
        assert handler is not None
        for job in pending:
            if int(job.payload.get("demand_id", 0)) != demand_id:
                continue
            handler(self.session, self.context(now), dict(job.payload))
            job.status, job.attempts, job.finished_at = JobStatus.DONE, job.attempts + 1, now
        self.session.flush()

    # -- the replay ---------------------------------------------------------------------------------

    def run(self, plans: tuple[DemandPlan, ...]) -> None:
        queue = [(step.at + self.shift, plan.seq, index) for plan in plans for index, step in enumerate(plan.steps)]
        heapq.heapify(queue)
        by_seq = {plan.seq: plan for plan in plans}
        while queue:
            at, seq, index = heapq.heappop(queue)
            plan = by_seq[seq]
            with clock.frozen_at(at):
                expire_offers(self.session, self.context(at))
                self.step(plan, plan.steps[index], at)

    def step(self, plan: DemandPlan, step: Step, at: datetime) -> None:
        session, action = self.session, step.action
        if action == "create":
            self.demand_ids[plan.seq] = self.create(plan, at)
            return
        demand_id = self.demand_ids[plan.seq]
        policy = self.settings.workflow
        if action == "submit":
            demands.submit(session, self.enterprise(plan), demand_id, now=at)
            if step.data.get("matched", True):
                self.run_match_jobs(demand_id, at)
        elif action == "supplement":
            demands.supplement(session, self.enterprise(plan), demand_id, step.reason or "", now=at)
            self.run_match_jobs(demand_id, at)
        elif action == "return_for_info":
            demands.return_for_info(session, self.association(plan), demand_id, step.reason or "", now=at)
        elif action == "reject":
            demands.reject(session, self.association(plan), demand_id, step.reason or "", now=at)
        elif action == "approve":
            demands.approve(session, self.association(plan), demand_id, note=step.reason, now=at, policy=policy)
        elif action == "decline":
            self.decline(plan, step, demand_id, at)
        elif action == "accept":
            self.accept(step, demand_id, at)
        elif action == "reroute":
            society_id = self.reroute_target(plan, demand_id)
            offers.reroute(session, self.center(), demand_id, society_id, note=step.reason, now=at, policy=policy)
        elif action == "confirm_docking":
            dockings.confirm_docking(session, self.association(plan), demand_id, now=at)
        elif action == "record_agreement":
            signed_on = at.astimezone(CST).date()
            dockings.record_agreement(
                session, self.docking_society(demand_id), demand_id, signed_on, step.data.get("amount"), now=at
            )
        elif action == "report_outcome":
            dockings.report_outcome(session, self.docking_society(demand_id), demand_id, step.reason or "", now=at)
        elif action == "rate":
            dockings.rate(session, self.enterprise(plan), demand_id, int(step.data["rating"]), step.reason, now=at)
        elif action == "close":
            demands.close(session, self.association(plan), demand_id, reason=step.reason, now=at)
        elif action == "withdraw":
            demands.withdraw(session, self.enterprise(plan), demand_id, reason=step.reason, now=at)
        elif action != "tick":  # a tick only lets the worker's expiry run at the end of a round
            raise AssertionError(f"demo plan: unknown step {action!r}")

    def create(self, plan: DemandPlan, at: datetime) -> int:
        data = DemandInput(
            title=plan.title,
            description=plan.description,
            budget_min=plan.budget_min,
            budget_max=plan.budget_max,
            deadline=plan.deadline + self.shift if plan.deadline is not None else None,
            contact_name=plan.contact_name,
            contact_phone=plan.contact_phone,
            contact_email=plan.contact_email,
            region_code=plan.region_code,
            attachments=[Attachment(name=str(a["name"])) for a in plan.attachments],
            source=DemandSource.DEMO,
            is_government=plan.is_government,
        )
        return demands.create_draft(self.session, self.enterprise(plan), data, now=at).demand.id

    # -- societies' answers -------------------------------------------------------------------------

    def round_offers(self, demand_id: int, round_no: int) -> list[Offer]:
        """The round's offers in the matcher's order."""
        return list(
            self.session.scalars(
                select(Offer).where(Offer.demand_id == demand_id, Offer.round == round_no).order_by(Offer.rank)
            )
        )

    def decline(self, plan: DemandPlan, step: Step, demand_id: int, at: datetime) -> None:
        """The society at ``position`` declines — unless its offer is not there (the matcher ranked fewer
        societies), already closed, or the last one open in a round the plan ends with an acceptance."""
        offers_ = self.round_offers(demand_id, step.round)
        if step.position > len(offers_) or offers_[step.position - 1].status is not OfferStatus.PENDING:
            return
        accepting = any(s.action == "accept" and s.round == step.round for s in plan.steps)
        if accepting and sum(o.status is OfferStatus.PENDING for o in offers_) == 1:
            return
        offer = offers_[step.position - 1]
        offers.decline(
            self.session,
            self.society(offer.society_id),
            offer.id,
            step.reason or "",
            now=at,
            policy=self.settings.workflow,
        )

    def accept(self, step: Step, demand_id: int, at: datetime) -> None:
        """The society at ``position`` (or the next open one) accepts with a team of the planned size,
        chosen as its staff would from the proposed experts the console shows as free to serve."""
        pending = [o for o in self.round_offers(demand_id, step.round) if o.status is OfferStatus.PENDING]
        if not pending:
            raise AssertionError(f"demo plan: no open offer to accept for demand {demand_id} round {step.round}")
        preferred = min(step.position, len(pending)) - 1
        size = int(step.data.get("team_size", 2))
        for offer in [pending[preferred], *(o for i, o in enumerate(pending) if i != preferred)]:
            actor = self.society(offer.society_id)
            detail = offer_detail(self.session, actor, offer.id, now=at)
            free = [m.expert_id for m in detail.proposed if m.is_active and m.load < m.capacity and not m.conflict]
            if free:
                note = f"本会已组建{len(free[:size])}人专家团队承接。"
                offers.accept(self.session, actor, offer.id, expert_ids=free[:size], note=note, now=at)
                return
        raise AssertionError(f"demo plan: no society of round {step.round} can staff demand {demand_id}")

    def reroute_target(self, plan: DemandPlan, demand_id: int) -> int:
        """The center's choice: the best society of the match suggestions not offered yet, else the
        societies the catalog names for the demand's industry, else any society serving it."""
        offered = set(self.session.scalars(select(Offer.society_id).where(Offer.demand_id == demand_id)))
        snapshot = latest_snapshot(self.session, demand_id)
        ranked = [s.society_id for s in snapshot.societies] if snapshot is not None else []
        by_code = {code: society_id for society_id, code in self.society_codes.items()}
        industry = INDUSTRY_OF[plan.subfield]
        ranked += [by_code[c] for c in (*SUBFIELDS[plan.subfield].societies, *industry.societies) if c in by_code]
        ranked += [by_code[s.code] for s in SOCIETIES if industry.label in s.industries and s.code in by_code]
        for society_id in ranked:
            if society_id not in offered:
                return society_id
        raise AssertionError(f"demo plan: no society left to reroute demand {demand_id} to")

    def docking_society(self, demand_id: int) -> Actor:
        docking = self.session.scalars(select(Docking).where(Docking.demand_id == demand_id)).one()
        return self.society(docking.society_id)


def demo_demand_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Demand.id).where(Demand.source == DemandSource.DEMO).order_by(Demand.id)))


def replay_demands(
    session: Session,
    dataset: DemoDataset,
    users: dict[str, int],
    *,
    engine: MatchingEngine,
    settings: Settings,
    now: datetime,
) -> list[int]:
    """Play every demo demand's history; returns the new demands' ids."""
    replay = Replay(session, engine, settings, users, shift_for(now))
    replay.run(dataset.demands)
    return sorted(replay.demand_ids.values())
