"""Match latency (p50 / p95, embedding the demand included) at 1k / 10k / 100k experts.

    python -m bench.match_latency --experts 1000 10000 100000
    python -m bench.match_latency --experts 100000 --long   # enterprise-shaped demands

Every size runs in its own process. The index comes from ``var/bench/index-<n>`` (made by
``bench.index_rebuild``, or rebuilt here from the synthetic directory). Each timed call is the
service function a request runs — ``match_demand`` with 20 experts and 5 societies, explanations
included — on a demand whose text has not been embedded before, so the encoder runs every time.
Stages are timed separately on the same demands: encoder (the demand and its passages in one
batch), evidence (FAISS + BM25 + field items + fusion).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

BENCH_DIR = Path("var/bench")
_BENCH_SUFFIXES = re.compile(r"(（\d+）)+$")
_SYNTHETIC_LINE = re.compile(r"我们厂的[^\n]*?第\d+号需求。")


def _pct(values: list[float]) -> dict[str, float]:
    ms = np.asarray(values) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1)}


def _long_description(demand_id: int, title: str, line: str, terms: list[str]) -> str:
    """An enterprise-shaped description (需求背景 / 技术难题 / 技术目标, ~520 characters) around the
    synthetic demand's own line; the same text for the same demand in every run."""
    rng = random.Random(demand_id)
    topic = title.removesuffix("问题")

    def some(k: int) -> str:
        return "、".join(rng.sample(terms, k))

    background = (
        f"需求背景：我公司是省内{some(2)}领域的制造企业，近年来产品覆盖{some(3)}等市场，"
        f"随着行业转型升级和国家创新驱动发展战略的深入实施，企业对{topic}相关技术的需求日益迫切，"
        "提升自主创新能力、推动产业高质量发展具有重要意义。"
        f"公司现有员工三百余人，其中研发人员四十余人，拥有{some(2)}等方面的授权专利和省级企业技术中心。"
    )
    problem = (
        f"技术难题：{line}目前生产中{topic}的关键工艺参数难以稳定控制，"
        f"涉及{some(4)}等环节，现有设备和检测手段无法满足要求，"
        f"产品一致性差、良品率偏低；在{some(3)}方面缺少系统的理论指导和实验数据，"
        f"具体表现为{some(2)}波动大、{some(2)}寿命短、批次之间差异明显，"
        f"企业技术团队尝试过调整{some(2)}，效果有限。"
    )
    goal = (
        f"技术目标：希望与高校和科研院所专家合作，建立{topic}的工艺模型和在线监测方法，"
        f"优化{some(3)}，使良品率提高到95%以上，能耗降低15%，形成可推广的技术规范，"
        f"并培养企业自己的技术骨干，同时在{some(2)}方面开展联合攻关和成果转化。"
    )
    return "\n".join((background, problem, goal))


def run_one(n: int, model: str, rounds: int, long: bool = False) -> dict[str, object]:
    from sqlalchemy import select, update

    from bench._synthetic import peak_rss_mb, populate
    from ingestion.segment import search_tokens, user_terms
    from matching import repository as repo
    from matching.documents import demand_text
    from matching.embedding import load_encoder
    from matching.engine import MatchingEngine
    from matching.passages import encode_demand
    from matching.scoring import gather_evidence
    from matching.service import match_demand
    from models import Demand

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
    demand_ids = synthetic.demand_ids[:rounds]

    with synthetic.database.unit_of_work() as session:
        rows = session.execute(
            select(Demand.id, Demand.title, Demand.description).where(Demand.id.in_(demand_ids))
        ).all()
        # the synthetic title, without the suffixes an earlier run left (they would lengthen every run's text)
        titles = {demand_id: _BENCH_SUFFIXES.sub("", title) for demand_id, title, _ in rows}
        # the synthetic one-line description, or an enterprise-shaped one around it (``--long``)
        terms = sorted(user_terms())
        for demand_id, _, description in rows:
            found = _SYNTHETIC_LINE.search(description)  # also inside an earlier ``--long`` run's text
            line = found.group(0) if found else description.split("\n")[0]
            if long:
                line = _long_description(demand_id, titles[demand_id], line, terms)
            session.execute(update(Demand).where(Demand.id == demand_id).values(description=line))

    def fresh_text(round_: int) -> None:
        # a new suffix per round: the demand vector is never in the in-process cache
        with synthetic.database.unit_of_work() as session:
            for demand_id, title in titles.items():
                session.execute(update(Demand).where(Demand.id == demand_id).values(title=f"{title}（{round_}）"))

    for demand_id in demand_ids[:5]:  # warm-up: page in FAISS and BM25
        with synthetic.database.unit_of_work() as session:
            match_demand(session, engine, demand_id)
    fresh_text(0)
    total: list[float] = []
    for demand_id in demand_ids:
        with synthetic.database.unit_of_work() as session:
            started = time.perf_counter()
            result = match_demand(session, engine, demand_id, top_experts=20, top_societies=5)
            total.append(time.perf_counter() - started)
            assert len(result.experts) == 20
    fresh_text(1)
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
