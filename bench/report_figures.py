"""Monthly reports at programme scale: computing a unit's figures, drafting, the overview and the XLSX.

    python bench/report_figures.py [--demands 10000] [--backend sqlite|postgresql|both]

Fills a fresh database with ``--demands`` demands spread over every county of Fujian across twelve
months, each with its audit trail (submit, approve, offer, and for most of them accept, docking,
agreement, outcome), an offer to one of 20 pilot societies and a docking with a two-expert team;
every demonstration area has an association. Then times, per unit and month, ``figures.compute``
(p50 / p95 ms), ``reports.prepare`` as a unit drafts (service call with its audit event), the
programme overview over all units and the month's XLSX export (ms, bytes). Peak RSS last. No network.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from accounts import Actor  # noqa: E402
from bench._scratch import percentile, scratch_database  # noqa: E402
from bench._synthetic import peak_rss_mb  # noqa: E402
from core.migrations import upgrade  # noqa: E402
from core.settings import ProgramSettings  # noqa: E402
from directory import credit_code  # noqa: E402
from directory.regions import sync_regions  # noqa: E402
from models import (  # noqa: E402
    AuditEvent,
    Demand,
    DemandCategory,
    DemandSource,
    DemandStatus,
    Docking,
    DockingExpert,
    DockingStatus,
    Enterprise,
    Expert,
    LocalAssociation,
    Offer,
    OfferStatus,
    Region,
    RegionLevel,
    Role,
    Society,
    User,
)
from program import figures, reports  # noqa: E402
from program.overview import program_overview  # noqa: E402
from program.periods import Month  # noqa: E402
from program.report_export import export_month  # noqa: E402
from program.units import participating_units  # noqa: E402

SOCIETIES = 20
EXPERTS = 400
MONTHS = [Month(2026, m) for m in range(1, 13)]
FLOW = ("submit", "approve", "offer", "accept", "confirm_docking", "record_agreement", "report_outcome")


def _populate(db: object, n_demands: int, rng: random.Random) -> None:
    with db.unit_of_work() as session:  # type: ignore[attr-defined]
        sync_regions(session)
        counties = session.scalars(select(Region.code).where(Region.level == RegionLevel.COUNTY)).all()
        for code in session.scalars(select(Region.code).where(Region.is_demonstration)).all():
            session.add(LocalAssociation(name=f"{code}科协", region_code=code))
        societies = [Society(code=f"B{i:03d}", name=f"基准学会{i}", is_pilot=True) for i in range(SOCIETIES)]
        session.add_all(societies)
        session.flush()
        experts = [Expert(code=f"BE{i:05d}", name=f"专家{i}", employer="福州大学") for i in range(EXPERTS)]
        session.add_all(experts)
        session.flush()
        firms = []
        for i, code in enumerate(counties):
            firms.append(
                Enterprise(name=f"基准企业{i}", credit_code=credit_code.generate(code, 500_000 + i), region_code=code)
            )
        session.add_all(firms)
        session.flush()
        demands, events, offers, dockings, teams = [], [], [], [], []
        for n in range(n_demands):
            firm = rng.choice(firms)
            start = rng.choice(MONTHS).start + timedelta(days=rng.uniform(0, 27))
            steps = rng.randint(3, len(FLOW))
            demands.append(
                {
                    "id": n + 1, "enterprise_id": firm.id, "region_code": firm.region_code, "title": f"需求{n}",
                    "description": "基准需求", "category": DemandCategory.KEY_TECHNOLOGY, "industry": "",
                    "keywords": [], "attachments": [], "private_details": {}, "status": DemandStatus.SUBMITTED,
                    "source": DemandSource.IMPORT, "is_government": False, "budget_negotiable": False,
                    "version": 1, "created_at": start, "updated_at": start,
                }
            )  # fmt: skip
            at = start
            for action in FLOW[:steps]:
                at += timedelta(days=rng.uniform(0.2, 6))
                events.append(
                    {
                        "entity_type": "demand", "entity_id": n + 1, "demand_id": n + 1, "action": f"demand.{action}",
                        "actor_role": Role.SYSTEM, "data": {}, "at": at,
                    }
                )  # fmt: skip
            society = rng.choice(societies)
            offers.append(
                {
                    "id": n + 1, "demand_id": n + 1, "society_id": society.id, "round": 1, "rank": 1, "score": 0.5,
                    "score_parts": {}, "explanation": {}, "proposed_expert_ids": [], "status": OfferStatus.ACCEPTED,
                    "created_at": start + timedelta(days=2), "updated_at": start,
                }
            )  # fmt: skip
            if steps >= 5:
                dockings.append(
                    {
                        "id": n + 1, "demand_id": n + 1, "offer_id": n + 1, "society_id": society.id,
                        "status": DockingStatus.CONTRACTED, "agreement_amount": Decimal(rng.randrange(1, 50) * 10000),
                        "created_at": start, "updated_at": start,
                    }
                )  # fmt: skip
                for expert in rng.sample(experts, 2):
                    teams.append({"docking_id": n + 1, "expert_id": expert.id, "role": "member"})
        for table, rows in ((Demand, demands), (AuditEvent, events), (Offer, offers), (Docking, dockings)):
            for i in range(0, len(rows), 5000):
                session.execute(insert(table), rows[i : i + 5000])
        for i in range(0, len(teams), 5000):
            session.execute(insert(DockingExpert), teams[i : i + 5000])
        session.add(User(username="bench-center", display_name="中心", role=Role.CENTER))
        for society in societies:
            session.add(
                User(username=f"bench-s{society.id}", display_name="学会", role=Role.SOCIETY, society_id=society.id)
            )
    print(json.dumps({"demands": n_demands, "audit_events": len(events), "dockings": len(dockings)}), flush=True)


def _ms(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": percentile(samples, 0.95), "n": len(samples)}


def run(backend: str, n_demands: int) -> dict[str, object]:
    rng = random.Random(11)
    with scratch_database(backend) as db:
        upgrade(db.engine)
        began = time.perf_counter()
        _populate(db, n_demands, rng)
        load_s = round(time.perf_counter() - began, 1)
        with db.read_session() as session:
            units = participating_units(session)
            compute: list[float] = []
            for unit in units:
                for month in MONTHS[::3]:
                    started = time.perf_counter()
                    figures.compute(session, unit, month)
                    compute.append((time.perf_counter() - started) * 1000)
        policy = ProgramSettings()
        now = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)
        prepare: list[float] = []
        with db.unit_of_work() as session:
            society_users = session.scalars(select(User).where(User.role == Role.SOCIETY)).all()
            for user in society_users:
                actor = Actor.of_user(user)
                started = time.perf_counter()
                reports.prepare(session, actor, 2026, 12, now=now, policy=policy)
                prepare.append((time.perf_counter() - started) * 1000)
        center = Actor(user_id=None, role=Role.CENTER)
        with db.read_session() as session:
            started = time.perf_counter()
            overview = program_overview(session, center, now=now, policy=policy)
            overview_ms = round((time.perf_counter() - started) * 1000, 1)
            started = time.perf_counter()
            data = export_month(session, center, 2026, 12, policy=policy)
            export_ms = round((time.perf_counter() - started) * 1000, 1)
        return {
            "backend": backend, "units": len(units), "load_s": load_s, "figures_compute": _ms(compute),
            "prepare": _ms(prepare), "overview_ms": overview_ms, "overview_rows": len(overview.rows),
            "export_ms": export_ms, "export_bytes": len(data),
        }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demands", type=int, default=10_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        print(json.dumps(run(backend, args.demands), ensure_ascii=False), flush=True)
    print(json.dumps({"peak_rss_mb": peak_rss_mb()}), flush=True)


if __name__ == "__main__":
    main()
