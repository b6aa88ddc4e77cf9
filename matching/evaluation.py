"""Offline evaluation of the matcher on a labelled file (format: ../shared/eval/README.md).

The file is loaded into a throw-away SQLite database through the directory's real profile writers
(``upsert_society`` / ``upsert_experts``), the engine builds its index from that database exactly as
in production, and every demand goes through :func:`matching.service.match_demand`. Two baselines
are computed in the same run:

- ``bm25``  — jieba ``lcut_for_search`` tokens, bm25s with default parameters, one document per
  expert (fields + every work's title, keywords and abstract); query = title + keywords + description.
- ``dense`` — the embedding model alone: cosine between the demand and each expert's profile vector.

Metrics (per demand, then averaged): Recall@10, Recall@50, nDCG@10 (binary gain, ideal DCG over
min(10, |gold|)), MRR (first gold item within the top 1000).
"""

from __future__ import annotations

import json
import math
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
from sqlalchemy import select

from core.db import Database
from core.migrations import upgrade
from directory import credit_code
from directory.profiles import ExpertIn, SocietyIn, WorkIn, society_ids_by_code, upsert_experts, upsert_society
from directory.regions import PROVINCE_CODE, sync_regions
from ingestion.segment import search_tokens
from matching.embedding import Encoder, embed_texts
from matching.engine import MatchingEngine
from matching.scoring import FusionWeights
from matching.service import match_demand
from models import Demand, DemandCategory, DemandSource, DemandStatus, Enterprise, Expert, Region, Society

MRR_DEPTH = 1000
RANKINGS_DEPTH = 100
"""Expert ids per demand and method written by ``zhuli eval --rankings``."""
LOAD_BATCH = 200


def recall_at(ranked: Sequence[str], gold: set[str], k: int) -> float:
    return len(gold.intersection(ranked[:k])) / len(gold) if gold else 0.0


def ndcg_at(ranked: Sequence[str], gold: set[str], k: int = 10) -> float:
    if not gold:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 2) for i, item in enumerate(ranked[:k]) if item in gold)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(gold))))
    return dcg / ideal


def reciprocal_rank(ranked: Sequence[str], gold: set[str], depth: int = MRR_DEPTH) -> float:
    for i, item in enumerate(ranked[:depth]):
        if item in gold:
            return 1.0 / (i + 1)
    return 0.0


def metrics(rankings: Sequence[Sequence[str]], golds: Sequence[set[str]]) -> dict[str, float]:
    """Averages over the queries that have at least one gold item."""
    pairs = [(r, g) for r, g in zip(rankings, golds, strict=True) if g]
    n = len(pairs)
    if n == 0:
        return {"recall@10": 0.0, "recall@50": 0.0, "ndcg@10": 0.0, "mrr": 0.0}
    return {
        "recall@10": round(sum(recall_at(r, g, 10) for r, g in pairs) / n, 4),
        "recall@50": round(sum(recall_at(r, g, 50) for r, g in pairs) / n, 4),
        "ndcg@10": round(sum(ndcg_at(r, g) for r, g in pairs) / n, 4),
        "mrr": round(sum(reciprocal_rank(r, g) for r, g in pairs) / n, 4),
    }


def judged_experts(demand: dict[str, Any]) -> set[str] | None:
    """Experts an assessor looked at for this demand, or ``None`` when the file has no judgments."""
    graded, zero = demand.get("graded"), demand.get("judged_zero")
    if not graded and not zero:
        return None
    return {str(x) for x in [*(graded or {}), *(zero or []), *(demand.get("relevant_experts") or [])]}


def condensed(rankings: Sequence[Sequence[str]], demands: Sequence[dict[str, Any]]) -> list[list[str]] | None:
    """Rankings without the experts never judged for their demand (``None`` if nothing is judged).

    A method that surfaces experts outside the assessed pool is scored on what was assessed, so the
    pool (built from other methods' top lists) does not decide the comparison.
    """
    pools = [judged_experts(d) for d in demands]
    if all(p is None for p in pools):
        return None
    return [list(r) if p is None else [x for x in r if x in p] for r, p in zip(rankings, pools, strict=True)]


@dataclass
class EvalSet:
    experts: list[dict[str, Any]]
    societies: list[dict[str, Any]]
    demands: list[dict[str, Any]]

    @property
    def has_societies(self) -> bool:
        return bool(self.societies) and any(d.get("relevant_societies") for d in self.demands)


