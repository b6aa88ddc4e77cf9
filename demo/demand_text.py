"""Demand wording: colloquial WeChat messages, plain paragraphs and structured long forms."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from demo.catalog import SUBFIELDS, Industry, SubField, fill
from demo.enterprises import EnterpriseSpec, region_name, short_region_name
from models import DemandCategory

C = DemandCategory

_CONSEQUENCES = (
    "良品率一直上不去",
    "客户投诉越来越多",
    "每个月损失好几万",
    "订单都不敢多接",
    "成本比同行高一截",
    "老板天天着急",
    "出口订单被退过两次",
    "产能只能开到七成",
)
_COOPERATION = {
    C.KEY_TECHNOLOGY: ("技术咨询与现场指导", "专家驻厂服务", "委托开发", "联合攻关"),
    C.RESEARCH: ("联合攻关，成果共享", "委托开发", "产学研协同攻关"),
    C.CONSULTING: ("技术咨询", "专家论证", "调研咨询"),
    C.PLATFORM: ("共建研发平台，长期合作", "共建联合实验室", "设立专家工作站"),
    C.PROMOTION: ("技术转让与培训", "成果推广与现场指导", "技术许可"),
    C.ENTREPRENEURSHIP: ("创业辅导与技术指导", "技术入股或顾问", "孵化服务"),
}
_BACKGROUND = {
    C.KEY_TECHNOLOGY: "近年来客户对产品质量要求越来越高，{t}环节的{i}问题已成为制约企业发展的瓶颈。",
    C.RESEARCH: "{t}{i}是全行业普遍面临的共性难题，我公司作为行业骨干企业，拟联合上下游企业共同攻关。",
    C.CONSULTING: "公司计划在未来两年投资扩建生产线，在{t}的技术路线和设备选型上需要专家把关。",
    C.PLATFORM: "公司已建有市级企业技术中心，但研发力量薄弱，希望与高校院所在{n}方向建立长期稳定的合作。",
    C.PROMOTION: "了解到{m}技术在省内外已有成功应用，希望引进到本企业，用于{t}。",
    C.ENTREPRENEURSHIP: "团队由{k}名返乡青年和大学毕业生组成，创业{y}年，目前处于产品试制和市场开拓阶段。",
}
_TITLES = {
    C.KEY_TECHNOLOGY: ("{t}{i}问题求解", "解决{t}{i}问题的技术需求", "{t}{i}改进提升", "{t}{i}技术难题"),
    C.RESEARCH: ("{t}{i}关键技术攻关", "{n}共性关键技术联合攻关", "{t}{m}技术攻关"),
    C.CONSULTING: ("{t}技术路线咨询", "{n}升级改造方案论证", "{n}发展咨询"),
    C.PLATFORM: ("共建{n}联合研发中心", "{n}产学研合作平台建设", "{n}专家工作站建设"),
    C.PROMOTION: ("引进推广{m}技术", "{m}在{t}中的推广应用", "{n}新技术成果转化对接"),
    C.ENTREPRENEURSHIP: ("{p}创业项目技术指导", "{n}方向创业团队寻求技术支持与孵化", "返乡创业：{t}项目技术帮扶"),
}
_SHORT = {
    C.KEY_TECHNOLOGY: (
        "{problem}，{consequence}，有没有专家能来厂里看看？",
        "你好，我们是{county}做{p}的，{problem}。想找{n}方面的专家帮忙。",
        "{problem}！{consequence}。试了好多办法都不行，求专家指点。",
        "请问有没有懂{t}的专家？{problem}，{consequence}。",
    ),
    C.RESEARCH: ("{problem}，这是我们这行的老大难问题，想联合几家企业请专家一起攻关。",),
    C.CONSULTING: ("我们准备上新项目，{problem}，想请{n}方面的专家帮我们论证一下方案。",),
    C.PLATFORM: ("想跟大学合作建个{n}研发中心，我们出场地和经费，请学会帮忙牵线。{problem}。",),
    C.PROMOTION: ("听说{m}效果不错，我们想在{t}上试试，能不能请专家来指导？现在{problem}。",),
    C.ENTREPRENEURSHIP: (
        "我们是几个返乡创业的年轻人，在{county}做{p}，{problem}，想找专家指导一下，最好能帮我们对接孵化基地。",
    ),
}
_MEDIUM = (
    "我司主要生产{p}，目前在{t}环节遇到{i}方面的问题：{problem}。希望通过{coop}，{goal}。",
    "{ent}现有员工{staff}人，{problem}。拟与高校院所合作，{goal}，合作方式为{coop}。",
    "{background}具体情况是：{problem}。期望{goal}。",
)


@dataclass(slots=True)
class DemandText:
    title: str
    description: str
    keywords: list[str]
    budget_min: Decimal | None
    budget_max: Decimal | None
    deadline: date | None
    contact_email: str | None
    attachments: list[dict[str, Any]] = field(default_factory=list)


def budget(rng: random.Random) -> tuple[Decimal | None, Decimal | None, str]:
    """A budget in yuan and how the enterprise phrased it."""
    roll = rng.random()
    if roll < 0.3:
        return None, None, rng.choice(("经费可面议。", "预算待定，视方案而定。", ""))
    lo, hi = rng.choice(((3, 5), (5, 10), (10, 20), (10, 30), (20, 50), (30, 80), (50, 100), (100, 300)))
    if roll < 0.7:
        return Decimal(lo * 10_000), Decimal(hi * 10_000), f"项目预算{lo}–{hi}万元。"
    if roll < 0.85:
        return None, Decimal(hi * 10_000), f"预算不超过{hi}万元。"
    return Decimal(lo * 10_000), Decimal(lo * 10_000), f"费用约{lo}万元，可商议。"


def email(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.randrange(10**8, 10**10)}@qq.com"
    letters = "".join(rng.choice("abcdefghjkmnprstwxyz") for _ in range(rng.randrange(4, 8)))
    return f"{letters}{rng.randrange(1990, 2024)}@{rng.choice(('163.com', '126.com', 'sina.com'))}"


def _bigrams(text: str) -> set[str]:
    return {text[k : k + 2] for k in range(len(text) - 1)}


def closest(rng: random.Random, options: tuple[str, ...], text: str) -> str:
    """The option sharing most character pairs with ``text``; a random one when none does."""
    grams = _bigrams(text)
    scored = [(len(_bigrams(option) & grams) + 0.1 * len(set(option) & set(text)), option) for option in options]
    best = max(score for score, _ in scored)
    return rng.choice([option for score, option in scored if score == best])


def chat_title(problem: str, limit: int = 32) -> str:
    """As much of the problem's opening as reads as a title: whole, two clauses, or one."""
    clauses = problem.split("，")
    for n in range(len(clauses), 0, -1):
        title = "，".join(clauses[:n])
        if len(title) <= limit:
            return title
    return clauses[0]


