"""Slot filling: one answer applied to the draft, facts of a longer message merged in, the next question."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.conversation import texts
from bot.conversation.state import REQUIRED_SLOTS, Draft
from bot.parsing.budget import parse_budget
from bot.parsing.commands import Slot
from bot.parsing.contact import parse_contact
from bot.parsing.deadline import parse_deadline
from bot.parsing.enterprise import parse_enterprise, plain_name
from bot.parsing.message import MessageFacts, read_message
from directory.regions import counties_of, guess_region, region_by_code
from ingestion.normalize import MAX_DESCRIPTION_CHARS, meaningful_length
from workflow.schemas import MAX_ATTACHMENTS

MAX_TITLE_CHARS = 60
MAX_DESCRIPTION_PARTS = 30


@dataclass(frozen=True, slots=True)
class Answer:
    """How one answer went: ``ok`` (maybe with a note), or a ``problem`` to re-ask with."""

    ok: bool
    note: str = ""
    problem: str = ""


def merge_facts(draft: Draft, facts: MessageFacts, *, except_slot: Slot | None = None) -> list[Slot]:
    """Fill the slots still empty from what a message stated; returns the slots filled."""
    filled: list[Slot] = []
    if except_slot is not Slot.ENTERPRISE and not draft.enterprise_bound:
        if facts.enterprise_name and not draft.enterprise_name:
            draft.enterprise_name = facts.enterprise_name
            filled.append(Slot.ENTERPRISE)
        if facts.credit_code and not draft.credit_code:
            draft.credit_code = facts.credit_code
            filled.append(Slot.ENTERPRISE)
    if except_slot is not Slot.REGION and facts.region is not None:
        if draft.region_code is None or (draft.region_prefilled and draft.region_code != facts.region.code):
            draft.region_code, draft.region_prefilled = facts.region.code, False
            filled.append(Slot.REGION)
    if except_slot is not Slot.CONTACT:
        for attr in ("contact_name", "contact_phone", "contact_email"):
            if getattr(facts, attr) and not getattr(draft, attr):
                setattr(draft, attr, getattr(facts, attr))
                filled.append(Slot.CONTACT)
    if except_slot is not Slot.TITLE and facts.title and draft.title is None:
        draft.title = facts.title[:MAX_TITLE_CHARS]
        filled.append(Slot.TITLE)
    if except_slot is not Slot.DESCRIPTION and facts.description and not draft.description:
        draft.description = [facts.description]
        filled.append(Slot.DESCRIPTION)
    if except_slot is not Slot.EXPECTED_OUTCOME and facts.expected_outcome and draft.expected_outcome is None:
        draft.expected_outcome = facts.expected_outcome
        filled.append(Slot.EXPECTED_OUTCOME)
    if except_slot is not Slot.BUDGET and facts.budget is not None and not draft.budget_given:
        _set_budget(draft, facts.budget.minimum, facts.budget.maximum, facts.budget.negotiable)
        filled.append(Slot.BUDGET)
    if except_slot is not Slot.DEADLINE and facts.deadline is not None and not draft.deadline_given:
        draft.deadline, draft.deadline_given = facts.deadline.on, True
        filled.append(Slot.DEADLINE)
    return list(dict.fromkeys(filled))


def _set_budget(draft: Draft, low: object, high: object, negotiable: bool) -> None:
    draft.budget_min, draft.budget_max = low, high  # type: ignore[assignment]
    draft.budget_negotiable, draft.budget_given = negotiable, True
    if Slot.BUDGET in draft.skipped:
        draft.skipped.remove(Slot.BUDGET)


def _enterprise(draft: Draft, text: str) -> Answer:
    if draft.enterprise_bound:
        return Answer(ok=True, note=f"企业已登记为「{draft.enterprise_name}」。")
    guess = parse_enterprise(text)
    if guess.name:
        draft.enterprise_name = guess.name
    if guess.credit_code:
        draft.credit_code = guess.credit_code
    if not guess.name and not guess.credit_code and not re.search(r"\d{6,}", text):
        name = plain_name(text)
        if name:
            draft.enterprise_name = name
    if guess.code_error and not guess.credit_code:
        return Answer(ok=False, problem=guess.code_error + "。")
    if draft.enterprise_name and draft.credit_code:
        return Answer(ok=True)
    if draft.enterprise_name or draft.credit_code:
        return Answer(ok=True)
    return Answer(ok=False, problem=texts.RETRY_HINTS[Slot.ENTERPRISE])


def _region(draft: Draft, text: str) -> Answer:
    guess = guess_region(text)
    if guess.region is not None:
        draft.region_code, draft.region_choices, draft.region_prefilled = guess.region.code, [], False
        return Answer(ok=True, note=f"地区：{guess.region.full_name}。")
    if guess.choices:
        draft.region_choices = [r.code for r in guess.choices]
        return Answer(ok=False)
    return Answer(ok=False, problem=texts.RETRY_HINTS[Slot.REGION])


def choose_region(draft: Draft, number: int) -> Answer:
    if not 1 <= number <= len(draft.region_choices):
        return Answer(ok=False, problem=f"请回复1到{len(draft.region_choices)}之间的序号。")
    row = region_by_code(draft.region_choices[number - 1])
    if row is None:
        draft.region_choices = []
        return Answer(ok=False, problem=texts.RETRY_HINTS[Slot.REGION])
    draft.region_code, draft.region_choices, draft.region_prefilled = row.code, [], False
    return Answer(ok=True, note=f"地区：{row.full_name}。")


def region_choice_text(draft: Draft) -> str:
    rows = [row for code in draft.region_choices if (row := region_by_code(code)) is not None]
    parents = {row.parent_code for row in rows if row.parent_code}
    city = region_by_code(parents.pop()) if len(parents) == 1 and len(rows) > 2 else None
    if city is not None and len(rows) == len(counties_of(city)):
        return texts.region_choices([r.name for r in rows], county_of=city.name)
    return texts.region_choices([r.full_name.removeprefix("福建省") for r in rows])


def _contact(draft: Draft, text: str) -> Answer:
    guess = parse_contact(text, bare_name=True)
    if not (guess.name or guess.phone or guess.email):
        return Answer(ok=False, problem=texts.RETRY_HINTS[Slot.CONTACT])
    draft.contact_name = guess.name or draft.contact_name
    draft.contact_phone = guess.phone or draft.contact_phone
    draft.contact_email = guess.email or draft.contact_email
    return Answer(ok=True)


def _title(draft: Draft, text: str) -> Answer:
    title = " ".join(text.split())
    if len(title) > MAX_TITLE_CHARS and not draft.description:
        draft.description = [text.strip()]
        draft.skipped.append(Slot.TITLE)
        return Answer(ok=True, note="这段话较长，我把它记作问题描述，标题将根据描述自动生成。")
    if not 2 <= len(title) <= MAX_TITLE_CHARS or meaningful_length(title) < 2:
        return Answer(ok=False, problem=texts.RETRY_HINTS[Slot.TITLE])
    draft.title = title
    return Answer(ok=True)


def _description(draft: Draft, text: str) -> Answer:
    if meaningful_length(text) < 4 and not draft.description:
        return Answer(ok=False, problem=texts.RETRY_HINTS[Slot.DESCRIPTION])
    added = add_to_description(draft, text)
    if not added.ok:
        draft.describing = False
        return Answer(ok=True, note=added.problem)
    draft.describing = True
    return Answer(ok=True)


def add_to_description(draft: Draft, text: str) -> Answer:
    """One more part of the description, refused (nothing else lost) past the stored text's limit."""
    total = len(draft.description_text) + len(text) + 1
    if total > MAX_DESCRIPTION_CHARS:
        return Answer(
            ok=False,
            problem=f"问题描述合计不能超过{MAX_DESCRIPTION_CHARS}字，这一段（{len(text)}字）没有加入，"
            "前面的内容都已保存。",
        )
    if len(draft.description) >= MAX_DESCRIPTION_PARTS:
        return Answer(
            ok=False, problem=f"问题描述最多分{MAX_DESCRIPTION_PARTS}条，这一段没有加入，前面的内容都已保存。"
        )
    draft.description.append(text.strip())
    return Answer(ok=True)


