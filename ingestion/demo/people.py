"""Names, titles and employers: the people side of the demo data."""

from __future__ import annotations

import enum
import random
from collections.abc import Sequence
from typing import TypeVar

from ingestion.demo.catalog.base import split

# Surnames weighted roughly by their frequency in Fujian (陈 and 林 lead by far).
SURNAMES: tuple[tuple[str, int], ...] = (
    ("陈", 14), ("林", 12), ("黄", 8), ("张", 6), ("吴", 6), ("王", 5), ("李", 5), ("郑", 5),
    ("刘", 4), ("杨", 3), ("蔡", 3), ("许", 3), ("叶", 3), ("洪", 2), ("曾", 2), ("苏", 2),
    ("庄", 2), ("周", 2), ("徐", 2), ("谢", 2), ("方", 2), ("郭", 2), ("邱", 2), ("游", 1),
    ("魏", 1), ("何", 1), ("卢", 1), ("江", 1), ("詹", 1), ("朱", 1), ("罗", 1), ("高", 1),
    ("柯", 1), ("傅", 1), ("余", 1), ("潘", 1), ("彭", 1), ("施", 1), ("范", 1), ("肖", 1),
    ("颜", 1), ("卓", 1), ("连", 1), ("欧阳", 1), ("薛", 1), ("姚", 1), ("程", 1), ("赖", 1),
    ("官", 1), ("戴", 1), ("阮", 1), ("温", 1), ("丁", 1), ("池", 1),
)  # fmt: skip

GIVEN_CHARS = split(
    "志；建；国；明；伟；文；华；俊；晓；海；振；永；清；德；丽；秀；美；玉；婷；雅；"
    "燕；芳；宏；荣；锦；辉；鸿；鹏；峰；斌；毅；杰；涛；凯；立；新；思；嘉；宇；翔；"
    "航；琳；静；慧；敏；颖；蓉；晶；欣；怡；泽；霖；炜；彬；铭；昊；睿；博；源；润；"
    "东；春；秋；冬；梅；兰；桂；瑞；祥；福；金；银；水；山；川；林；森；松；青；云；"
    "天；长；成；良；忠；勇；诚；信；仁；义；礼；智；强；力；达；通；星；晨；阳；光；"
    "平；安；和；宁；靖；远；帆；舟；榕；闽；彦；哲；尧；舜；轩；琦；璐；茜；蕾；岚"
)

# Given names used as whole, the way many Fujianese names are built (辈分字 + one character).
TWO_CHAR_GIVEN = split(
    "志强；建华；国平；明辉；文杰；晓燕；海峰；振宇；永福；清华；丽娟；秀英；玉兰；雅婷；"
    "锦荣；鸿飞；立新；思远；嘉欣；宇航；静怡；慧敏；晶晶；泽宇；铭轩；昊天；睿哲；博文；"
    "春生；秋萍；冬梅；瑞祥；金水；长青；成龙；良才；忠诚；达明；晨曦；阳光；安宁；远航；"
    "榕生；闽生；彦斌；哲明；舒婷；碧霞；惠珍；美玲；淑芬；素琴；丽华；少华；荣华；振华；"
    "晓东；晓峰；晓辉；晓明；晓红；海燕；海涛；建平；建国；建新；建明；建伟；国华；国强；"
    "文斌；文华；文清；志明；志勇；志坚；志华；伟明；伟民；伟强；俊杰；俊峰；俊辉；丽萍"
)


T = TypeVar("T")


def weighted(rng: random.Random, pairs: Sequence[tuple[T, int]]) -> T:
    """One value drawn from (value, weight) pairs."""
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


def person_name(rng: random.Random) -> str:
    surname = weighted(rng, SURNAMES)
    roll = rng.random()
    if roll < 0.45:
        given = rng.choice(TWO_CHAR_GIVEN)
    elif roll < 0.85:
        given = rng.choice(GIVEN_CHARS) + rng.choice(GIVEN_CHARS)
    else:
        given = rng.choice(GIVEN_CHARS)
    return surname + given


def mobile(rng: random.Random) -> str:
    prefix = rng.choice(("133", "135", "136", "137", "138", "139", "150", "151", "158", "159", "180",
                         "186", "187", "188", "189", "177", "199"))  # fmt: skip
    return prefix + f"{rng.randrange(10**8):08d}"


# Telephone area codes by the first four digits of a region code (the city).
AREA_CODES = {"3501": "0591", "3502": "0592", "3503": "0594", "3504": "0598", "3505": "0595",
              "3506": "0596", "3507": "0599", "3508": "0597", "3509": "0593"}  # fmt: skip


