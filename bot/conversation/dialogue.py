"""One turn of the dialogue: the inbound message, the user's state before, the reply and the state after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from bot import menu
from bot.conversation import browsing, demands, filling, intake, texts
from bot.conversation.state import ChatState, Draft, Mode
from bot.conversation.turn import Turn
from bot.inbound import Inbound
from bot.parsing.commands import Action, Command, Slot, parse_command
from bot.parsing.message import read_message, suggest_title
from core.errors import DomainError
from core.settings import BotSettings
from ingestion.normalize import meaningful_length
from models import Conversation
from workflow import request_staff_help

HELP_REPEAT_AFTER = timedelta(hours=1)
"""A second 人工 within this time is answered without notifying staff again."""
MIN_PROBLEM_CHARS = 8
"""A message in no dialogue with at least this many characters is taken as a problem description."""
FIELD_SLOTS = {
    "credit_code": Slot.ENTERPRISE,
    "region_code": Slot.REGION,
    "deadline": Slot.DEADLINE,
    "description": Slot.DESCRIPTION,
    "title": Slot.TITLE,
    "budget_min": Slot.BUDGET,
}


def handle(session: Session, row: Conversation, inbound: Inbound, settings: BotSettings, now: datetime) -> str:
    """The reply to ``inbound``; ``row`` is updated with the state after it (not flushed).

    The webhook refuses text over ``settings.max_message_chars`` before the dialogue sees it.
    """
    text = (inbound.content or "").strip()
    turn = Turn(session, inbound.openid, ChatState(row), settings, now)
    notes: list[str] = []
    expires = row.expires_at
    if turn.chat.draft is not None and expires is not None and expires.replace(tzinfo=expires.tzinfo or UTC) <= now:
        turn.chat.draft = None
        if turn.chat.mode in (Mode.FILLING, Mode.CONFIRM):
            turn.chat.mode = Mode.IDLE
        notes.append(f"您上次未完成的需求草稿已超过{settings.draft_ttl_hours}小时没有更新，已自动清除。")
    reply = _dispatch(turn, inbound, text)
    turn.chat.save(now, settings.draft_ttl_hours)
    return "\n".join(part for part in (*notes, reply) if part)


def _dispatch(turn: Turn, inbound: Inbound, text: str) -> str:
    if inbound.msg_type == "event":
        return _event(turn, (inbound.event or "").lower(), inbound.event_key or "")
    if inbound.msg_type == "image":
        return _image(turn, inbound)
    if inbound.msg_type not in ("text", "voice"):
        return texts.UNSUPPORTED
    if not text:
        return texts.VOICE_UNHEARD if inbound.msg_type == "voice" else texts.NOTHING_TO_DO
    command = parse_command(text)
    if command is not None:
        reply = _command(turn, command, text)
        if reply is not None:
            return reply
    return _text(turn, text)


def _event(turn: Turn, event: str, key: str) -> str:
    if event == "subscribe":
        return texts.WELCOME + browsing.draft_hint(turn)
    if event == "click":
        if key == menu.SUBMIT:
            return _start(turn, None)
        if key == menu.MY_DEMANDS:
            return browsing.show_list(turn)
        if key == menu.HELP:
            return texts.HELP + browsing.draft_hint(turn)
        return texts.NOTHING_TO_DO
    return ""


def _image(turn: Turn, inbound: Inbound) -> str:
    if not inbound.media_id:
        return texts.UNSUPPORTED
    started = turn.chat.draft is None
    if started:
        _new_draft(turn)
    note = filling.add_attachment(turn.draft, inbound.media_id, inbound.pic_url)
    if turn.chat.mode is Mode.CONFIRM:
        return note + "\n确认无误请回复「提交」。"
    if started or turn.chat.mode is not Mode.FILLING:
        return _next(turn, [note])
    return note


def _new_draft(turn: Turn) -> None:
    draft = Draft()
    intake.prefill(turn.session, turn.openid, draft, turn.chat.profile)
    turn.chat.draft = draft
    turn.chat.mode = Mode.FILLING


def _next(turn: Turn, notes: list[str]) -> str:
    """Ask the first missing slot, or show the preview when nothing is missing."""
    draft = turn.draft
    draft.describing = False
    missing = draft.missing()
    parts = [n for n in notes if n]
    if missing:
        draft.asking = missing[0]
        turn.chat.mode = Mode.FILLING
        if draft.asking is Slot.REGION and draft.region_choices:
            parts.append(filling.region_choice_text(draft))
        else:
            parts.append(texts.question(draft.asking, draft))
    else:
        draft.asking = None
        turn.chat.mode = Mode.CONFIRM
        parts.append(texts.preview(draft))
    return "\n".join(parts)


def _start(turn: Turn, text: str | None) -> str:
    if turn.chat.draft is not None:
        if text:
            return "您有一份未完成的需求草稿：回复「继续」接着填写，或回复「取消」后重新开始。"
        return _next(turn, ["您有一份未完成的需求草稿，我们接着填写。"])
    _new_draft(turn)
    bound = (
        f"将以「{turn.draft.enterprise_name}」的名义登记，地区和联系人沿用上次，预览时可修改。"
        if turn.draft.enterprise_bound
        else ""
    )
    if not text:
        return _next(
            turn, ["好的，我们开始登记需求，大约需要两三分钟。随时可以回复「预览」「修改 项目」「取消」。", bound]
        )
    draft = turn.draft
    added = filling.add_to_description(draft, text)
    if not added.ok:
        return _next(turn, [added.problem])
    draft.title_suggestion = suggest_title(text) if len(text) > 40 else None
    filled = filling.merge_facts(draft, read_message(text, turn.today), except_slot=Slot.DESCRIPTION)
    notes = ["收到，已记下您的问题描述。", bound]
    if filled:
        notes.append("已从您的消息中识别：" + "、".join(s.label for s in filled if s is not Slot.DESCRIPTION) + "。")
    return _next(turn, notes)


def _answer(turn: Turn, text: str) -> str:
    draft = turn.draft
    slot = draft.asking or next(iter(draft.missing()), None)
    if slot is None:
        return _next(turn, [])
    before = set(draft.missing())
    result = filling.answer(draft, slot, text, turn.today)
    if not result.ok:
        if slot is Slot.REGION and draft.region_choices and not result.problem:
            return filling.region_choice_text(draft)
        return filling.fail(draft, slot, result.problem, turn.settings.max_tries)
    others = [s for s in before - set(draft.missing()) if s is not slot]
    notes = [result.note]
    if others:
        notes.append("已从您的消息中识别：" + "、".join(s.label for s in sorted(others, key=list(Slot).index)) + "。")
    if slot is Slot.DESCRIPTION and draft.describing:
        return "\n".join([*filter(None, notes[1:]), texts.DESCRIBE_MORE])
    return _next(turn, notes)


def _command(turn: Turn, command: Command, text: str) -> str | None:
    """The reply to a command, or ``None`` when in this state the text is an answer after all."""
    chat, action = turn.chat, command.action
    filling_now = chat.mode is Mode.FILLING and chat.draft is not None
    if action is Action.START:
        return _start(turn, None)
    if action is Action.HELP:
        return texts.HELP + browsing.draft_hint(turn)
    if action is Action.HUMAN:
        return _human(turn, text)
    if action in (Action.MY_DEMANDS, Action.BACK):
        return browsing.show_list(turn)
    if action is Action.CANCEL:
        return _cancel(turn)
    if action is Action.PREVIEW:
        if chat.draft is None:
            return "目前没有需求草稿。" + texts.NOTHING_TO_DO
        chat.draft.describing = False
        chat.mode = Mode.FILLING if chat.draft.missing_required() else Mode.CONFIRM
        return texts.preview(chat.draft)
    if action is Action.CONTINUE:
        if chat.draft is None:
            return "目前没有需要继续填写的草稿。" + texts.NOTHING_TO_DO
        return _next(turn, [])
    if action is Action.EDIT:
        return _edit(turn, command)
    if action is Action.CONFIRM:
        if filling_now and chat.draft is not None and chat.draft.asking is Slot.TITLE and chat.draft.title_suggestion:
            return _skip_or_done(turn, Action.SKIP)
        if chat.mode is Mode.WITHDRAW and chat.demand_id is not None:
            return browsing.withdraw(turn)
        if chat.mode is Mode.CONFIRM:
            return _submit_or_confirm(turn, filling_now)
        return None
    if action is Action.SUBMIT:
        return _submit_or_confirm(turn, filling_now)
    if action is Action.WITHDRAW:
        return browsing.withdraw_ask(turn)
    if action is Action.RATE:
        return browsing.rate(turn, command)
    if action is Action.SUPPLEMENT:
        return _supplement(turn, command.text)
    if action is Action.NUMBER:
        return _number(turn, command.number or 0)
    if action in (Action.SKIP, Action.DONE) and filling_now:
        return _skip_or_done(turn, action)
    return None


def _cancel(turn: Turn) -> str:
    chat = turn.chat
    if chat.mode is Mode.WITHDRAW:
        chat.mode = Mode.DETAIL
        return "好的，需求没有撤回。"
    if chat.draft is not None:
        chat.draft, chat.mode = None, Mode.IDLE
        return "已取消这份需求草稿，填写的内容已删除。需要时发送「提交需求」重新开始。"
    chat.mode = Mode.IDLE
    return "好的。" + texts.NOTHING_TO_DO


def _edit(turn: Turn, command: Command) -> str:
    draft = turn.chat.draft
    if draft is None:
        return "目前没有可修改的需求草稿。" + texts.NOTHING_TO_DO
    slot = command.slot
    if slot is None:
        return "要修改哪一项？例如：修改 企业 / 地区 / 联系人 / 标题 / 描述 / 期望 / 预算 / 时间。"
    if slot is Slot.ENTERPRISE and draft.enterprise_bound:
        return f"您的微信号已绑定企业「{draft.enterprise_name}」，不能在这里更换。如需更换请回复「人工」。"
    filling.clear(draft, slot)
    draft.asking = slot
    turn.chat.mode = Mode.FILLING
    if command.text:
        return _answer(turn, command.text)
    return texts.question(slot, draft)


def _submit_or_confirm(turn: Turn, filling_now: bool) -> str:
    chat = turn.chat
    draft = chat.draft
    if draft is None:
        return "目前没有待提交的需求。" + texts.NOTHING_TO_DO
    draft.describing = False
    missing = draft.missing_required()
    if missing:
        ask = texts.question(draft.asking, draft) if filling_now and draft.asking else ""
        chat.mode = Mode.FILLING
        return "还不能提交，还需填写：" + "、".join(s.label for s in missing) + "。\n" + (ask or _next(turn, []))
    if chat.mode is not Mode.CONFIRM:
        chat.mode = Mode.CONFIRM
        return "提交前请先核对：\n" + texts.preview(draft)
    return _submit(turn, draft)


def _submit(turn: Turn, draft: Draft) -> str:
    try:
        with turn.session.begin_nested():
            reply, user_id = intake.submit_draft(turn.session, turn.openid, draft, now=turn.now)
    except DomainError as exc:
        slot = FIELD_SLOTS.get(str(exc.fields.get("field", "")))
        if slot is not None and not (slot is Slot.ENTERPRISE and draft.enterprise_bound):
            if slot is not Slot.DESCRIPTION:
                filling.clear(draft, slot)
            draft.asking = slot
            turn.chat.mode = Mode.FILLING
            return f"提交没有成功：{exc.message}\n{texts.question(slot, draft)}"
        return f"提交没有成功：{exc.message}\n请修改后再回复「提交」，或回复「人工」请工作人员帮助。"
    intake.remember(turn.chat.profile, draft)
    turn.chat.row.user_id = user_id
    turn.chat.draft, turn.chat.mode, turn.chat.listed, turn.chat.demand_id = None, Mode.IDLE, [], None
    return reply


def _skip_or_done(turn: Turn, action: Action) -> str:
    draft = turn.draft
    slot = draft.asking
    if slot is Slot.DESCRIPTION and draft.describing:
        draft.describing = False
        return _next(turn, ["好的，问题描述已记下。"])
    if slot is None:
        return _next(turn, [])
    if filling.skip(draft, slot):
        if slot is Slot.TITLE and draft.title:
            return _next(turn, [f"标题：「{draft.title}」。"])
        return _next(turn, [f"已跳过「{slot.label}」。"])
    reply = filling.fail(draft, slot, f"「{slot.label}」是必填项。", turn.settings.max_tries)
    offer = texts.give_up_offer(slot)
    return reply if offer in reply else f"{reply}\n{offer}"


def _number(turn: Turn, number: int) -> str | None:
    chat = turn.chat
    if chat.mode is Mode.FILLING and chat.draft is not None and chat.draft.region_choices:
        result = filling.choose_region(chat.draft, number)
        if not result.ok:
            return result.problem + "\n" + filling.region_choice_text(chat.draft)
        return _next(turn, [result.note])
    if chat.mode in (Mode.LISTED, Mode.DETAIL) and chat.listed:
        if not 1 <= number <= len(chat.listed):
            return f"请回复1到{len(chat.listed)}之间的序号。"
        return browsing.detail(turn, chat.listed[number - 1])
    return None


def _human(turn: Turn, text: str) -> str:
    draft, profile = turn.chat.draft, turn.chat.profile
    keep = "您的草稿会保留，回复「继续」可接着填写。" if draft is not None else ""
    last = turn.chat.helped_at
    if last is not None and turn.now - last < HELP_REPEAT_AFTER:
        return "已经通知过工作人员了，他们会尽快与您联系，请耐心等待。" + keep
    region = (draft.region_code if draft else None) or profile.region_code
    context = [f"用户发送：{text}"]
    if draft is not None:
        who = " ".join(p for p in (draft.enterprise_name, draft.contact_name, draft.contact_phone) if p)
        context.append(
            f"正在填写需求（{who or '未留联系方式'}）" + (f"，卡在「{draft.asking.label}」" if draft.asking else "")
        )
    helped = request_staff_help(turn.session, turn.openid, region_code=region, text="；".join(context), now=turn.now)
    turn.chat.helped_at = turn.now
    return f"已通知{helped.handled_by}的工作人员，他们会尽快与您联系。" + keep


def _supplement(turn: Turn, text: str) -> str:
    chat = turn.chat
    if chat.draft is not None and chat.mode in (Mode.FILLING, Mode.CONFIRM):
        if meaningful_length(text) < 2:
            return "请在「补充」后写上要补充的内容。"
        result = filling.add_to_description(chat.draft, text)
        if not result.ok:
            return result.problem
        return "已把这段补充到问题描述。" + ("\n确认无误请回复「提交」。" if chat.mode is Mode.CONFIRM else "")
    if chat.mode is Mode.DETAIL and chat.demand_id is not None and chat.demand_returned:
        actor = demands.actor_of(turn.session, turn.openid)
        if actor is not None:
            reply = demands.supplement_text(turn.session, actor, chat.demand_id, text, now=turn.now)
            chat.demand_returned = False
            return reply
    return "目前没有需要补充的需求。发送「我的需求」查看，被退回的需求打开后可以补充。"


def _text(turn: Turn, text: str) -> str:
    chat = turn.chat
    if chat.mode is Mode.FILLING and chat.draft is not None:
        return _answer(turn, text)
    if chat.mode is Mode.CONFIRM and chat.draft is not None:
        return texts.NOT_YET_SUBMITTED
    if chat.mode is Mode.DETAIL and chat.demand_returned:
        return _supplement(turn, text)
    waiting = browsing.answer_waiting(turn, text)
    if waiting is not None:
        return waiting
    if meaningful_length(text) >= MIN_PROBLEM_CHARS:
        return _start(turn, text)
    return texts.NOTHING_TO_DO + browsing.draft_hint(turn)
