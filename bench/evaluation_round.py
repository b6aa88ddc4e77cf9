"""A performance evaluation round at programme scale: computing every unit's indicators, scoring, publishing.

    python bench/evaluation_round.py [--demands 10000] [--backend sqlite|postgresql|both] [--repeat 3]

Fills a fresh database like ``bench/report_figures.py`` (``--demands`` demands over every county in
2026, offers to 20 pilot societies, dockings; every demonstration area has an association), then
marks the dockings confirmed, signed and rated. A round over 2026 with the six default computed
indicators plus one entered indicator is computed ``--repeat`` times (total ms and ms per unit, p50 /
p95 over the repeats), one reviewer scores every unit, the round is published (results, grades,
rectifications, notifications), and the round's detail page data and the programme overview are read
(ms). Peak RSS last. No network.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from accounts import Actor  # noqa: E402
from bench._scratch import percentile, scratch_database  # noqa: E402
from bench._synthetic import peak_rss_mb  # noqa: E402
from bench.report_figures import _populate  # noqa: E402
from core.migrations import upgrade  # noqa: E402
from models import Docking, EvaluationReviewer, IndicatorSource, Role, User  # noqa: E402
from program import evaluation_views, evaluations  # noqa: E402
from program.evaluations import IndicatorInput, RoundInput, ScoreInput, default_indicators  # noqa: E402
from program.overview import program_overview  # noqa: E402

NOW = datetime(2027, 1, 20, 2, 0, tzinfo=UTC)


def _mark_dockings(db: object) -> None:
    """Confirmed three days after creation, signed a week later, rated on closing (bulk updates)."""
    with db.unit_of_work() as session:  # type: ignore[attr-defined]
        rows = session.execute(select(Docking.id, Docking.created_at)).all()
        closed = datetime(2026, 9, 1, tzinfo=UTC)
        changes = [
            {
                "id": i, "confirmed_at": created + timedelta(days=3), "agreement_signed_on": date(2026, 6, 1),
                "rating": 4, "closed_at": closed if i % 2 == 0 else None,
            }
            for i, created in rows
        ]  # fmt: skip
        for start in range(0, len(changes), 2000):
            session.execute(update(Docking), changes[start : start + 2000])


def _ms(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(samples), 1), "p95_ms": percentile(samples, 0.95), "n": len(samples)}


def run(backend: str, n_demands: int, repeat: int) -> dict[str, object]:
    rng = random.Random(11)
    with scratch_database(backend) as db:
        upgrade(db.engine)
        _populate(db, n_demands, rng)
        _mark_dockings(db)
        with db.unit_of_work() as session:
            dept = User(username="bench-dept", display_name="学术部", role=Role.DEPARTMENT)
            session.add(dept)
            session.flush()
            department = Actor.of_user(dept)
            entered = IndicatorInput(name="专家评审", weight=Decimal(30), source=IndicatorSource.ENTERED)
            data = RoundInput(
                title="基准评价", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
                indicators=[*default_indicators(), entered],
            )  # fmt: skip
            round_id = evaluations.create_round(session, department, data, now=NOW).id
            session.add(EvaluationReviewer(round_id=round_id, user_id=dept.id))
        compute: list[float] = []
        units = 0
        for _ in range(repeat):
            with db.unit_of_work() as session:
                started = time.perf_counter()
                units = len(evaluations.compute(session, department, round_id, now=NOW))
                compute.append((time.perf_counter() - started) * 1000)
        with db.unit_of_work() as session:
            detail = evaluation_views.round_detail(session, department, round_id, now=NOW)
            indicator = next(i.id for i in detail.indicators if i.source is IndicatorSource.ENTERED)
            marks = [
                ScoreInput(result_id=r.id, indicator_id=indicator, score=Decimal(rng.randrange(40, 100)))
                for r in detail.results
            ]
            started = time.perf_counter()
            evaluations.enter_scores(session, department, round_id, marks, now=NOW)
            score_ms = round((time.perf_counter() - started) * 1000, 1)
        with db.unit_of_work() as session:
            started = time.perf_counter()
            evaluations.publish(session, department, round_id, now=NOW)
            publish_ms = round((time.perf_counter() - started) * 1000, 1)
        with db.read_session() as session:
            started = time.perf_counter()
            evaluation_views.round_detail(session, department, round_id, now=NOW)
            detail_ms = round((time.perf_counter() - started) * 1000, 1)
            started = time.perf_counter()
            program_overview(session, department, now=NOW)
            overview_ms = round((time.perf_counter() - started) * 1000, 1)
            dockings = len(session.scalars(select(Docking.id)).all())
        per_unit = [c / max(units, 1) for c in compute]
        return {
            "backend": backend, "demands": n_demands, "dockings": dockings, "units": units,
            "compute_round": _ms(compute), "compute_per_unit": _ms(per_unit), "score_all_units_ms": score_ms,
            "publish_ms": publish_ms, "round_detail_ms": detail_ms, "overview_ms": overview_ms,
        }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demands", type=int, default=10_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        print(json.dumps(run(backend, args.demands, args.repeat), ensure_ascii=False), flush=True)
    print(json.dumps({"peak_rss_mb": peak_rss_mb()}), flush=True)


if __name__ == "__main__":
    main()