def read_eval_file(path: Path, *, fold: tuple[int, int] | None = None) -> EvalSet:
    """Parse the file; ``fold=(k, n)`` keeps the demands at positions ≡ k (mod n)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    demands = list(data.get("demands") or [])
    if fold is not None:
        k, n = fold
        demands = [d for i, d in enumerate(demands) if i % n == k]
    return EvalSet(list(data.get("experts") or []), list(data.get("societies") or []), demands)


def _text(value: Any) -> str:
    return str(value or "").strip()


@dataclass
class LoadedStore:
    database: Database
    expert_code: dict[int, str] = field(default_factory=dict)
    society_code: dict[int, str] = field(default_factory=dict)
    demand_ids: list[int] = field(default_factory=list)


def load_store(eval_set: EvalSet, url: str) -> LoadedStore:
    """Create a fresh database at ``url`` and fill it with the file's experts, societies and demands."""
    database = Database.from_url(url)
    upgrade(database.engine)
    store = LoadedStore(database)
    with database.unit_of_work() as session:
        sync_regions(session)
        regions = set(session.scalars(select(Region.code)))
        used: set[str] = set()
        for s in eval_set.societies:
            name = (_text(s.get("name")) or f"学会{s['id']}")[:120]
            if name in used:  # society names are unique in the directory
                name = f"{name}（{s['id']}）"[:128]
            used.add(name)
            upsert_society(
                session, SocietyIn(code=str(s["id"])[:32], name=name, description=_text(s.get("description")))
            )
        society_ids = society_ids_by_code(session)
        batch: list[ExpertIn] = []
        for e in eval_set.experts:
            region = _text(e.get("region"))
            works = [
                WorkIn(
                    title=_text(w.get("title"))[:512] or "（无题）",
                    keywords=[str(k) for k in w.get("keywords") or []],
                    abstract=_text(w.get("abstract")),
                )
                for w in e.get("works") or []
            ]
            batch.append(
                ExpertIn(
                    code=str(e["id"])[:64],
                    name=(_text(e.get("name")) or str(e["id"]))[:64],
                    fields=_text(e.get("fields")),
                    region_code=region if region in regions else None,
                    society_codes=[str(c)[:32] for c in e.get("societies") or [] if str(c)[:32] in society_ids],
                    works=works,
                )
            )
            if len(batch) == LOAD_BATCH:
                upsert_experts(session, batch, society_ids=society_ids, region_codes=regions)
                batch = []
        if batch:
            upsert_experts(session, batch, society_ids=society_ids, region_codes=regions)
        enterprise = Enterprise(
            name="评测用虚拟企业",
            credit_code=credit_code.generate("350100", 99_000_001),
            region_code="350100",
        )
        session.add(enterprise)
        session.flush()
        for d in eval_set.demands:
            region = _text(d.get("region"))
            demand = Demand(
                enterprise_id=enterprise.id,
                region_code=region if region in regions else PROVINCE_CODE,
                title=(_text(d.get("title")) or "（无题）")[:200],
                description=_text(d.get("description")),
                keywords=[str(k) for k in d.get("keywords") or []],
                category=DemandCategory.KEY_TECHNOLOGY,
                status=DemandStatus.SUBMITTED,
                source=DemandSource.IMPORT,
            )
            session.add(demand)
            session.flush()
            store.demand_ids.append(demand.id)
        store.expert_code = dict(session.execute(select(Expert.id, Expert.code)).all())
        store.society_code = dict(session.execute(select(Society.id, Society.code)).all())
    return store


def _demand_query(d: dict[str, Any]) -> str:
    return "\n".join(
        [_text(d.get("title")), " ".join(str(k) for k in d.get("keywords") or []), _text(d.get("description"))]
    )


def bm25_baseline(eval_set: EvalSet) -> list[list[str]]:
    """Whole-profile BM25 with bm25s defaults, as the issue defines the reference."""
    ids = [str(e["id"]) for e in eval_set.experts]
    docs = []
    for e in eval_set.experts:
        parts = [_text(e.get("fields"))]
        for w in e.get("works") or []:
            parts += [
                _text(w.get("title")),
                " ".join(str(k) for k in w.get("keywords") or []),
                _text(w.get("abstract")),
            ]
        docs.append(search_tokens("\n".join(parts)))
    retriever = bm25s.BM25()
    retriever.index(docs, show_progress=False)
    rankings = []
    for d in eval_set.demands:
        tokens = [t for t in search_tokens(_demand_query(d)) if t in retriever.vocab_dict]
        scores = retriever.get_scores(tokens) if tokens else np.zeros(len(ids), dtype=np.float32)
        order = np.argsort(-scores, kind="stable")[:MRR_DEPTH]
        rankings.append([ids[i] for i in order])
    return rankings


