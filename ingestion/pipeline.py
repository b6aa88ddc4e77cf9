"""From what an enterprise typed to what a demand stores: one pure function for the bot and the API."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from core.errors import ValidationFailed
from ingestion.classify import CategoryGuess, IndustryGuess, classify_category, classify_industry
from ingestion.keywords import extract_keywords
from ingestion.normalize import MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, clean_text, meaningful_length
from ingestion.pii import Pii, extract_pii, strip_placeholders
from models.enums import DemandCategory

MIN_DESCRIPTION_CHARS = 4
"""Chinese characters, letters or digits a description needs to say anything at all."""
DERIVED_TITLE_CHARS = 30
_CLAUSE_END = re.compile(r"[。！？!?；;\n]")

NOTICE_CONTACT = "您在描述中留下的联系方式已单独保存，对接确认前不会提供给学会。"
NOTICE_ID_NUMBER = "描述中的身份证号已移除并且不会提供给学会，对接无需提供身份证号。"


class PreparedDemand(BaseModel):
    """A demand's text as it will be stored and matched, plus what was taken out of it."""

    model_config = ConfigDict(frozen=True)

    title: str
    """Cleaned and redacted; derived from the description's first clause when none was given."""
    description: str
    """Cleaned and redacted; every other character of what the user wrote is kept."""
    keywords: list[str]
    contact_phone: str | None
    contact_email: str | None
    pii: Pii
    """Everything found (all phones, e-mails, ID numbers, WeChat/QQ ids) for the caller to keep."""
    category_detail: CategoryGuess
    industry_detail: IndustryGuess
    notices: list[str]
    """Chinese sentences to tell the user (e.g. that their phone number is kept private)."""

    @property
    def category(self) -> DemandCategory:
        return self.category_detail.category

    @property
    def industry(self) -> str:
        """Chinese label from :data:`ingestion.classify.INDUSTRIES`, or ``""``."""
        return self.industry_detail.industry


def _derive_title(description: str) -> str:
    first = _CLAUSE_END.split(strip_placeholders(description).strip(), maxsplit=1)[0].strip(" ，,：:")
    if len(first) <= DERIVED_TITLE_CHARS:
        return first
    return first[: DERIVED_TITLE_CHARS - 1] + "…"


def prepare_demand_text(title: str | None, description: str, *, keyword_count: int = 8) -> PreparedDemand:
    """Clean, redact, and understand a demand. Pure: no database, no network.

    Raises :class:`~core.errors.ValidationFailed` subclasses with Chinese messages when the
    description is missing, says nothing (no words left once punctuation and contact details
    are removed), is too long (over :data:`~ingestion.normalize.MAX_DESCRIPTION_CHARS`) or
    unreadable, or the title is over :data:`~ingestion.normalize.MAX_TITLE_CHARS`.
    Nothing is ever cut silently; contact data is moved, not dropped (see ``pii``).
    """
    clean_description = clean_text(description or "", max_length=MAX_DESCRIPTION_CHARS, label="需求描述")
    clean_title = clean_text(title or "", max_length=MAX_TITLE_CHARS, label="需求标题", single_line=True)
    if not clean_description:
        raise ValidationFailed(
            "请填写需求描述：遇到了什么技术问题，希望达到什么效果。", fields={"field": "description"}
        )
    redacted_description, pii = extract_pii(clean_description)
    redacted_title, title_pii = extract_pii(clean_title)
    pii = title_pii.merge(pii)
    if meaningful_length(redacted_description) < MIN_DESCRIPTION_CHARS:
        raise ValidationFailed(
            "需求描述内容太少，请用几句话说明遇到的技术问题和希望达到的效果。",
            fields={"field": "description"},
        )
    if not strip_placeholders(redacted_title).strip():
        redacted_title = _derive_title(redacted_description)

    analysed = strip_placeholders(f"{redacted_title}\n{redacted_description}")
    category = classify_category(strip_placeholders(redacted_description), title=strip_placeholders(redacted_title))
    industry = classify_industry(strip_placeholders(redacted_description), title=strip_placeholders(redacted_title))
    notices: list[str] = []
    if pii.phones or pii.emails or pii.wechat_ids or pii.qq_numbers:
        notices.append(NOTICE_CONTACT)
    if pii.id_numbers:
        notices.append(NOTICE_ID_NUMBER)
    return PreparedDemand(
        title=redacted_title,
        description=redacted_description,
        keywords=extract_keywords(analysed, top_k=keyword_count),
        contact_phone=pii.contact_phone,
        contact_email=pii.contact_email,
        pii=pii,
        category_detail=category,
        industry_detail=industry,
        notices=notices,
    )
