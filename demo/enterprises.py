"""Enterprises of the demo, placed where Fujian's industries really are, and the government bodies."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from demo.catalog import INDUSTRIES, PRODUCT_LINES, Industry, ProductLine, suffix_fits
from demo.datafiles import read
from demo.people import mobile, person_name
from directory import credit_code
from directory.regions import region_rows

ENTERPRISES_PER_INDUSTRY = 6

_BRAND_CHARS = "恒鑫华盛嘉泰宏兴达源晟瑞隆丰茂昌顺福鸿信诚正远通润和祥永益凯德金荣宇辉海峰川东联创新科佳美"
# Pairs that would read as a well-known real company.
_AVOID = {"恒安", "安踏", "九牧", "达利", "鸿星", "华峰", "正新", "新华", "海峰", "东海", "美的", "联创"}
_CAPITAL_HEAVY = {"battery", "electronics", "petrochem", "ship", "wind", "pharma"}
_PARKS = ("经济开发区", "工业园区", "高新技术产业园", "科技园", "工业集中区", "产业园")
_ROADS = ("创业路", "工业路", "科技大道", "兴业路", "滨海大道", "振兴路", "发展大道", "园区一路")


@dataclass(frozen=True, slots=True)
class EnterpriseSpec:
    key: str
    """The unified social credit code, the enterprise's natural key."""
    name: str
    region_code: str
    industry: str
    industry_key: str
    address: str
    contact_name: str
    contact_phone: str
    product: str
    focus: tuple[str, ...]
    """Sub-field keys its demands are about."""
    profile: dict[str, Any] = field(default_factory=dict)
    is_government: bool = False


@lru_cache(maxsize=1)
def _region_names() -> dict[str, tuple[str, str]]:
    """code → (name, full name)."""
    return {r.code: (r.name, r.full_name) for r in region_rows()}


def region_name(code: str) -> str:
    return _region_names()[code][0]


def short_region_name(name: str) -> str:
    for suffix in ("综合实验区", "市", "区", "县"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _brand(rng: random.Random, used: set[str]) -> str:
    while True:
        brand = "".join(rng.sample(_BRAND_CHARS, 2))
        if brand not in _AVOID and brand not in used:
            used.add(brand)
            return brand


def _enterprise_name(rng: random.Random, region: str, brand: str, suffix: str) -> str:
    county = region_name(region)
    if suffix.endswith("合作社"):
        return f"{county}{brand}{suffix}"
    if county.endswith("区"):
        # Firms in a city district are named after the city: 厦门…, 福州…, 宁德….
        city = short_region_name(region_name(f"{region[:4]}00"))
        return f"{city}{brand}{suffix}" if rng.random() < 0.6 else f"福建{brand}{suffix}"
    style = rng.random()
    if style < 0.4:
        return f"{county}{brand}{suffix}"
    if style < 0.75:
        return f"福建{short_region_name(county)}{brand}{suffix}"
    return f"福建{brand}{suffix}"


def generate_enterprises(rng: random.Random) -> list[EnterpriseSpec]:
    names = _region_names()
    used_brands: set[str] = set()
    used_serials: set[int] = set()
    result: list[EnterpriseSpec] = []
    for industry in INDUSTRIES:
        used_products: set[str] = set()
        distinct = list(dict.fromkeys(industry.regions))
        for i in range(ENTERPRISES_PER_INDUSTRY):
            # Every listed county first, then by the weights the repetitions in the list give.
            region = distinct[i] if i < len(distinct) else rng.choice(industry.regions)
            result.append(_enterprise(rng, industry, region, names, used_brands, used_serials, used_products))
    return result


def _product_line(rng: random.Random, industry: Industry, region: str, used: set[str]) -> ProductLine:
    lines = [line for line in PRODUCT_LINES[industry.key] if not line[2] or region in line[2]]
    fresh = [line for line in lines if line[0] not in used] or lines
    line = rng.choice(fresh)
    used.add(line[0])
    return line


def _enterprise(
    rng: random.Random,
    industry: Industry,
    region: str,
    names: dict[str, tuple[str, str]],
    used_brands: set[str],
    used_serials: set[int],
    used_products: set[str],
) -> EnterpriseSpec:
    full = names[region][1]
    product, subfields, _ = _product_line(rng, industry, region, used_products)
    suffix = rng.choice([x for x in industry.firm_suffixes if suffix_fits(x, product)])
    name = _enterprise_name(rng, region, _brand(rng, used_brands), suffix)
    serial = rng.randrange(10**7, 10**8)
    while serial in used_serials:
        serial = rng.randrange(10**7, 10**8)
    used_serials.add(serial)
    kind = "3" if suffix.endswith("合作社") else "1"  # 93…: farmers' cooperative, 91…: company
    code = credit_code.generate(region, serial, kind=kind)
    full_keys = {sf.key.split(".", 1)[1]: sf.key for sf in industry.subfields}
    focus = tuple(full_keys[key] for key in rng.sample(subfields, min(3, len(subfields))))
    if kind == "3":
        employees = rng.choice((12, 25, 40))
    elif industry.key in _CAPITAL_HEAVY:
        employees = rng.choice((180, 260, 420, 800, 1500, 3200))
    else:
        employees = rng.choice((35, 60, 120, 180, 260, 420, 800))
    profile: dict[str, Any] = {
        "founded": rng.randrange(1993, 2021),
        "employees": employees,
        "annual_output_wan": employees * rng.randrange(40, 160) // 10 * 10,
        "main_products": [product],
        "high_tech": employees >= 120 and rng.random() < 0.6,
    }
    address = f"{full}{rng.choice(_PARKS)}{rng.choice(_ROADS)}{rng.randrange(1, 199)}号"
    return EnterpriseSpec(
        key=code,
        name=name,
        region_code=region,
        industry=industry.label,
        industry_key=industry.key,
        address=address,
        contact_name=person_name(rng),
        contact_phone=mobile(rng),
        product=product,
        focus=focus,
        profile=profile,
    )


@dataclass(frozen=True, slots=True)
class GovernmentSpec:
    name: str
    region_code: str
    industry: str
    serial: int


GOVERNMENTS: tuple[GovernmentSpec, ...] = tuple(
    GovernmentSpec(raw["name"], raw["region"], raw["industry"], int(raw["serial"]))
    for raw in read("governments.json")["governments"]
)


def government_enterprises(rng: random.Random) -> list[EnterpriseSpec]:
    """Government bodies raise demands like enterprises do (seed art. 7); credit codes 11… (机关)."""
    names = _region_names()
    result = []
    for gov in GOVERNMENTS:
        code = credit_code.generate(gov.region_code, gov.serial, authority="1", kind="1")
        industry = next(i for i in INDUSTRIES if i.label == gov.industry)
        result.append(
            EnterpriseSpec(
                key=code,
                name=gov.name,
                region_code=gov.region_code,
                industry=gov.industry,
                industry_key=industry.key,
                address=f"{names[gov.region_code][1]}行政服务中心",
                contact_name=person_name(rng),
                contact_phone=mobile(rng),
                product="",
                focus=(),
                profile={"kind": "地方人民政府"},
                is_government=True,
            )
        )
    return result