def dense_baseline(engine: MatchingEngine, store: LoadedStore, encoder: Encoder) -> list[list[str]]:
    """Cosine between the demand vector and the expert profile vectors (the experts FAISS index)."""
    index = engine.index
    assert index is not None
    rankings = []
    with store.database.unit_of_work() as session:
        demands = {d.id: d for d in session.scalars(select(Demand).where(Demand.id.in_(store.demand_ids)))}
        texts = [
            "\n".join([demands[i].title, "；".join(demands[i].keywords), demands[i].description])
            for i in store.demand_ids
        ]
        vectors = embed_texts(session, encoder, texts, "query")
    ids = index.search_experts(vectors, min(MRR_DEPTH, index.counts()["experts"]))
    for row in ids:
        rankings.append([store.expert_code[int(i)] for i in row if i >= 0])
    return rankings


def run_evaluation(
    path: Path,
    *,
    model_name: str,
    weights: FusionWeights | None = None,
    fold: tuple[int, int] | None = None,
    workdir: Path | None = None,
    rankings_out: Path | None = None,
) -> dict[str, Any]:
    """Evaluate the real matcher and both baselines on ``path``; returns the JSON-ready report.

    ``condensed`` holds the same metrics over rankings reduced to judged experts when the file has
    judgments (``graded`` / ``judged_zero``); ``rankings_out`` receives each demand's top
    :data:`RANKINGS_DEPTH` expert ids per method, so anyone can inspect and extend the judgments.
    """
    started = time.perf_counter()
    eval_set = read_eval_file(path, fold=fold)
    with tempfile.TemporaryDirectory(prefix="zhuli-eval-", dir=workdir) as tmp:
        store = load_store(eval_set, f"sqlite:///{Path(tmp) / 'eval.db'}")
        engine = MatchingEngine(model_name, None, weights=weights)
        with store.database.unit_of_work() as session:
            engine.ensure_ready(session)
        golds = [{str(x) for x in d.get("relevant_experts") or []} for d in eval_set.demands]
        society_golds = [{str(x) for x in d.get("relevant_societies") or []} for d in eval_set.demands]
        expert_rankings: list[list[str]] = []
        society_rankings: list[list[str]] = []
        n_societies = len(eval_set.societies) if eval_set.has_societies else 0
        for demand_id in store.demand_ids:
            with store.database.unit_of_work() as session:
                result = match_demand(
                    session, engine, demand_id, top_experts=MRR_DEPTH, top_societies=n_societies, explain=False
                )
            expert_rankings.append([store.expert_code[m.expert_id] for m in result.experts])
            society_rankings.append([store.society_code[m.society_id] for m in result.societies])
        dense = dense_baseline(engine, store, engine.encoder)
        store.database.dispose()
    bm25 = bm25_baseline(eval_set)
    methods = {"matcher": expert_rankings, "bm25": bm25, "dense": dense}
    reduced = {name: condensed(r, eval_set.demands) for name, r in methods.items()}
    if rankings_out is not None:
        write_rankings(rankings_out, eval_set, methods, model_id=engine.encoder.model_id)
    return {
        "experts": metrics(expert_rankings, golds),
        "societies": metrics(society_rankings, society_golds) if n_societies else None,
        "baselines": {"bm25": metrics(bm25, golds), "dense": metrics(dense, golds)},
        "condensed": (
            {name: metrics(r, golds) for name, r in reduced.items() if r is not None}
            if reduced["matcher"] is not None
            else None
        ),
        "n_demands": len(eval_set.demands),
        "seconds": round(time.perf_counter() - started, 1),
        "model": engine.encoder.model_id,
    }


def write_rankings(path: Path, eval_set: EvalSet, methods: dict[str, list[list[str]]], *, model_id: str) -> None:
    """One entry per demand: its id and the top :data:`RANKINGS_DEPTH` expert ids of every method."""
    demands = [
        {"id": str(d.get("id", i)), **{name: r[i][:RANKINGS_DEPTH] for name, r in methods.items()}}
        for i, d in enumerate(eval_set.demands)
    ]
    body = {"model": model_id, "depth": RANKINGS_DEPTH, "methods": list(methods), "demands": demands}
    Path(path).write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
