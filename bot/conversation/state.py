"""The per-openid state kept in :class:`models.Conversation`: the draft being filled and what the user looks at.

``Conversation.slots`` holds ``{"draft": Draft, "profile": Profile, "listed": [ids], "demand_id": id}``
as JSON; ``Conversation.state`` says what the next message answers (see :class:`Mode`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError

from bot.parsing.commands import Slot
from models import Conversation
from workflow.schemas import MAX_ATTACHMENTS

M = TypeVar("M", bound=BaseModel)

REQUIRED_SLOTS = (Slot.ENTERPRISE, Slot.REGION, Slot.CONTACT, Slot.DESCRIPTION)
SLOT_ORDER = tuple(Slot)


class Mode(StrEnum):
    IDLE = "idle"
    FILLING = "filling"
    """A draft is being filled; ``Draft.asking`` is the question the next message answers."""
    CONFIRM = "confirm"
    """The preview was shown; 提交 submits."""
    LISTED = "listed"
    """「我的需求」 was shown; a number opens one."""
    DETAIL = "detail"
    """One demand is shown; a returned one takes the next text as its supplement."""
    WITHDRAW = "withdraw"
    """撤回 was asked; 确认 withdraws ``demand_id``."""


class Draft(BaseModel):
    """A demand while the user fills it in; every field optional until submission."""

    enterprise_name: str | None = None
    credit_code: str | None = None
    enterprise_bound: bool = False
    """The openid is bound to an enterprise already: name and code come from it and cannot change here."""
    region_code: str | None = None
    region_prefilled: bool = False
    """The region came from the enterprise or the last demand, not from this one: a region named now wins."""
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    title: str | None = None
    title_suggestion: str | None = None
    """Taken from a long first message; 跳过 (or 好) at the title question uses it."""
    description: list[str] = Field(default_factory=list)
    expected_outcome: str | None = None
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    budget_negotiable: bool = False
    budget_given: bool = False
    deadline: date | None = None
    deadline_given: bool = False
    """Answered, possibly with "不限" (then ``deadline`` stays empty)."""
    attachments: list[dict[str, str]] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
    skipped: list[Slot] = Field(default_factory=list)
    asking: Slot | None = None
    tries: dict[str, int] = Field(default_factory=dict)
    region_choices: list[str] = Field(default_factory=list)
    describing: bool = False
    """The description is open: further messages add to it until 好了."""

    def has(self, slot: Slot) -> bool:
        """Whether ``slot`` is answered (or skipped, for an optional one)."""
        if slot in self.skipped:
            return True
        match slot:
            case Slot.ENTERPRISE:
                return bool(self.enterprise_name and self.credit_code)
            case Slot.REGION:
                return self.region_code is not None
            case Slot.CONTACT:
                return bool(self.contact_name and (self.contact_phone or self.contact_email))
            case Slot.TITLE:
                return self.title is not None
            case Slot.DESCRIPTION:
                return bool(self.description)
            case Slot.EXPECTED_OUTCOME:
                return self.expected_outcome is not None
            case Slot.BUDGET:
                return self.budget_given
            case Slot.DEADLINE:
                return self.deadline_given

    def missing(self) -> list[Slot]:
        return [slot for slot in SLOT_ORDER if not self.has(slot)]

    def missing_required(self) -> list[Slot]:
        return [slot for slot in REQUIRED_SLOTS if not self.has(slot)]

    @property
    def description_text(self) -> str:
        return "\n".join(self.description)


class Profile(BaseModel):
    """What the openid told us last time, offered again for its next demand."""

    enterprise_name: str | None = None
    credit_code: str | None = None
    region_code: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None


class ChatState:
    """A typed view of one Conversation row; :meth:`save` writes it back (a new JSON value, so it is updated)."""

    def __init__(self, row: Conversation) -> None:
        self.row = row
        slots: dict[str, Any] = dict(row.slots or {})
        self.mode = Mode(row.state) if row.state in Mode._value2member_map_ else Mode.IDLE
        self.draft = _load(Draft, slots.get("draft"))
        self.profile = _load(Profile, slots.get("profile")) or Profile()
        self.listed: list[int] = [int(i) for i in slots.get("listed", []) if isinstance(i, int)]
        demand_id = slots.get("demand_id")
        self.demand_id: int | None = demand_id if isinstance(demand_id, int) else None
        self.demand_returned = bool(slots.get("demand_returned"))
        helped = slots.get("helped_at")
        self.helped_at: datetime | None = datetime.fromisoformat(helped) if isinstance(helped, str) else None
        """When this openid last asked for staff (人工): repeats within the hour do not notify again."""
        """The demand shown (``demand_id``) was returned for more information when it was shown."""

    def save(self, now: datetime, ttl_hours: int) -> None:
        slots: dict[str, Any] = {"profile": self.profile.model_dump(mode="json", exclude_none=True)}
        if self.draft is not None:
            slots["draft"] = self.draft.model_dump(mode="json", exclude_defaults=True)
        if self.listed:
            slots["listed"] = self.listed
        if self.helped_at is not None:
            slots["helped_at"] = self.helped_at.isoformat()
        if self.demand_id is not None:
            slots["demand_id"] = self.demand_id
            if self.demand_returned:
                slots["demand_returned"] = True
        expires = now + timedelta(hours=ttl_hours) if self.draft is not None else None
        if self.row.slots != slots or self.row.state != self.mode.value:
            self.row.slots = slots
            self.row.state = self.mode.value
            self.row.expires_at = expires
        elif self.draft is not None:
            self.row.expires_at = expires


def _load(model: type[M], value: Any) -> M | None:
    if not isinstance(value, dict):
        return None
    try:
        return model.model_validate(value)
    except ValidationError:
        return None
