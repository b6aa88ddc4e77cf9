"""Match latency (p50 / p95, embedding the demand included) at 1k / 10k / 100k experts.

    python -m bench.match_latency --experts 1000 10000 100000
    python -m bench.match_latency --experts 100000 --long   # enterprise-shaped demands

Every size runs in its own process. The index comes from ``var/bench/index-<n>`` (made by
``bench.index_rebuild``, or rebuilt here from the synthetic directory). Each timed call is what the
match route runs — the inputs read in a read session of their own (SQLite: no write lock), then
``rank_match`` with 20 experts and 5 societies, explanations included — with the in-process vector
cache emptied before each call, so the encoder runs every time.
Stages are timed separately on the same demands: encoder (the demand and its passages in one
batch), evidence (FAISS + BM25 + field items + fusion).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

BENCH_DIR = Path("var/bench")


def _pct(values: list[float]) -> dict[str, float]:
    ms = np.asarray(values) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1)}


def run_one(n: int, model: str, rounds: int, long: bool = False) -> dict[str, object]:
    from bench._synthetic import long_demands, peak_rss_mb, populate
    from ingestion.segment import search_tokens
    from matching import repository as repo
    from matching.documents import demand_text
    from matching.embedding import forget_recent_vectors, load_encoder
    from matching.engine import MatchingEngine
    from matching.passages import encode_demand
    from matching.schemas import MatchResult
    from matching.scoring import gather_evidence
    from matching.service import rank_match, read_match_inputs

    encoder = load_encoder(model)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    synthetic = populate(BENCH_DIR / f"experts-{n}.db", n, model_id=encoder.model_id, dim=encoder.dim)
    engine = MatchingEngine(model, BENCH_DIR / f"index-{n}", encoder=encoder)
    with synthetic.database.unit_of_work() as session:
        engine.ensure_ready(session)
    index = engine.index
    assert index is not None
    while not index.lexical_is_current:  # measure the steady state, not a BM25 refresh in the background
        time.sleep(0.5)
    demand_ids = (long_demands(synthetic) if long else synthetic.demand_ids)[:rounds]

    policy = engine.policy.with_sizes(20, 5)

    def match(demand_id: int) -> MatchResult:
        # As the HTTP route runs it (workflow.suggestions.read_match_suggestions): the inputs in a
        # short read of their own, closed before the ranking.
        with synthetic.database.read_session() as session:
            inputs = read_match_inputs(session, engine, demand_id)
        return rank_match(engine, inputs, policy=policy)

    for demand_id in demand_ids[:5]:  # warm-up: page in FAISS and BM25
        match(demand_id)
    total: list[float] = []
    for demand_id in demand_ids:
        forget_recent_vectors()  # the demand's vectors are never in the in-process cache: the encoder runs
        started = time.perf_counter()
        result = match(demand_id)
        total.append(time.perf_counter() - started)
        assert len(result.experts) == 20
    encode: list[float] = []
    evidence: list[float] = []
    with synthetic.database.unit_of_work() as session:
        records = [d for i in demand_ids if (d := repo.demand_record(session, i)) is not None]
    for record in records:
        text = demand_text(record)
        started = time.perf_counter()
        vector, passage_vectors = encode_demand(encoder.encode_queries, record, text, passages=True)  # as a match does
        encode.append(time.perf_counter() - started)
        started = time.perf_counter()
        gather_evidence(index, vector, index.vocab.lookup(search_tokens(text)), engine.weights, passage_vectors)
        evidence.append(time.perf_counter() - started)
    return {
        "experts": n,
        "demands": "long" if long else "one line",
        "works": index.counts()["works"],
        "field_items": index.item_count(),
        "match_demand": _pct(total),
        "matches_per_s": round(len(total) / sum(total), 1),  # one worker, sequential requests
        "encode_demand": _pct(encode),
        "evidence": _pct(evidence),
        "peak_rss_mb": round(peak_rss_mb()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experts", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--model", default="usem3")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument(
        "--long", action="store_true", help="enterprise-shaped demands: three paragraphs, ~520 characters"
    )
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.experts[0], args.model, args.rounds, args.long)))
        return
    for n in args.experts:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.match_latency",
                "--one",
                "--experts",
                str(n),
                "--model",
                args.model,
                "--rounds",
                str(args.rounds),
                *(["--long"] if args.long else []),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        print(out.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
