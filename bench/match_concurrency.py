"""Concurrent ``GET /api/demands/{id}/matches`` against a real ``zhuli serve`` (demo data, SQLite).

    python -m bench.match_concurrency --concurrency 50 --rounds 3

Starts ``zhuli serve`` on ``var/bench/concurrency`` (demo data on first start, index built in the
background), logs in as a provincial-center user, then fires ``--concurrency`` GETs at once, spread
over the demo's submitted demands, ``--rounds`` times. Prints one JSON line: status counts, matches/s
(wall clock of all rounds), p50 / p95 latency of the 200s, and the server's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import secrets
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

from tests.servers import Served, serving, wait_until_index_ready

BENCH_DIR = Path("var/bench/concurrency")


def _login(server: Served) -> tuple[dict[str, str], list[int]]:
    """A new provincial-center login, and the demands it may ask matches for."""
    from sqlalchemy import select

    from accounts.users import create_user
    from core.db import Database
    from models import Demand, DemandStatus, Role

    password = secrets.token_urlsafe(12)
    username = f"bench{secrets.token_hex(3)}"
    db = Database.from_url(server.database_url)
    try:
        with db.unit_of_work() as session:
            create_user(session, username=username, password=password, display_name="压测用户", role=Role.CENTER)
            demand_ids = list(
                session.scalars(
                    select(Demand.id).where(
                        Demand.status.not_in([DemandStatus.DRAFT, DemandStatus.REJECTED, DemandStatus.WITHDRAWN])
                    )
                )
            )
    finally:
        db.dispose()
    token = httpx.post(
        f"{server.base_url}/api/auth/token", data={"username": username, "password": password}, timeout=30
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}, demand_ids


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def run(concurrency: int, rounds: int, data_dir: Path) -> dict[str, object]:
    with serving(data_dir) as server:
        wait_until_index_ready(server.base_url, timeout=900)
        headers, demand_ids = _login(server)
        statuses: Counter[int | str] = Counter()
        latencies: list[float] = []

        def get(i: int) -> None:
            url = f"{server.base_url}/api/demands/{demand_ids[i % len(demand_ids)]}/matches"
            started = time.perf_counter()
            try:
                response = httpx.get(url, headers=headers, timeout=120)
            except httpx.HTTPError as exc:
                statuses[type(exc).__name__] += 1
                return
            statuses[response.status_code] += 1
            if response.status_code == 200:
                latencies.append(time.perf_counter() - started)

        get(0)  # warm-up: first match loads lazy state
        statuses.clear()
        latencies.clear()
        started = time.perf_counter()
        for r in range(rounds):
            with ThreadPoolExecutor(concurrency) as pool:
                list(pool.map(get, range(r * concurrency, (r + 1) * concurrency)))
        wall = time.perf_counter() - started
        ms = np.asarray(latencies or [0.0]) * 1000
        return {
            "bench": "match_concurrency",
            "concurrency": concurrency,
            "requests": concurrency * rounds,
            "statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
            "ok_per_s": round(len(latencies) / wall, 1),
            "p50_ms": round(float(np.percentile(ms, 50)), 1),
            "p95_ms": round(float(np.percentile(ms, 95)), 1),
            "wall_s": round(wall, 1),
            "server_peak_rss_mb": _peak_rss_mb(server.process.pid),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=BENCH_DIR / "var")
    args = parser.parse_args()
    print(json.dumps(run(args.concurrency, args.rounds, args.data_dir), ensure_ascii=False))  # noqa: T201


if __name__ == "__main__":
    main()
