"""The hand-written domain vocabulary of the demo data, one module per group of industries."""

from __future__ import annotations

from ingestion.demo.catalog.base import Industry, SubField
from ingestion.demo.catalog.battery_wind import BATTERY, OFFSHORE_WIND
from ingestion.demo.catalog.ceramics_stone import CERAMICS, STONE
from ingestion.demo.catalog.chemicals_pharma import PETROCHEM, PHARMA
from ingestion.demo.catalog.electronics_digital import DIGITAL, ELECTRONICS
from ingestion.demo.catalog.environment import ENVIRONMENT
from ingestion.demo.catalog.food_forest import FOOD, FORESTRY
from ingestion.demo.catalog.marine import AQUACULTURE, SHIPBUILDING
from ingestion.demo.catalog.tea_fungi import FUNGI, TEA
from ingestion.demo.catalog.textile_furniture import FURNITURE, TEXTILE

INDUSTRIES: tuple[Industry, ...] = (
    TEA,
    FUNGI,
    AQUACULTURE,
    TEXTILE,
    CERAMICS,
    STONE,
    FURNITURE,
    BATTERY,
    ELECTRONICS,
    PETROCHEM,
    SHIPBUILDING,
    FOOD,
    FORESTRY,
    PHARMA,
    ENVIRONMENT,
    OFFSHORE_WIND,
    DIGITAL,
)

SUBFIELDS: dict[str, SubField] = {sf.key: sf for industry in INDUSTRIES for sf in industry.subfields}
INDUSTRY_OF: dict[str, Industry] = {sf.key: industry for industry in INDUSTRIES for sf in industry.subfields}
INDUSTRY_BY_LABEL: dict[str, Industry] = {industry.label: industry for industry in INDUSTRIES}

__all__ = ["INDUSTRIES", "INDUSTRY_BY_LABEL", "INDUSTRY_OF", "SUBFIELDS", "Industry", "SubField"]
