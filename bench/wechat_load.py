"""The WeChat webhook under load: N simulated users × M messages against a real ``zhuli serve``.

    python bench/wechat_load.py [--users 200] [--messages 10] [--think 2-6] [--backend sqlite|postgresql|both]

Starts ``zhuli serve`` on a fresh data folder (no demo data; its outbound API pointed at the fake
WeChat API on 127.0.0.1), then every user posts its messages one after another, all users at once,
as the platform would (signed XML, fresh timestamps), pausing a random ``--think`` seconds between
two messages as a person typing does (``--think 0``: no pause, the server saturated — its throughput
ceiling, with latency then mostly queueing). One message of each user is delivered twice
(a platform retry). Afterwards the database must hold every message exactly once and no answer may be
a 5xx. Prints one JSON line per backend: reply time p50 / p95 / p99 (client side, full HTTP round
trip), messages/s over the run, the server's CPU time per message (independent of what else the
machine runs: 1000 / it is one process's ceiling in messages/s per core), its peak RSS and the
machine's load average. Goal: p99 ≤ 100 ms on the 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.platform.fake import FakeWeChatApi  # noqa: E402
from bot.simulator import Request, SimulatedPlatform  # noqa: E402
from core.db import Database  # noqa: E402
from models import InboundMessage  # noqa: E402
from tests.servers import serving, wait_until_index_ready  # noqa: E402

TOKEN = "bench-token"
APP_ID = "wx-bench"
POSTGRES_URL = os.environ.get("ZHULI_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SCRIPT = [
    "你好",
    "提交需求",
    "帮助",
    "我的需求",
    "我们是一家做陶瓷的企业，想找专家",
    "晋江",
    "预览",
    "取消",
    "进度",
    "谢谢",
]
RETRIED = 4
"""Index of the message each user's platform delivers twice."""


def _conversation(platform: SimulatedPlatform, openid: str, messages: int) -> list[str]:
    xmls = []
    for i in range(messages):
        if i == 0:
            xmls.append(platform.event(openid, "subscribe", at=int(time.time())))
        else:
            xmls.append(platform.text(openid, SCRIPT[i % len(SCRIPT)]))
    return xmls


async def _user(
    client: httpx.AsyncClient,
    requests: list[Request],
    latencies: list[float],
    codes: Counter[int],
    think: tuple[float, float],
    rng: random.Random,
) -> None:
    await asyncio.sleep(rng.uniform(0, think[1]))  # users do not all start in the same millisecond
    for number, request in enumerate(requests):
        if number and think[1] > 0:
            await asyncio.sleep(rng.uniform(*think))
        started = time.perf_counter()
        try:
            reply = await client.post("/wechat", params=request.params, content=request.body)
            codes[reply.status_code] += 1
        except httpx.HTTPError as exc:
            codes[-1] += 1
            print(f"transport error: {exc!r}", file=sys.stderr)
        latencies.append((time.perf_counter() - started) * 1000)


async def _load(
    base: str, users: int, messages: int, think: tuple[float, float]
) -> tuple[list[float], Counter[int], float, int]:
    platform = SimulatedPlatform(TOKEN, APP_ID)
    run = uuid.uuid4().hex[:6]
    plans = []
    for u in range(users):
        xmls = _conversation(platform, f"o-bench-{run}-{u}", messages)
        # signed when sent would be more faithful, but signing 2000 requests would compete for the 2 cores
        requests = [platform.request(xml) for xml in xmls]
        if messages > RETRIED:
            requests.insert(RETRIED + 1, platform.request(xmls[RETRIED]))  # the platform's retry, re-signed
        plans.append(requests)
    latencies: list[float] = []
    codes: Counter[int] = Counter()
    # keep-alive shorter than uvicorn's 5 s: a connection the server is closing is never reused
    limits = httpx.Limits(max_connections=users + 10, max_keepalive_connections=users + 10, keepalive_expiry=3.0)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        for _ in range(3):  # warm-up
            warm = platform.request(platform.text("o-warm", "你好"))
            await client.post("/wechat", params=warm.params, content=warm.body)
        started = time.perf_counter()
        rng = random.Random(7)
        await asyncio.gather(*(_user(client, plan, latencies, codes, think, rng) for plan in plans))
        wall = time.perf_counter() - started
    return latencies, codes, wall, sum(len(p) for p in plans)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def _stored(database_url: str) -> tuple[int, int]:
    db = Database.from_url(database_url)
    with db.read_session() as session:
        total = session.scalar(select(func.count(InboundMessage.id)).where(InboundMessage.openid.like("o-bench-%")))
        keys = session.scalar(
            select(func.count(func.distinct(InboundMessage.dedupe_key))).where(InboundMessage.openid.like("o-bench-%"))
        )
    db.dispose()
    return int(total or 0), int(keys or 0)


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1)


def bench(backend: str, users: int, messages: int, think: tuple[float, float]) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="zhuli-wechat-load-"))
    env = {"ZHULI_DEMO_DATA": "false", "ZHULI_WECHAT__TOKEN": TOKEN, "ZHULI_WECHAT__APP_ID": APP_ID}
    schema = None
    admin = None
    if backend == "postgresql":
        schema = f"bench_wechat_{uuid.uuid4().hex[:8]}"
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        env["ZHULI_DATABASE_URL"] = url.render_as_string(hide_password=False)
    try:
        with FakeWeChatApi(app_id=APP_ID, app_secret="bench-secret") as fake:
            env.update(ZHULI_WECHAT__API_BASE_URL=fake.base_url, ZHULI_WECHAT__APP_SECRET="bench-secret")
            with serving(folder / "var", env=env) as served:
                wait_until_index_ready(served.base_url)  # the start-up rebuild is not part of the load
                cpu_before = _cpu_seconds(served.process.pid)
                latencies, codes, wall, posts = asyncio.run(_load(served.base_url, users, messages, think))
                cpu = _cpu_seconds(served.process.pid) - cpu_before
                peak = _peak_rss_mb(served.process.pid)
                total, distinct = _stored(served.database_url)
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
    expected = users * messages
    return {
        "bench": "wechat_load",
        "backend": backend,
        "users": users,
        "messages_per_user": messages,
        "think_s": f"{think[0]:g}-{think[1]:g}",
        "posts": posts,
        "stored": total,
        "stored_once": total == expected == distinct,
        "status_codes": dict(sorted(codes.items())),
        "no_5xx": not any(code >= 500 or code < 0 for code in codes),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": _percentile(latencies, 0.95),
        "p99_ms": _percentile(latencies, 0.99),
        "max_ms": round(max(latencies), 1),
        "messages_per_s": round(posts / wall, 1),
        "wall_s": round(wall, 2),
        "server_cpu_ms_per_message": round(cpu * 1000 / posts, 1),
        "server_peak_rss_mb": peak,
        "load_average_1m": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--think", default="2-6", help="seconds between a user's messages, MIN-MAX (0: none)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    low, _, high = args.think.partition("-")
    think = (float(low), float(high or low))
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    failed = False
    for backend in backends:
        result = bench(backend, args.users, args.messages, think)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        failed |= not (result["stored_once"] and result["no_5xx"])
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
