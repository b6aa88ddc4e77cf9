"""Console page latency (p50 / p95, server-side render over real HTTP) with the demo data.

    python bench/console_pages.py [--rounds 40]

Starts a real ``zhuli serve`` on a fresh data folder (demo data loaded on first start), logs in as a
local association, a society and the provincial center, and times the pages they open most: the
screening queue, an offer's detail and the dashboard. Each figure is the full request as the browser
makes it (session check, one service call, template), measured by the client, after two warm-up calls;
one JSON line per page (p50 / p95 ms, sequential requests/s, page size), then the server's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.db import Database  # noqa: E402
from tests.console.helpers import offer_case  # noqa: E402
from tests.servers import serving, wait_until_index_ready  # noqa: E402


def _login(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/console/login").text)
    assert token is not None
    reply = client.post(
        "/console/login", data={"csrf_token": token.group(1), "username": username, "password": "zhuli-demo"}
    )
    assert reply.status_code == 303, reply.text
    return client


def _time(client: httpx.Client, path: str, rounds: int) -> dict[str, float]:
    for _ in range(2):
        assert client.get(path).status_code == 200, path
    samples = []
    began = time.perf_counter()
    for _ in range(rounds):
        started = time.perf_counter()
        reply = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert reply.status_code == 200, path
    elapsed = time.perf_counter() - began
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 1),
        "per_s": round(rounds / elapsed, 1),
        "bytes": len(reply.content),
    }


def _peak_rss_mib(pid: int) -> float | None:
    """The server process's peak resident memory (Linux ``VmHWM``), if the platform tells."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _busiest_offer(db: Database) -> int:
    """A demo offer whose demand has the longest timeline (the heaviest offer page)."""
    from sqlalchemy import func, select

    from models import AuditEvent, Offer

    with db.read_session() as session:
        events = select(AuditEvent.demand_id, func.count().label("n")).group_by(AuditEvent.demand_id).subquery()
        offer_id = session.scalar(
            select(Offer.id)
            .join(events, events.c.demand_id == Offer.demand_id, isouter=True)
            .order_by(events.c.n.desc().nulls_last(), Offer.id)
            .limit(1)
        )
    assert offer_id is not None
    return int(offer_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, serving(Path(tmp) / "var") as server:
        # Timed once the background index build is done: the steady state a working day sees.
        wait_until_index_ready(server.base_url, timeout=1200)
        db = Database.from_url(server.database_url)
        case = offer_case(db, _busiest_offer(db))
        db.dispose()
        pages = [
            ("screening queue", "la-350100", "/console/screening"),
            ("offer detail", case.society_username, f"/console/offers/{case.offer_id}"),
            ("dashboard", "center-admin", "/console/dashboard"),
            ("offers inbox", case.society_username, "/console/offers"),
            ("society members", case.society_username, "/console/members"),
            ("user admin", "center-admin", "/console/users"),
        ]
        for name, user, path in pages:
            client = _login(server.base_url, user)  # already open: httpx refuses a second ``with``
            try:
                figures = _time(client, path, args.rounds)
            finally:
                client.close()
            print(json.dumps({"bench": "console_pages", "page": name, "path": path, **figures}, ensure_ascii=False))
        peak = _peak_rss_mib(server.process.pid)
        print(json.dumps({"bench": "console_pages", "server_peak_rss_mib": round(peak) if peak else None}))


if __name__ == "__main__":
    main()
