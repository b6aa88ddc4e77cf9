"""Process-wide match figures on prometheus-client's default registry (served by ``/metrics``)."""

from __future__ import annotations

from prometheus_client import Histogram

MATCH_SECONDS = Histogram(
    "zhuli_match_seconds",
    "Time to rank one demand against the index (encoder, FAISS, BM25, fusion, explanations).",
    buckets=(0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0),
)