def _outcome(draft: Draft, text: str) -> Answer:
    if meaningful_length(text) < 2:
        return Answer(ok=False, problem=texts.RETRY_HINTS[Slot.EXPECTED_OUTCOME])
    draft.expected_outcome = text.strip()[:5000]
    return Answer(ok=True)


def _budget(draft: Draft, text: str) -> Answer:
    budget = parse_budget(text)
    if budget is None:
        return Answer(ok=False, problem=texts.RETRY_HINTS[Slot.BUDGET])
    _set_budget(draft, budget.minimum, budget.maximum, budget.negotiable)
    return Answer(ok=True, note=f"预算：{budget.describe()}。")


def _deadline(draft: Draft, text: str, today: date) -> Answer:
    deadline = parse_deadline(text, today)
    if deadline is None:
        return Answer(ok=False, problem=texts.RETRY_HINTS[Slot.DEADLINE])
    if deadline.on is not None and deadline.on < today:
        return Answer(ok=False, problem=f"{deadline.describe()}已经过去了，请说一个今后的时间。")
    draft.deadline, draft.deadline_given = deadline.on, True
    return Answer(ok=True, note=f"期望完成时间：{deadline.describe()}。")


def answer(draft: Draft, slot: Slot, text: str, today: date) -> Answer:
    """Apply ``text`` as the answer to ``slot``; other facts it states fill empty slots too."""
    if slot is Slot.DEADLINE:
        result = _deadline(draft, text, today)
    else:
        handlers = {
            Slot.ENTERPRISE: _enterprise,
            Slot.REGION: _region,
            Slot.CONTACT: _contact,
            Slot.TITLE: _title,
            Slot.DESCRIPTION: _description,
            Slot.EXPECTED_OUTCOME: _outcome,
            Slot.BUDGET: _budget,
        }
        result = handlers[slot](draft, text)
    if slot not in (Slot.ENTERPRISE, Slot.CONTACT, Slot.REGION) or len(text) > 30:
        merge_facts(draft, read_message(text, today), except_slot=slot)
    if result.ok:
        draft.tries.pop(slot.value, None)
    return result


