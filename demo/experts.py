"""Experts composed from the catalog: each has a primary sub-field that shapes fields, works and bio."""

from __future__ import annotations

import random
from dataclasses import dataclass

from demo.catalog import INDUSTRIES, Industry, SubField, fill, join
from demo.enterprises import EnterpriseSpec, region_name
from demo.people import (
    EMPLOYER_REGIONS,
    EmployerKind,
    employer_kind,
    mobile,
    person_name,
    pick_title,
    weighted,
)
from directory.profiles import ExpertIn, WorkIn
from models import WorkKind

BASE_EXPERTS_PER_SUBFIELD = 4
ENTERPRISE_ENGINEER_SHARE = 0.08


@dataclass(frozen=True, slots=True)
class ExpertPlan:
    data: ExpertIn
    subfield: str
    industry: str
    employer_kind: EmployerKind
    positions: tuple[tuple[str, str], ...]
    """(society code, position) where the expert holds more than an ordinary membership."""


_PAPER_TITLES = (
    "{t}{i}的{m}研究",
    "基于{m}的{t}{i}分析",
    "{m}在{t}中的应用",
    "{t}{i}影响因素及调控研究",
    "{t}{i}评价方法研究",
    "{m}改善{t}{i}的试验研究",
)
_PATENT_TITLES = ("一种{t}的{m}方法", "一种用于{t}的{m}装置", "一种提高{t}{i}的方法", "一种{t}{i}检测系统")
_PROJECT_TITLES = ("{t}{i}关键技术研究与示范", "{t}{m}技术集成与产业化", "{t}{i}提升关键技术研发")
_AWARD_TITLES = ("{t}{m}关键技术及产业化应用", "{n}关键技术创新与推广")
_STANDARD_TITLES = ("团体标准《{t}{i}检测方法》", "团体标准《{t}技术规程》", "福建省地方标准《{t}{m}技术规范》")
_FUNDERS = (
    "国家自然科学基金面上项目",
    "国家自然科学基金青年科学基金项目",
    "国家重点研发计划课题",
    "福建省科技重大专项",
    "福建省自然科学基金项目",
    "福建省科技计划引导性项目",
    "福建省区域发展项目",
    "企业委托横向课题",
)
_KIND_WEIGHTS = ((WorkKind.PAPER, 48), (WorkKind.PATENT, 22), (WorkKind.PROJECT, 18),
                 (WorkKind.STANDARD, 6), (WorkKind.AWARD, 6))  # fmt: skip
_ROLES: dict[str, tuple[str, ...]] = {
    "教授": ("", "博士生导师，", "学科带头人，", "副院长，", "研究所所长，"),
    "研究员": ("", "博士生导师，", "学科带头人，", "研究室主任，", "副所长，"),
    "副教授": ("", "硕士生导师，", "课题组长，"),
    "副研究员": ("", "硕士生导师，", "课题组长，", "研究室副主任，"),
}
_POSITIONS = (("理事", 60), ("常务理事", 22), ("专委会主任", 12), ("副理事长", 6))


def _work(rng: random.Random, sf: SubField, industry: Industry, kind: WorkKind, title: str | None) -> WorkIn:
    t, i, m = rng.choice(sf.topics), rng.choice(sf.issues), rng.choice(sf.methods)
    fmt: dict[str, object] = {"t": t, "i": i, "m": m, "n": sf.name}
    templates = {
        WorkKind.PAPER: _PAPER_TITLES,
        WorkKind.PATENT: _PATENT_TITLES,
        WorkKind.PROJECT: _PROJECT_TITLES,
        WorkKind.AWARD: _AWARD_TITLES,
        WorkKind.STANDARD: _STANDARD_TITLES,
    }[kind]
    if title is None:
        title = fill(rng.choice(templates), fmt)
    year = rng.randrange(2010, 2027)
    t1, t2 = rng.sample(sf.terms, 2)
    pct = rng.randrange(8, 46)
    abstract = {
        WorkKind.PAPER: f"针对{t}生产中{i}不稳定的问题，采用{m}开展研究，明确了{t1}、{t2}的关键影响，"
        f"优化后相关指标提升{pct}%，为{industry.label}企业的工艺改进提供了依据。",
        WorkKind.PATENT: f"本发明公开了一种{t}相关的技术方案，通过{m}，解决了{i}难以控制的问题，"
        "结构简单、成本低，便于在中小企业推广。",
        WorkKind.PROJECT: f"{rng.choice(_FUNDERS)}。围绕{join(t, i)}开展{m}研究，"
        f"在福建{rng.randrange(2, 12)}家企业示范应用，形成{t1}成套技术。",
        WorkKind.AWARD: f"成果在省内{rng.randrange(10, 80)}家{industry.label}企业推广应用，"
        f"获{year}年度福建省科学技术进步奖{rng.choice(('一等奖', '二等奖', '三等奖'))}。",
        WorkKind.STANDARD: f"规定了{t}的{i}要求、试验方法与判定规则，适用于{industry.label}企业的生产与质量控制。",
    }[kind]
    keywords = list(dict.fromkeys([t, i, m, t1]))
    return WorkIn(kind=kind, title=title, keywords=keywords, abstract=abstract, year=year)


