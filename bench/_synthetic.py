"""Synthetic directories for the benchmarks: 1k / 10k / 100k experts in a SQLite file.

Texts are composed from the shipped domain dictionary (so jieba and BM25 do real work); a fields
line lists four items of two terms and a suffix (~60k distinct items over the 300 topics, so the
field-item index is searched at a realistic size), and every text's vector — field items
included — is written straight into the embedding cache: a rebuild then goes through the real
code path (database → cache → FAISS/BM25) without encoding 400k texts with the model. Vectors are
topic centroids plus noise, L2-normalised, in the encoder's dimension.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select

from core.db import Database
from core.migrations import upgrade
from directory import credit_code
from directory.regions import sync_regions
from ingestion.segment import user_terms
from matching.documents import expert_profile_text, work_text
from matching.embedding import text_hash
from matching.items import split_fields
from matching.repository import ExpertRecord, WorkRecord
from models import (
    Demand,
    DemandCategory,
    DemandSource,
    DemandStatus,
    EmbeddingCache,
    Enterprise,
    Expert,
    ExpertWork,
    Region,
    Society,
    SocietyMembership,
)

TOPICS = 300
_ITEM_SUFFIXES = ("研究", "技术", "工艺", "系统", "方法")
SOCIETIES = 40
WORKS_PER_EXPERT = 3
DEMANDS = 200
"""One-line demands made with the directory; ``long_demands`` adds as many enterprise-shaped ones after them."""
BATCH = 5000


@dataclass(frozen=True)
class Synthetic:
    database: Database
    path: Path
    experts: int
    works: int
    demand_ids: list[int]
    seconds: float


def _topics(rng: random.Random) -> list[list[str]]:
    terms = list(user_terms())
    rng.shuffle(terms)
    size = max(8, len(terms) // TOPICS)
    return [terms[i * size : (i + 1) * size] or terms[:size] for i in range(TOPICS)]


def _phrase(rng: random.Random, topic: list[str], n: int) -> str:
    return "".join(rng.sample(topic, min(n, len(topic))))


def populate(path: Path, n_experts: int, *, model_id: str, dim: int, seed: int = 7) -> Synthetic:
    """Create (or reuse) ``path`` holding ``n_experts`` experts, their works and cached vectors."""
    started = time.perf_counter()
    url = f"sqlite:///{path}"
    reuse = path.exists()
    database = Database.from_url(url)
    if reuse:
        with database.unit_of_work() as s:
            experts = s.scalar(select(Expert.id).order_by(Expert.id.desc()).limit(1)) or 0
            demand_ids = list(s.scalars(select(Demand.id).order_by(Demand.id).limit(DEMANDS)))
            model = s.scalar(select(EmbeddingCache.model).limit(1))
        with database.unit_of_work() as s:
            fields = s.scalar(select(Expert.fields).order_by(Expert.id).limit(1)) or ""
            items = split_fields(fields)
            has_items = bool(items) and s.scalar(
                select(EmbeddingCache.text_hash).where(EmbeddingCache.text_hash == text_hash(items[0], "document"))
            )
        if not has_items:
            raise SystemExit(f"{path} was made before field items (matching/items.py); delete it first")
        if experts == n_experts and model == model_id:
            return Synthetic(database, path, n_experts, n_experts * WORKS_PER_EXPERT, demand_ids, 0.0)
        raise SystemExit(f"{path} holds another directory; delete it first")
    upgrade(database.engine)
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    topics = _topics(rng)
    centroids = nrng.standard_normal((TOPICS, dim)).astype(np.float32)
    with database.unit_of_work() as s:
        sync_regions(s)
        regions = [c for c in s.scalars(select(Region.code)) if not c.endswith("00")]
        s.execute(
            insert(Society),
            [
                {"code": f"SOC{i:03d}", "name": f"福建省合成学会{i}", "description": _phrase(rng, topics[i], 6)}
                for i in range(SOCIETIES)
            ],
        )
        society_ids = list(s.scalars(select(Society.id)))
        enterprise = Enterprise(
            name="基准测试企业有限公司", credit_code=credit_code.generate("350582", 55_000_001), region_code="350582"
        )
        s.add(enterprise)
        s.flush()
        work_id = 0
        cached: set[str] = set()  # composed texts can repeat; a text has one cache row
        for start in range(0, n_experts, BATCH):
            experts, works, members, cache = [], [], [], {}
            for i in range(start, min(n_experts, start + BATCH)):
                t = rng.randrange(TOPICS)
                fields = "；".join(_phrase(rng, topics[t], 2) + rng.choice(_ITEM_SUFFIXES) for _ in range(4))
                record_works = []
                for _ in range(WORKS_PER_EXPERT):
                    work_id += 1
                    title = _phrase(rng, topics[t], 3) + rng.choice(("研究", "关键技术", "优化方法", "应用"))
                    keywords = tuple(rng.sample(topics[t], min(3, len(topics[t]))))
                    abstract = "，".join(_phrase(rng, topics[t], 2) for _ in range(6))
                    record_works.append(WorkRecord(work_id, title, keywords, abstract, 2020, "paper"))
                    works.append(
                        {
                            "id": work_id,
                            "expert_id": i + 1,
                            "title": title,
                            "keywords": list(keywords),
                            "abstract": abstract,
                        }
                    )
                experts.append(
                    {
                        "id": i + 1,
                        "code": f"X{i:07d}",
                        "name": f"专家{i}",
                        "employer": f"合成大学{i % 97}",
                        "fields": fields,
                        "region_code": rng.choice(regions),
                        "capacity": 3,
                    }
                )
                members.append({"expert_id": i + 1, "society_id": society_ids[t % SOCIETIES]})
                record = ExpertRecord(i + 1, True, fields, "", "", tuple(record_works))
                texts = [expert_profile_text(record), *(work_text(w) for w in record_works), *split_fields(fields)]
                for text in texts:
                    h = text_hash(text, "document")
                    if h in cached:
                        continue
                    cached.add(h)
                    v = centroids[t] + 0.9 * nrng.standard_normal(dim).astype(np.float32)
                    cache[h] = (v / np.linalg.norm(v)).astype("<f4")
            s.execute(insert(Expert), experts)
            s.execute(insert(ExpertWork), works)
            s.execute(insert(SocietyMembership), members)
            s.execute(
                insert(EmbeddingCache),
                [{"model": model_id, "text_hash": h, "dim": dim, "vector": v.tobytes()} for h, v in cache.items()],
            )
        demands = []
        for j in range(DEMANDS):
            t = rng.randrange(TOPICS)
            demands.append(
                {
                    "enterprise_id": enterprise.id,
                    "region_code": rng.choice(regions),
                    "title": _phrase(rng, topics[t], 2) + "问题",
                    "description": f"我们厂的{_phrase(rng, topics[t], 2)}老是不稳定，{_phrase(rng, topics[t], 3)}"
                    f"方面希望请专家指导，第{j}号需求。",
                    "keywords": [],
                    "category": DemandCategory.KEY_TECHNOLOGY,
                    "status": DemandStatus.SUBMITTED,
                    "source": DemandSource.CONSOLE,
                }
            )
        s.execute(insert(Demand), demands)
        demand_ids = list(s.scalars(select(Demand.id).order_by(Demand.id)))
    return Synthetic(database, path, n_experts, n_experts * WORKS_PER_EXPERT, demand_ids, time.perf_counter() - started)


def _long_description(demand_id: int, title: str, line: str, terms: list[str]) -> str:
    """An enterprise-shaped description (需求背景 / 技术难题 / 技术目标, ~520 characters) around a one-line
    demand's own line; the same text for the same demand every time."""
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


def long_demands(synthetic: Synthetic) -> list[int]:
    """Ids of the enterprise-shaped twins of the one-line demands (three paragraphs each), added on
    first use; the one-line demands stay as they are."""
    with synthetic.database.unit_of_work() as s:
        ids = list(s.scalars(select(Demand.id).order_by(Demand.id)))
        if len(ids) < 2 * DEMANDS:
            terms = sorted(user_terms())
            originals = s.scalars(select(Demand).where(Demand.id.in_(synthetic.demand_ids)).order_by(Demand.id))
            s.execute(
                insert(Demand),
                [
                    {
                        "enterprise_id": d.enterprise_id,
                        "region_code": d.region_code,
                        "title": d.title,
                        "description": _long_description(d.id, d.title, d.description, terms),
                        "keywords": [],
                        "category": d.category,
                        "status": d.status,
                        "source": d.source,
                    }
                    for d in originals
                ],
            )
            ids = list(s.scalars(select(Demand.id).order_by(Demand.id)))
    return ids[DEMANDS : 2 * DEMANDS]


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