def compose(
    rng: random.Random,
    enterprise: EnterpriseSpec,
    industry: Industry,
    sf: SubField,
    category: DemandCategory,
    created: date,
    *,
    with_contact_in_text: bool,
) -> DemandText:
    problems = rng.sample(sf.problems, min(2, len(sf.problems)))
    goals = rng.sample(sf.goals, min(2, len(sf.goals)))
    # Topic, issue and method are the ones the problem and goal actually talk about.
    t = closest(rng, sf.topics, problems[0] + goals[0])
    i = closest(rng, sf.issues, problems[0] + goals[0])
    m = closest(rng, sf.methods, goals[0] + problems[0])
    county = short_region_name(region_name(enterprise.region_code))
    staff = enterprise.profile.get("employees", 100)
    fmt = {
        "t": t, "i": i, "m": m, "n": sf.name, "p": enterprise.product or industry.products[0],
        "county": county, "ent": enterprise.name, "staff": staff,
        "consequence": rng.choice(_CONSEQUENCES), "problem": problems[0], "goal": goals[0],
        "coop": rng.choice(_COOPERATION[category]), "k": rng.randrange(3, 9), "y": rng.randrange(1, 4),
    }  # fmt: skip
    fmt["background"] = fill(_BACKGROUND[category], fmt)
    lo, hi, budget_sentence = budget(rng)
    deadline = None if rng.random() < 0.25 else created + timedelta(days=rng.randrange(60, 400))
    deadline_sentence = "" if deadline is None else f"希望在{deadline.year}年{deadline.month}月前完成。"
    mail = email(rng) if with_contact_in_text and rng.random() < 0.4 else None
    contact_sentence = ""
    if with_contact_in_text:
        surname, phone = enterprise.contact_name[0], enterprise.contact_phone
        contact_sentence = (
            f"资料可发邮箱{mail}。"
            if mail
            else rng.choice(
                (
                    f"联系人：{enterprise.contact_name}，电话{enterprise.contact_phone}。",
                    f"有意向的专家请打{enterprise.contact_phone}找{surname}工。",
                    f"联系电话 {phone[:3]}-{phone[3:7]}-{phone[7:]}",
                )
            )
        )

    style = rng.random()
    if style < 0.35:
        body = fill(rng.choice(_SHORT[category]), fmt)
        description = body + contact_sentence
    elif style < 0.7:
        body = fill(rng.choice(_MEDIUM), fmt)
        description = body + budget_sentence + deadline_sentence + contact_sentence
    else:
        founded = enterprise.profile.get("founded", 2010)
        output = enterprise.profile.get("annual_output_wan", 5000)
        intro = (
            f"我公司成立于{founded}年，主要从事{fmt['p']}的研发、生产和销售，现有员工{staff}人，"
            f"年产值约{output / 10000:.1f}亿元。"
            if category is not C.ENTREPRENEURSHIP
            else ""
        )
        description = (
            f"【需求背景】{intro}{fmt['background']}\n"
            f"【技术难题】{'；'.join(problems)}。\n"
            f"【技术目标】{'；'.join(goals)}。\n"
            f"【合作方式】{fmt['coop']}。{budget_sentence}{deadline_sentence}{contact_sentence}"
        )

    if style < 0.35 and category is C.KEY_TECHNOLOGY and rng.random() < 0.5:
        # What a chat bot would take as the title: the first sentence of the message.
        title = chat_title(problems[0])
    else:
        title = fill(rng.choice(_TITLES[category]), fmt)
    vocabulary = [*sf.terms, *sf.topics, *sf.issues, *sf.methods]
    keywords = [w for w in dict.fromkeys(vocabulary) if w in description or w in title][:6]
    for w in (t, i):
        if len(keywords) < 3 and w not in keywords:
            keywords.append(w)
    attachments: list[dict[str, Any]] = []
    if rng.random() < 0.12:
        name = rng.choice((f"{t}{i}检测数据.xlsx", "现场照片.jpg", "工艺流程说明.pdf", "产品样品照片.png"))
        attachments.append({"name": name, "size": rng.randrange(20_000, 3_000_000)})
    return DemandText(title, description, keywords, lo, hi, deadline, mail, attachments)


