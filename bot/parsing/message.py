"""Everything a longer message says about a demand: "我们是…有限公司，在晋江，预算10-30万，希望明年6月前完成…".

Only clear statements count (a labelled line, a registered name, a phone number, a budget or a
deadline next to its cue word); the dialogue asks for the rest. Pure: no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.parsing.budget import Budget, parse_budget
from bot.parsing.commands import Slot, slot_named
from bot.parsing.contact import parse_contact
from bot.parsing.deadline import Deadline, parse_deadline
from bot.parsing.enterprise import parse_enterprise
from directory.regions import RegionGuess, RegionRow, guess_region

_CLAUSES = re.compile(r"[。；;！!？?\n]+")
_PARTS = re.compile(r"[。；;！!？?\n，,]+")
_LABELLED = re.compile(r"^\s*([\u4e00-\u9fa5]{2,8})\s*[:：]\s*(.+?)\s*$")
_BUDGET_CUE = re.compile(r"预算|经费|费用|投入|出资|资金|报酬|面议")
_DEADLINE_CUE = re.compile(r"完成|解决|交付|期限|截止|之前|以前|前|以内|之内|争取|希望|要求|上线|投产|验收")
_OUTCOME_CUE = re.compile(
    r"期望效果|预期效果|期望达到|希望达到|要求达到|目标是|目标|达到|提升到|降低到|提高到|希望能|希望"
)
_LOCATION_CUE = re.compile(r"(?:位于|地处|坐落于|坐落在|地址[:：]?|所在地[:：]?|地区[:：]?|在)([\u4e00-\u9fa5]{2,12})")


@dataclass
class MessageFacts:
    """What one message states; ``None`` / empty where it says nothing clear."""

    enterprise_name: str | None = None
    credit_code: str | None = None
    code_error: str | None = None
    region: RegionRow | None = None
    region_choices: tuple[RegionRow, ...] = ()
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    title: str | None = None
    description: str | None = None
    expected_outcome: str | None = None
    budget: Budget | None = None
    deadline: Deadline | None = None
    labelled: dict[Slot, str] = field(default_factory=dict)

    def found(self) -> set[Slot]:
        slots = set()
        if self.enterprise_name or self.credit_code:
            slots.add(Slot.ENTERPRISE)
        if self.region:
            slots.add(Slot.REGION)
        if self.contact_phone or self.contact_name:
            slots.add(Slot.CONTACT)
        for slot, value in (
            (Slot.TITLE, self.title),
            (Slot.DESCRIPTION, self.description),
            (Slot.EXPECTED_OUTCOME, self.expected_outcome),
            (Slot.BUDGET, self.budget),
            (Slot.DEADLINE, self.deadline),
        ):
            if value is not None:
                slots.add(slot)
        return slots


def labelled_fields(text: str) -> dict[Slot, str]:
    """Lines (or parts) such as "预算：10万" or "联系人：王明 138…", by slot."""
    out: dict[Slot, str] = {}
    for line in re.split(r"[\n；;]+", text):
        match = _LABELLED.match(line)
        if not match:
            continue
        slot, rest = slot_named(match.group(1))
        if slot is not None and not rest and slot not in out:
            out[slot] = match.group(2)
    return out


def _strict_region(text: str, enterprise_name: str | None) -> RegionGuess:
    """A region from a stated location or the enterprise's name; bare two-character names in prose
    ("口感平和", "大田里") do not count."""
    for match in _LOCATION_CUE.finditer(text):
        guess = guess_region(match.group(1))
        if guess.region is not None:
            return guess
    if enterprise_name:
        guess = guess_region(enterprise_name)
        if guess.region is not None:
            return guess
    guess = guess_region(text)
    if guess.region is not None and guess.region.name in text:
        return guess
    return RegionGuess(region=None)


_NOT_A_TITLE = re.compile(r"您好|你好|老师好|联系人|电话|手机|预算|信用代码|位于|地址|我们是|我是|本公司是|公司名称")
SUGGESTED_TITLE_CHARS = 30


def suggest_title(text: str) -> str | None:
    """A title from a long message: its first clauses about the problem, not the greeting or who we are."""
    clauses = [c.strip() for c in re.split(r"[，,。；;！!？?\n]+", text)]
    picked: list[str] = []
    for clause in clauses:
        if not picked and (not clause or _NOT_A_TITLE.search(clause) or re.search(r"公司|厂|企业", clause)):
            continue
        if not picked:
            picked.append(clause)
        elif clause and len("，".join([*picked, clause])) <= SUGGESTED_TITLE_CHARS:
            picked.append(clause)
        else:
            break
    title = "，".join(picked)
    if len(title) < 6:
        return None
    return title if len(title) <= SUGGESTED_TITLE_CHARS else title[: SUGGESTED_TITLE_CHARS - 1] + "…"


def read_message(text: str, today: date) -> MessageFacts:
    """The facts of a demand stated in ``text`` (see the module docstring)."""
    facts = MessageFacts(labelled=labelled_fields(text))
    labels = facts.labelled
    enterprise = parse_enterprise(labels.get(Slot.ENTERPRISE, text), strict=Slot.ENTERPRISE not in labels)
    facts.enterprise_name, facts.credit_code, facts.code_error = (
        enterprise.name,
        enterprise.credit_code,
        enterprise.code_error,
    )
    if Slot.ENTERPRISE in labels and enterprise.name is None and enterprise.credit_code is None:
        facts.enterprise_name = labels[Slot.ENTERPRISE].strip() or None
    region = guess_region(labels[Slot.REGION]) if Slot.REGION in labels else _strict_region(text, facts.enterprise_name)
    facts.region, facts.region_choices = region.region, region.choices
    contact = parse_contact(labels.get(Slot.CONTACT, text), bare_name=Slot.CONTACT in labels)
    facts.contact_name, facts.contact_phone, facts.contact_email = contact.name, contact.phone, contact.email
    facts.title = labels.get(Slot.TITLE)
    facts.description = labels.get(Slot.DESCRIPTION)
    facts.expected_outcome = labels.get(Slot.EXPECTED_OUTCOME)
    if Slot.BUDGET in labels:
        facts.budget = parse_budget(labels[Slot.BUDGET])
    else:
        for part in _PARTS.split(text):
            cue = _BUDGET_CUE.search(part)
            if cue and (budget := parse_budget(part[cue.start() :])):
                facts.budget = budget
                break
    if Slot.DEADLINE in labels:
        facts.deadline = parse_deadline(labels[Slot.DEADLINE], today)
    else:
        for part in _PARTS.split(text):
            if _DEADLINE_CUE.search(part) and not _BUDGET_CUE.search(part):
                deadline = parse_deadline(part, today)
                if deadline is not None and deadline.on is not None:
                    facts.deadline = deadline
                    break
    if facts.expected_outcome is None:
        for clause in _CLAUSES.split(text):
            match = _OUTCOME_CUE.search(clause)
            if match and len(clause) - match.end() >= 4 and not _BUDGET_CUE.search(clause):
                facts.expected_outcome = clause.strip()
                break
    return facts
