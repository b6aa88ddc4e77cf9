"""``/metrics`` for Prometheus: requests, latencies, and the queues read from the database.

Request counters and latency histograms are per process (scrape every ``zhuli serve`` process by
its own address, as Prometheus does with an ``instance`` label). Outbox and job figures are read
from the database at scrape time, so every process reports the same true values however many
processes deliver: depth by channel, the age of the oldest due row, and finished deliveries by
outcome and the channel that carried them. Process-wide metrics registered on prometheus-client's
default registry (match latency, process and GC figures, and ``zhuli_deliveries_total`` — delivery
attempts by channel and result of this process's in-process worker, see
:mod:`workflow.worker.outbox`) are exposed too; a ``zhuli worker`` process serves its own with
``--metrics-port``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.db import Database
from workflow.outbox_stats import QueueSnapshot, job_snapshot, outbox_snapshot

log = logging.getLogger("zhuli.metrics")

UNMATCHED_ROUTE = "<unmatched>"
"""Route label of requests no route matched (keeps arbitrary paths out of the label set)."""


class QueueCollector(Collector):
    """Gauges computed from the notifications and jobs tables when Prometheus scrapes."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("zhuli_database_up", "1 when the database answered the metrics queries")
        try:
            with self.db.read_session() as session:
                outbox, jobs = outbox_snapshot(session), job_snapshot(session)
        except Exception as exc:  # noqa: BLE001 - a scrape must answer even when the database is down
            log.warning("metrics: database unavailable: %s", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from _queue_metrics("outbox", "notifications", "channel", outbox)
        yield from _queue_metrics("jobs", "jobs", "kind", jobs)


def _queue_metrics(prefix: str, noun: str, label: str, snapshot: QueueSnapshot) -> Iterator[Metric]:
    depth = GaugeMetricFamily(
        f"zhuli_{prefix}_depth", f"{noun} not finished yet (pending or in progress)", labels=[label]
    )
    for value, n in sorted(snapshot.waiting.items()):
        depth.add_metric([value], n)
    yield depth
    age = GaugeMetricFamily(
        f"zhuli_{prefix}_oldest_due_age_seconds", f"age of the oldest due {noun[:-1]} still waiting (0 if none)"
    )
    age.add_metric([], snapshot.oldest_due_age_seconds)
    yield age
    finished = GaugeMetricFamily(
        f"zhuli_{prefix}_finished", f"finished {noun} by outcome (rows in the table)", labels=["status", label]
    )
    for (status, value), n in sorted(snapshot.finished.items()):
        finished.add_metric([status, value], n)
    yield finished


class _Exposed:
    """The app's own registry followed by the process-wide default one."""

    def __init__(self, *registries: CollectorRegistry) -> None:
        self.registries = registries

    def collect(self) -> Iterator[Metric]:
        for registry in self.registries:
            yield from registry.collect()


class Metrics:
    """One app's metrics: its registry, the request instruments and the queue collector."""

    def __init__(self, db: Database) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "zhuli_http_requests",
            "HTTP requests by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "zhuli_http_request_duration_seconds",
            "HTTP request latency by method and route template",
            ["method", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.registry.register(QueueCollector(db))
        self._exposed = _Exposed(self.registry, REGISTRY)

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self._exposed), CONTENT_TYPE_LATEST

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)


class MetricsMiddleware:
    """Counts every HTTP request under its route template once the response has started."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or UNMATCHED_ROUTE
            self.metrics.observe(scope["method"], template, status, time.perf_counter() - started)