def outcome_text(rng: random.Random, subfield: str, category: DemandCategory | None) -> str:
    sf = SUBFIELDS[subfield]
    visits, topic, method, goal = (
        rng.randrange(2, 9),
        rng.choice(sf.topics),
        rng.choice(sf.methods),
        rng.choice(sf.goals),
    )
    if category is DemandCategory.CONSULTING:
        return (
            f"专家组开展{visits}次实地调研，完成《{sf.name}咨询报告》，围绕{topic}提出{rng.randrange(5, 15)}条建议，"
            "已被委托方采纳并纳入工作计划。"
        )
    if category is DemandCategory.PLATFORM:
        return (
            f"与专家团队所在单位签订共建协议，挂牌成立{sf.name}联合研发中心，"
            f"首批开展{method}等{rng.randrange(2, 5)}个合作课题，联合培养技术骨干{rng.randrange(3, 12)}名。"
        )
    if category is DemandCategory.PROMOTION:
        return (
            f"专家团队完成{method}技术的现场培训{visits}场，技术已在企业{topic}生产中推广应用，{goal}的目标基本实现。"
        )
    if category is DemandCategory.ENTREPRENEURSHIP:
        return f"专家为创业团队提供{visits}次辅导，完成{topic}产品试制，团队已入驻孵化基地并获得首批订单。"
    return f"专家团队{visits}次赴现场指导，围绕{topic}采用{method}，{goal}的目标基本实现，相关工艺已在生产中稳定应用。"