def area_code(region_code: str) -> str:
    return AREA_CODES.get(region_code[:4], "0591")


def office_phone(rng: random.Random, area: str = "0591") -> str:
    return f"{area}-{rng.randrange(2, 9)}{rng.randrange(10**6, 10**7):07d}"[:13]


class EmployerKind(enum.StrEnum):
    UNIVERSITY = "university"
    INSTITUTE = "institute"
    ENTERPRISE = "enterprise"


def employer_kind(employer: str) -> EmployerKind:
    if employer.endswith(("公司", "分公司")):
        return EmployerKind.ENTERPRISE
    if employer.endswith(("大学", "学院")):
        return EmployerKind.UNIVERSITY
    return EmployerKind.INSTITUTE


TITLES: dict[EmployerKind, tuple[tuple[str, int], ...]] = {
    EmployerKind.UNIVERSITY: (("教授", 40), ("副教授", 35), ("研究员", 8), ("讲师", 10), ("副研究员", 7)),
    EmployerKind.INSTITUTE: (
        ("研究员", 35),
        ("副研究员", 35),
        ("高级工程师", 15),
        ("助理研究员", 8),
        ("教授级高级工程师", 7),
    ),  # fmt: skip
    EmployerKind.ENTERPRISE: (("高级工程师", 50), ("教授级高级工程师", 20), ("工程师", 25), ("高级技师", 5)),
}


def pick_title(rng: random.Random, kind: EmployerKind) -> str:
    return weighted(rng, TITLES[kind])


# Where each employer sits (county-level code), so an expert's region follows from the employer.
EMPLOYER_REGIONS: dict[str, str] = {
    "福州大学": "350121",
    "厦门大学": "350203",
    "福建农林大学": "350104",
    "华侨大学": "350503",
    "集美大学": "350211",
    "福建师范大学": "350121",
    "福建医科大学": "350121",
    "福建中医药大学": "350121",
    "福建理工大学": "350121",
    "闽江学院": "350121",
    "厦门理工学院": "350211",
    "莆田学院": "350302",
    "泉州师范学院": "350503",
    "三明学院": "350404",
    "武夷学院": "350782",
    "宁德师范学院": "350902",
    "龙岩学院": "350802",
    "闽南师范大学": "350602",
    "黎明职业大学": "350502",
    "福建船政交通职业学院": "350104",
    "泉州工艺美术职业学院": "350526",
    "中国科学院福建物质结构研究所": "350102",
    "中国科学院城市环境研究所": "350211",
    "自然资源部第三海洋研究所": "350203",
    "清源创新实验室": "350503",
    "福建省农业科学院茶叶研究所": "350981",
    "福建省农业科学院食用菌研究所": "350111",
    "福建省农业科学院农业工程技术研究所": "350102",
    "福建省林业科学研究院": "350111",
    "福建省水产研究所": "350206",
    "福建省淡水水产研究所": "350111",
    "福建省环境科学研究院": "350102",
    "福建省医学科学研究院": "350102",
    "福建省建筑科学研究院": "350102",
    "福建省产品质量检验研究院": "350102",
    "福建省特种设备检验研究院": "350102",
    "福建省纤维检验中心": "350102",
    "福建省德化陶瓷研究所": "350526",
    "福建省水利水电勘测设计研究院": "350102",
    "三明市真菌研究所": "350404",
    "古田县食用菌研究所": "350922",
    "国网福建省电力有限公司电力科学研究院": "350102",
    "中国电建集团福建省电力勘测设计院有限公司": "350102",
    "中国三峡新能源（集团）股份有限公司福建分公司": "350181",
    "宁德时代新能源科技股份有限公司": "350902",
    "厦门厦钨新能源材料股份有限公司": "350205",
    "九牧厨卫股份有限公司": "350583",
    "安踏体育用品集团有限公司": "350582",
    "福建恒申合纤科技有限公司": "350112",
    "福建龙净环保股份有限公司": "350802",
    "厦门天马微电子有限公司": "350213",
    "福州京东方光电科技有限公司": "350181",
    "福建华佳彩有限公司": "350303",
    "厦门三安光电股份有限公司": "350206",
    "新大陆科技集团有限公司": "350105",
    "福建星网锐捷通讯股份有限公司": "350104",
    "网龙网络控股有限公司": "350112",
    "福建联合石油化工有限公司": "350505",
    "中化泉州石化有限公司": "350505",
    "福建省船舶工业集团有限公司": "350105",
    "安井食品集团股份有限公司": "350205",
    "福建省永安林业（集团）股份有限公司": "350481",
    "福建青山纸业股份有限公司": "350405",
}