def _bio(rng: random.Random, name: str, title: str, employer: str, department: str, kind: EmployerKind,
         sf: SubField, terms: list[str], industry: Industry, counties: list[str]) -> str:  # fmt: skip
    unit = employer + department
    t1, t2 = terms[0], terms[1]
    if kind is EmployerKind.ENTERPRISE:
        years = rng.randrange(6, 26)
        return (
            f"{name}，{title}，在{unit}从事{sf.name}相关技术工作{years}年，负责{t1}、{t2}等工艺开发"
            f"与现场问题解决，熟悉{industry.label}企业生产实际，主持企业技术改造项目{rng.randrange(3, 15)}项。"
        )
    role = rng.choice(_ROLES.get(title, ("",)))
    variant = rng.randrange(3)
    if variant == 0:
        return (
            f"{name}，{title}，{role}现任职于{unit}。长期从事{sf.name}研究，重点方向为{t1}和{t2}。"
            f"主持各级科研项目{rng.randrange(4, 25)}项，发表论文{rng.randrange(15, 120)}篇，"
            f"授权发明专利{rng.randrange(2, 30)}项。"
        )
    if variant == 1:
        county = rng.choice(counties)
        return (
            f"{name}，{unit}{title}，{role}围绕{t1}开展应用基础研究和技术推广，"
            f"多次赴{county}等地开展科技服务，累计指导企业{rng.randrange(5, 60)}家，"
            f"熟悉{t2}等生产一线问题。"
        )
    return (
        f"{name}，{title}，{role}{unit}。研究方向：{sf.name}（{t1}、{t2}）。"
        f"近五年作为负责人完成横向合作项目{rng.randrange(3, 20)}项，"
        f"多项成果在{industry.label}行业转化应用。"
    )


def generate_experts(rng: random.Random, enterprises: list[EnterpriseSpec]) -> list[ExpertPlan]:
    """About 4–5 experts per sub-field; no two share both name, or fields and works."""
    plans: list[ExpertPlan] = []
    used_names: set[str] = set()
    used_titles: set[str] = set()
    signatures: set[tuple[str, tuple[str, ...]]] = set()
    serial = 0
    for industry in INDUSTRIES:
        firms = [e for e in enterprises if e.industry_key == industry.key and not e.is_government]
        county_names = sorted({region_name(e.region_code) for e in firms})
        for index, sf in enumerate(industry.subfields):
            handwritten = list(sf.titles)
            count = BASE_EXPERTS_PER_SUBFIELD + (1 if index % 3 == 0 else 0)
            for n in range(count):
                serial += 1
                plan = _expert(rng, serial, industry, sf, n, firms, county_names, handwritten,
                               used_names, used_titles, signatures)  # fmt: skip
                plans.append(plan)
    return plans


def _expert(
    rng: random.Random,
    serial: int,
    industry: Industry,
    sf: SubField,
    n: int,
    firms: list[EnterpriseSpec],
    counties: list[str],
    handwritten: list[str],
    used_names: set[str],
    used_titles: set[str],
    signatures: set[tuple[str, tuple[str, ...]]],
) -> ExpertPlan:
    name = person_name(rng)
    while name in used_names:
        name = person_name(rng)
    used_names.add(name)

    # The first expert of a sub-field is always an academic; later ones may be enterprise engineers,
    # some at the very demo enterprises that raise demands (conflict-of-interest filtering needs them).
    if n > 0 and firms and rng.random() < ENTERPRISE_ENGINEER_SHARE:
        firm = rng.choice(firms)
        employer, department = firm.name, rng.choice(("技术研发中心", "技术部", "质量部", "生产技术部"))
        region: str | None = firm.region_code
        kind = EmployerKind.ENTERPRISE
    else:
        employer, department = industry.employers[(serial + n) % len(industry.employers)]
        if n > 0 and rng.random() < 0.5:
            employer, department = rng.choice(industry.employers)
        region = EMPLOYER_REGIONS[employer]
        kind = employer_kind(employer)
    title = pick_title(rng, kind)

    siblings = [s for s in industry.subfields if s.key != sf.key]
    while True:
        terms = rng.sample(sf.terms, rng.randrange(3, 5))
        if rng.random() < 0.35:
            terms.append(rng.choice(rng.choice(siblings).terms))
        fields = "；".join(terms)
        works = []
        for _ in range(rng.choices((2, 3, 4, 5, 6, 7, 8), weights=(8, 16, 22, 20, 16, 10, 8))[0]):
            kind_of_work = weighted(rng, _KIND_WEIGHTS)
            fixed = handwritten.pop(0) if handwritten and kind_of_work is WorkKind.PAPER else None
            work = _work(rng, sf, industry, kind_of_work, fixed)
            if work.title in used_titles:
                continue
            used_titles.add(work.title)
            works.append(work)
        signature = (fields, tuple(w.title for w in works))
        if len(works) >= 2 and signature not in signatures:
            signatures.add(signature)
            break

    societies = list(dict.fromkeys(sf.societies + industry.societies))
    extra = rng.choices((0, 1, 2), weights=(45, 40, 15))[0]
    society_codes = [societies[0], *rng.sample(societies[1:4], min(extra, len(societies[1:4])))]
    positions: tuple[tuple[str, str], ...] = ()
    if rng.random() < 0.18:
        positions = ((society_codes[0], weighted(rng, _POSITIONS)),)

    capacity = rng.choices((0, 1, 2, 3, 4, 5), weights=(2, 4, 24, 36, 24, 10))[0]
    data = ExpertIn(
        code=f"DEMO-EXP-{serial:04d}",
        name=name,
        title=title,
        employer=employer,
        department=department,
        fields=fields,
        bio=_bio(rng, name, title, employer, department, kind, sf, terms, industry, counties or ["福州"]),
        region_code=region,
        capacity=capacity,
        phone=mobile(rng) if rng.random() < 0.4 else None,
        is_active=rng.random() >= 0.03,
        society_codes=society_codes,
        works=sorted(works, key=lambda w: -(w.year or 0)),
    )
    return ExpertPlan(data=data, subfield=sf.key, industry=industry.label, employer_kind=kind, positions=positions)
