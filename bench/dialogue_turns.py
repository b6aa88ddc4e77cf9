"""Dialogue turn latency: ``bot.conversation.respond`` as the webhook runs it, one unit of work per message.

    python bench/dialogue_turns.py [--users 40] [--backend sqlite|postgresql|both]

Each simulated user fills a demand in their own words (long first message, answers, preview,
submit), then opens 「我的需求」 and one demand: 13 messages. Turns are timed by kind — slot filling,
the submit (binding, ingestion of the text, workflow submit, notifications and the match job
enqueued), and my demands — and printed as one JSON line per backend: p50 / p95 ms, turns/s
(sequential, one worker) and peak RSS. The first submit of the process (jieba's dictionary load) is
reported apart as ``cold_submit_ms`` unless ``warm_up()`` ran first, as ``zhuli serve`` does at start
(its time is ``warm_up_s``; ``--cold`` skips it). No network; PostgreSQL at ``ZHULI_TEST_POSTGRES_URL``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import percentile, scratch_database  # noqa: E402
from bot.conversation import respond, warm_up  # noqa: E402
from bot.inbound import Inbound  # noqa: E402
from core.migrations import upgrade  # noqa: E402
from core.settings import Settings  # noqa: E402
from directory import credit_code  # noqa: E402
from directory.regions import sync_regions  # noqa: E402

COUNTIES = ("晋江", "福州市仓山区", "平潭", "德化", "安溪", "石狮", "龙岩市新罗区", "福清")


def script(n: int) -> list[tuple[str, str]]:
    """(kind, message) of user ``n``."""
    code = credit_code.generate("350582", 70_000_000 + n)
    county = COUNTIES[n % len(COUNTIES)]
    return [
        (
            "slot",
            f"您好，我们是测试{n}号新材料有限公司，信用代码{code}，在{county}。我们的EVA鞋底低温下容易开裂，"
            "换过几种发泡剂都不理想，想请专家改进配方。",
        ),
        ("slot", county),
        ("slot", f"联系人陈工 1390595{n % 10000:04d}"),
        ("slot", "好"),
        ("slot", "零下20度弯折不开裂"),
        ("slot", "10-30万元"),
        ("slot", "明年6月前"),
        ("slot", "修改 预算 5万左右"),
        ("slot", "预览"),
        ("submit", "提交"),
        ("demands", "我的需求"),
        ("demands", "1"),
        ("slot", "帮助"),
    ]


def run(backend: str, users: int) -> dict[str, object]:
    settings = Settings()
    ids = itertools.count(1)
    with scratch_database(backend) as db:
        upgrade(db.engine)
        with db.unit_of_work() as session:
            sync_regions(session)
        samples: dict[str, list[float]] = {"slot": [], "submit": [], "demands": []}
        cold_submit: float | None = None
        now = datetime.now(UTC)
        started = time.perf_counter()
        for n in range(users):
            for kind, message in script(n):
                now += timedelta(seconds=1)
                inbound = Inbound(f"o-bench-{n}", "text", message, None, None, None, None, now, next(ids))
                t0 = time.perf_counter()
                with db.unit_of_work() as session:
                    reply = respond(session, inbound, settings=settings, now=now)
                elapsed = (time.perf_counter() - t0) * 1000
                if kind == "submit" and "已提交" not in reply:
                    raise SystemExit(f"user {n} did not submit: {reply}")
                if kind == "submit" and cold_submit is None:
                    cold_submit = elapsed
                    continue
                samples[kind].append(elapsed)
        wall = time.perf_counter() - started
    turns = sum(len(v) for v in samples.values()) + 1
    out: dict[str, object] = {"backend": backend, "users": users, "turns": turns}
    for kind, values in samples.items():
        out[f"{kind}_p50_ms"] = round(statistics.median(values), 2)
        out[f"{kind}_p95_ms"] = percentile(values, 0.95)
    out["cold_submit_ms"] = round(cold_submit or 0.0, 1)
    out["turns_per_s"] = round(turns / wall, 1)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--cold", action="store_true", help="skip the start-up warm-up")
    args = parser.parse_args()
    if not args.cold:
        started = time.perf_counter()
        warm_up()
        print(json.dumps({"warm_up_s": round(time.perf_counter() - started, 2)}))  # noqa: T201
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        print(json.dumps(run(backend, args.users), ensure_ascii=False))  # noqa: T201


if __name__ == "__main__":
    main()