def fail(draft: Draft, slot: Slot, problem: str, max_tries: int) -> str:
    """Count a failed answer; the re-ask, with the offer to skip or hand over after the last try."""
    tries = draft.tries.get(slot.value, 0) + 1
    draft.tries[slot.value] = tries
    ask = texts.question(slot, draft)
    if tries >= max_tries:
        return f"{problem}\n{ask}\n{texts.give_up_offer(slot)}"
    return f"{problem}\n{ask}" if problem else ask


def skip(draft: Draft, slot: Slot) -> bool:
    """Skip an optional slot; ``False`` for a required one."""
    if slot in REQUIRED_SLOTS:
        return False
    if slot is Slot.TITLE and draft.title_suggestion:
        draft.title = draft.title_suggestion
        draft.tries.pop(slot.value, None)
        return True
    if slot not in draft.skipped:
        draft.skipped.append(slot)
    draft.tries.pop(slot.value, None)
    return True


def add_attachment(draft: Draft, media_id: str, pic_url: str | None) -> str:
    if len(draft.attachments) >= MAX_ATTACHMENTS:
        return f"附件最多{MAX_ATTACHMENTS}张，这张图片没有保存。"
    number = len(draft.attachments) + 1
    item = {"name": f"图片{number}", "kind": "image", "media_id": media_id[:200]}
    if pic_url:
        item["url"] = pic_url[:500]
    draft.attachments.append(item)
    return f"已收到第{number}张图片，将作为附件随需求一起提交。"


def clear(draft: Draft, slot: Slot) -> None:
    """Empty ``slot`` so it is asked again (修改)."""
    if slot in draft.skipped:
        draft.skipped.remove(slot)
    draft.tries.pop(slot.value, None)
    match slot:
        case Slot.ENTERPRISE:
            draft.enterprise_name = draft.credit_code = None
        case Slot.REGION:
            draft.region_code, draft.region_choices = None, []
        case Slot.CONTACT:
            draft.contact_name = draft.contact_phone = draft.contact_email = None
        case Slot.TITLE:
            draft.title = None
        case Slot.DESCRIPTION:
            draft.description, draft.describing = [], False
        case Slot.EXPECTED_OUTCOME:
            draft.expected_outcome = None
        case Slot.BUDGET:
            draft.budget_min = draft.budget_max = None
            draft.budget_negotiable = draft.budget_given = False
        case Slot.DEADLINE:
            draft.deadline, draft.deadline_given = None, False
