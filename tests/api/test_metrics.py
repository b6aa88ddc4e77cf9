"""``/metrics``: request counters by route template, and queue figures read from the database."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session

from core import clock
from models import Job, JobStatus, Notification, NotificationChannel, NotificationStatus


def _samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def test_requests_are_counted_under_their_route_template(client: TestClient) -> None:
    client.get("/api/regions")
    client.get("/api/demands/123456/matches")
    client.get("/api/demands/654321/matches")
    client.get("/no/such/path")
    samples = _samples(client)
    route = (("method", "GET"), ("route", "/api/demands/{demand_id}/matches"))
    statuses = {
        k[1] for k in samples if k[0] == "zhuli_http_requests_total" and dict(k[1])["route"].startswith("/api/demands")
    }
    assert len(statuses) == 1  # both ids under one template, one status
    (labels,) = statuses
    assert samples[("zhuli_http_requests_total", labels)] == 2
    assert samples[("zhuli_http_request_duration_seconds_count", route)] == 2
    unmatched = (("method", "GET"), ("route", "<unmatched>"), ("status", "404"))
    assert samples[("zhuli_http_requests_total", unmatched)] == 1
    assert ("zhuli_match_seconds_count", ()) in samples  # the matcher's own latency is exposed too
    assert not any("no/such" in dict(k[1]).get("route", "") for k in samples)


def test_outbox_and_job_figures_come_from_the_tables(client: TestClient, session: Session) -> None:
    now = clock.now()
    rows = [
        (NotificationChannel.CONSOLE, NotificationStatus.PENDING, now - timedelta(minutes=10), None),
        (NotificationChannel.WECHAT_CUSTOM, NotificationStatus.PENDING, now - timedelta(minutes=3), None),
        (NotificationChannel.WECHAT_CUSTOM, NotificationStatus.PENDING, now + timedelta(hours=1), None),
        (NotificationChannel.WECHAT_CUSTOM, NotificationStatus.SENT, now, NotificationChannel.WECHAT_TEMPLATE),
        (NotificationChannel.WECHAT_CUSTOM, NotificationStatus.SENT, now, NotificationChannel.WECHAT_CUSTOM),
        (NotificationChannel.CONSOLE, NotificationStatus.FAILED, now, None),
    ]
    for i, (channel, status, due, carried) in enumerate(rows):
        session.add(
            Notification(
                dedupe_key=f"metrics-test:{i}",
                channel=channel,
                kind="demand.submitted",
                status=status,
                next_attempt_at=due,
                delivered_channel=carried,
            )
        )
    session.add(Job(kind="demand.match", status=JobStatus.PENDING, run_after=now - timedelta(seconds=90)))
    session.add(Job(kind="demand.match", status=JobStatus.DONE, run_after=now))
    session.flush()

    samples = _samples(client)
    assert samples[("zhuli_database_up", ())] == 1
    assert samples[("zhuli_outbox_depth", (("channel", "console"),))] == 1
    assert samples[("zhuli_outbox_depth", (("channel", "wechat_custom"),))] == 2
    assert 590 <= samples[("zhuli_outbox_oldest_due_age_seconds", ())] < 700
    finished = "zhuli_outbox_finished"
    assert samples[(finished, (("channel", "wechat_template"), ("status", "sent")))] == 1
    assert samples[(finished, (("channel", "wechat_custom"), ("status", "sent")))] == 1
    assert samples[(finished, (("channel", "console"), ("status", "failed")))] == 1
    assert samples[("zhuli_jobs_depth", (("kind", "demand.match"),))] == 1
    assert 85 <= samples[("zhuli_jobs_oldest_due_age_seconds", ())] < 200
    assert samples[("zhuli_jobs_finished", (("kind", "demand.match"), ("status", "done")))] == 1


def test_metrics_still_answer_when_the_database_is_down(settings: object) -> None:
    from api.app import create_app
    from core.db import Database
    from core.settings import Settings

    assert isinstance(settings, Settings)
    down = Database.from_url("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    with TestClient(create_app(settings, database=down, keep_index=False)) as c:
        samples = _samples(c)
    assert samples[("zhuli_database_up", ())] == 0
    assert ("zhuli_outbox_depth", (("channel", "console"),)) not in samples
