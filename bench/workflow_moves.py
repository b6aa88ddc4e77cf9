"""Workflow moves as requests make them (one unit of work each), and the offer-expiry task's throughput.

    python bench/workflow_moves.py [--demands 40] [--expiring 200] [--backend sqlite|postgresql|both]

Each demand is drafted and submitted by its enterprise and gets a stored match snapshot of 4
societies (as the ``demand.match`` job leaves it); then approve (with the first round of 3 offers,
their audit events and notifications), accept (team checked against capacity and conflicts, the
others superseded, the docking proposed), confirm, agreement, outcome and rating are timed one by one:
p50 / p95 ms per move and moves/s (sequential). Then ``--expiring`` more demands are offered and
``expire_offers`` runs at their deadline until nothing is left: offers expired per second, next
rounds included. Peak RSS last. No network; PostgreSQL at ``ZHULI_TEST_POSTGRES_URL``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select  # noqa: E402 - placed with the project imports below
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import workflow  # noqa: E402
from accounts import Actor  # noqa: E402
from bench._scratch import percentile, scratch_database  # noqa: E402
from core.clock import BEIJING  # noqa: E402
from core.db import Database  # noqa: E402
from core.migrations import upgrade  # noqa: E402
from core.settings import Settings, WorkflowSettings  # noqa: E402
from directory import credit_code  # noqa: E402
from directory.regions import sync_regions  # noqa: E402
from matching.schemas import MatchResult, SocietyMatch, TeamMember  # noqa: E402
from models import Enterprise, Expert, Offer, OfferStatus, Role, Society, SocietyMembership, User  # noqa: E402
from workflow import DemandInput  # noqa: E402
from workflow.jobs import JobContext  # noqa: E402
from workflow.periodic import expire_offers  # noqa: E402
from workflow.rounds import submission_event_id  # noqa: E402
from workflow.suggestions import store_snapshot  # noqa: E402

POLICY = WorkflowSettings(societies_per_round=3, max_rounds=2)
MOVES = ("approve", "accept", "confirm", "agreement", "outcome", "rate")


def _world(db: Database) -> tuple[Actor, Actor, dict[int, Actor], list[tuple[int, list[int]]]]:
    with db.unit_of_work() as session:
        sync_regions(session)
        enterprise = Enterprise(
            name="福建测试鞋业有限公司", credit_code=credit_code.generate("350582", 4242), region_code="350582"
        )
        session.add(enterprise)
        session.flush()
        ent_user = User(username="bench-ent", display_name="企业", role=Role.ENTERPRISE, enterprise_id=enterprise.id)
        la_user = User(username="bench-la", display_name="科协", role=Role.LOCAL_ASSOCIATION, region_code="350582")
        session.add_all([ent_user, la_user])
        ranking, societies = [], {}
        for i in range(4):
            society = Society(code=f"B{i}", name=f"福建省测试学会{i}")
            session.add(society)
            session.flush()
            members = []
            for j in range(3):
                expert = Expert(code=f"BE{i}-{j}", name=f"专家{i}{j}", employer="福州大学", capacity=10_000)
                session.add(expert)
                session.flush()
                session.add(SocietyMembership(expert_id=expert.id, society_id=society.id))
                members.append(expert.id)
            user = User(username=f"bench-soc{i}", display_name="学会", role=Role.SOCIETY, society_id=society.id)
            session.add(user)
            session.flush()
            societies[society.id] = Actor.of_user(user)
            ranking.append((society.id, members))
        session.flush()
        return Actor.of_user(ent_user), Actor.of_user(la_user), societies, ranking


def _submitted(db: Database, enterprise: Actor, ranking: list[tuple[int, list[int]]], now: datetime) -> int:
    with db.unit_of_work() as session:
        text = DemandInput(description="EVA发泡鞋底回弹性不足，压缩永久变形大，希望专家优化配方。")
        demand = workflow.create_draft(session, enterprise, text, now=now).demand
        workflow.submit(session, enterprise, demand.id, now=now)
        societies = [
            SocietyMatch(
                rank=r,
                society_id=sid,
                code=f"B{r}",
                name=f"学会{r}",
                score=1.0 - r / 10,
                score_parts={"profile": 0.3, "members": 0.6 - r / 10, "station": 0.0},
                team=[TeamMember(expert_id=e, name="专家", role="member", score=0.5) for e in team],
                reason="会员研究方向与需求相符",
            )
            for r, (sid, team) in enumerate(ranking, 1)
        ]
        result = MatchResult(demand_id=demand.id, model="bench", index_watermark=1, experts=[], societies=societies)
        store_snapshot(session, demand.id, submission_event_id(session, demand.id) or 0, result, now=now)
        return demand.id


def run(backend: str, demands: int, expiring: int) -> dict[str, object]:
    samples: dict[str, list[float]] = {m: [] for m in MOVES}
    with scratch_database(backend) as db:
        upgrade(db.engine)
        enterprise, association, societies, ranking = _world(db)
        first = societies[ranking[0][0]]
        now = datetime.now(UTC) - timedelta(days=30)
        started = time.perf_counter()
        for _ in range(demands):
            demand_id = _submitted(db, enterprise, ranking, now)
            steps = _moves(enterprise, association, first, demand_id, now)
            for name, step in steps.items():
                t0 = time.perf_counter()
                with db.unit_of_work() as session:
                    step(session)
                samples[name].append((time.perf_counter() - t0) * 1000)
        wall = time.perf_counter() - started
        for _ in range(expiring):
            demand_id = _submitted(db, enterprise, ranking, now)
            with db.unit_of_work() as session:
                workflow.approve(session, association, demand_id, now=now, policy=POLICY)
        deadline = now + timedelta(hours=POLICY.offer_deadline_hours)
        ctx = JobContext(engine=None, settings=Settings(workflow=POLICY), now=deadline)
        t0, changed, runs = time.perf_counter(), 0, 0
        while True:
            with db.unit_of_work() as session:
                n = expire_offers(session, ctx)
            runs += 1
            if n == 0:
                break
            changed += n
        expiry_s = time.perf_counter() - t0
    out: dict[str, object] = {"backend": backend, "demands": demands}
    for name, values in samples.items():
        out[f"{name}_p50_ms"] = round(statistics.median(values), 2)
        out[f"{name}_p95_ms"] = percentile(values, 0.95)
    out["moves_per_s"] = round(demands * (len(MOVES) + 2) / wall, 1)  # + draft and submit
    out["expired_offers"] = expiring * POLICY.societies_per_round
    out["expiry_changes"] = changed
    out["expiry_runs"] = runs
    out["offers_expired_per_s"] = round(expiring * POLICY.societies_per_round / expiry_s, 1)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def _moves(
    enterprise: Actor, association: Actor, society: Actor, demand_id: int, now: datetime
) -> dict[str, Callable[[Session], object]]:
    """Each timed move of one demand, as a call on the unit of work's session."""
    today = now.astimezone(BEIJING).date()
    return {
        "approve": lambda s: workflow.approve(s, association, demand_id, now=now, policy=POLICY),
        "accept": lambda s: workflow.accept(s, society, _offer_of(s, demand_id), now=now),
        "confirm": lambda s: workflow.confirm_docking(s, association, demand_id, now=now),
        "agreement": lambda s: workflow.record_agreement(s, enterprise, demand_id, today, "80000", now=now),
        "outcome": lambda s: workflow.report_outcome(s, society, demand_id, "完成", now=now),
        "rate": lambda s: workflow.rate(s, enterprise, demand_id, 5, now=now),
    }


def _offer_of(session: Session, demand_id: int) -> int:
    offer_id = session.scalars(
        select(Offer.id).where(Offer.demand_id == demand_id, Offer.status == OfferStatus.PENDING).order_by(Offer.rank)
    ).first()
    assert offer_id is not None
    return offer_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demands", type=int, default=40)
    parser.add_argument("--expiring", type=int, default=200)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        print(json.dumps(run(backend, args.demands, args.expiring), ensure_ascii=False))  # noqa: T201


if __name__ == "__main__":
    main()
