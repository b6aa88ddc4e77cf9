"""What the workflow takes and gives: demand input, list filters, and the read models per role."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.errors import ValidationFailed
from matching.schemas import MatchResult
from models import DemandCategory, DemandSource, DemandStatus, DockingStatus, OfferStatus, Role

MAX_ATTACHMENTS = 10


class Attachment(BaseModel):
    """A file the enterprise sent: a WeChat media id or a stored path, with a name to show."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(default="file", max_length=32)
    media_id: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, max_length=500)


class DemandInput(BaseModel):
    """A demand as the bot or the console collects it (before cleaning and redaction)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    title: str | None = Field(default=None, max_length=400)
    description: str = Field(max_length=20_000)
    expected_outcome: str | None = Field(default=None, max_length=5_000)
    budget_min: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    budget_max: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    budget_negotiable: bool = False
    """面议: no amount named (then min and max stay empty)."""
    deadline: date | None = None
    contact_name: str | None = Field(default=None, max_length=64)
    contact_phone: str | None = Field(default=None, max_length=32)
    contact_email: str | None = Field(default=None, max_length=128)
    region_code: str | None = Field(default=None, min_length=6, max_length=6)
    """Where the demand is; empty means the enterprise's own region."""
    attachments: list[Attachment] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
    source: DemandSource = DemandSource.CONSOLE
    is_government: bool | None = None
    """Raised by a local government; empty means as registered for the enterprise."""

    @model_validator(mode="after")
    def _budget(self) -> DemandInput:
        if self.budget_negotiable and (self.budget_min is not None or self.budget_max is not None):
            raise ValidationFailed("预算已选「面议」，就不要再填写金额")
        if self.budget_min is not None and self.budget_max is not None and self.budget_min > self.budget_max:
            raise ValidationFailed("预算下限不能高于上限", fields={"field": "budget_min"})
        return self


class DemandFilters(BaseModel):
    status: list[DemandStatus] = Field(default_factory=list)
    region_code: str | None = Field(default=None, min_length=6, max_length=6)
    """Demands of this region and the regions under it (within the actor's own scope)."""
    category: DemandCategory | None = None
    created_from: date | None = None
    created_to: date | None = None
    q: str | None = Field(default=None, max_length=100)
    """Words that must all occur in the title, the description or the keywords."""
    sort: Literal["oldest", "newest"] = "newest"
    """By the time the demand was submitted (created, for a draft): the age the lists show."""


class Page(BaseModel):
    number: int = Field(default=1, ge=1)
    size: int = Field(default=20, ge=1, le=100)


class DemandSummary(BaseModel):
    id: int
    title: str
    status: DemandStatus
    status_label: str
    category: DemandCategory | None
    category_label: str | None
    industry: str
    keywords: list[str]
    region_code: str
    region_name: str
    enterprise_id: int
    enterprise_name: str
    is_government: bool
    created_at: datetime
    submitted_at: datetime | None
    status_changed_at: datetime | None
    age_days: int
    """Days since it was submitted (or created, for a draft)."""


class DemandPage(BaseModel):
    items: list[DemandSummary]
    total: int
    page: int
    size: int


class TimelineEntry(BaseModel):
    at: datetime
    action: str
    text: str
    """One Chinese sentence: who did what."""
    actor_role: Role
    actor_name: str
    from_state: str | None
    to_state: str | None
    reason: str | None


class Contact(BaseModel):
    name: str | None
    phone: str | None
    email: str | None


class OfferView(BaseModel):
    id: int
    society_id: int
    society_name: str
    round: int
    rank: int
    score: float
    score_parts: dict[str, float]
    explanation: dict[str, Any]
    proposed_expert_ids: list[int]
    status: OfferStatus
    status_label: str
    deadline_at: datetime | None
    responded_at: datetime | None
    response_note: str | None


class TeamMemberView(BaseModel):
    expert_id: int
    name: str
    title: str
    employer: str
    role: str


class DockingView(BaseModel):
    id: int
    society_id: int
    society_name: str
    status: DockingStatus
    team: list[TeamMemberView]
    confirmed_at: datetime | None
    agreement_signed_on: date | None
    agreement_amount: Decimal | None
    outcome: str | None
    completed_at: datetime | None
    rating: int | None
    rating_comment: str | None
    closed_at: datetime | None


class DemandDetail(DemandSummary):
    description: str
    expected_outcome: str | None
    budget_min: Decimal | None
    budget_max: Decimal | None
    budget_negotiable: bool
    deadline: date | None
    attachments: list[dict[str, Any]]
    status_reason: str | None
    contact: Contact | None
    """``None`` for a society until its docking is confirmed (see ``contact_note``)."""
    contact_note: str | None
    offers: list[OfferView]
    docking: DockingView | None
    suggestions: MatchResult | None
    """The match suggestions of the latest submission, for those who screen or route the demand."""
    timeline: list[TimelineEntry]
    actions: list[str]
    """Transitions this actor may make now (names from :mod:`workflow.states`)."""


class MyDemand(BaseModel):
    id: int
    title: str
    status: DemandStatus
    status_label: str
    created_at: datetime
    last_step: str
    """The latest event as a Chinese sentence (e.g. "晋江市科协审核通过")."""
    last_step_at: datetime


class HelpRequested(BaseModel):
    handled_by: str
    """Who will answer (Chinese name of the association or the center)."""
    notified: int
