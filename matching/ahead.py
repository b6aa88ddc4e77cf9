"""The demand's vectors, encoded on a worker thread while the rest of the match goes on.

The encoder is the largest single step of a match at 100k experts, and the steps after reading the
demand — the other reads, segmenting, the BM25 evidence — need no vector. :func:`start` hands the
encoding to a small pool as soon as the demand is read; the dense half of the evidence waits for it
(:func:`matching.scoring.collect_evidence`). The bundled encoder does its work in numpy, whose
matrix products release the GIL, so on two cores the two halves overlap (``bench/match_latency.py``).
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from matching.documents import demand_text
from matching.embedding import embed_texts
from matching.engine import MatchingEngine
from matching.passages import encode_demand
from matching.repository import DemandRecord

DemandVectors = tuple[np.ndarray, np.ndarray | None]
"""The demand's whole-text vector and its passages' (``None`` when passages are off)."""

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _encoders() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="demand-encoder")
        return _pool


def encode_now(engine: MatchingEngine, demand: DemandRecord) -> DemandVectors:
    """The demand's vectors, encoded on this thread (demands are not kept in the database cache:
    a row per match would cost more than it saves; the in-process LRU serves repeats)."""
    return encode_demand(
        lambda texts: embed_texts(None, engine.encoder, texts, "query"),
        demand,
        demand_text(demand),
        passages=engine.weights.dense_passages > 0,
    )


def start(engine: MatchingEngine, demand: DemandRecord) -> Future[DemandVectors]:
    """Begin encoding the demand on the pool; ``result()`` gives its vectors (or the encoder's error)."""
    return _encoders().submit(encode_now, engine, demand)
