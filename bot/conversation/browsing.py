"""「我的需求」 in the dialogue: the list, one demand, withdrawal and rating, in the user's state."""

from __future__ import annotations

from bot.conversation import demands, texts
from bot.conversation.state import Mode
from bot.conversation.turn import Turn
from bot.parsing.commands import Command, parse_rating
from ingestion.normalize import meaningful_length
from models import DemandStatus
from workflow import my_demands


def draft_hint(turn: Turn) -> str:
    return "\n您有一份未完成的需求草稿，回复「继续」接着填写。" if turn.chat.draft is not None else ""


def show_list(turn: Turn) -> str:
    actor = demands.actor_of(turn.session, turn.openid)
    if actor is None:
        return demands.NO_DEMANDS + draft_hint(turn)
    reply, ids = demands.list_text(turn.session, actor)
    turn.chat.listed = ids
    if ids:
        turn.chat.mode, turn.chat.demand_id = Mode.LISTED, None
    return reply + draft_hint(turn)


def detail(turn: Turn, demand_id: int) -> str:
    actor = demands.actor_of(turn.session, turn.openid)
    if actor is None:
        return demands.NO_DEMANDS
    reply, status = demands.detail_text(turn.session, actor, demand_id, now=turn.now)
    turn.chat.mode, turn.chat.demand_id = Mode.DETAIL, demand_id
    turn.chat.demand_returned = status is DemandStatus.RETURNED
    return reply


def withdraw_ask(turn: Turn) -> str:
    if turn.chat.demand_id is None or turn.chat.mode not in (Mode.DETAIL, Mode.WITHDRAW):
        return "请先发送「我的需求」，回复序号打开要撤回的需求，再回复「撤回」。"
    turn.chat.mode = Mode.WITHDRAW
    return "确定要撤回这项需求吗？撤回后学会和专家将停止对接。回复「确认」撤回，回复「取消」保留。"


def withdraw(turn: Turn) -> str:
    actor = demands.actor_of(turn.session, turn.openid)
    demand_id = turn.chat.demand_id
    if actor is None or demand_id is None:
        return texts.NOTHING_TO_DO
    reply = demands.withdraw_text(turn.session, actor, demand_id, now=turn.now)
    turn.chat.mode, turn.chat.demand_id, turn.chat.demand_returned = Mode.IDLE, None, False
    return reply


def rate(turn: Turn, command: Command) -> str:
    actor = demands.actor_of(turn.session, turn.openid)
    if actor is not None and turn.chat.demand_id is not None and turn.chat.mode is Mode.DETAIL:
        demand_id = turn.chat.demand_id
    else:
        waiting = [d for d in my_demands(turn.session, actor) if d.status is DemandStatus.COMPLETED] if actor else []
        if actor is None or not waiting:
            return "目前没有待评价的需求。需求完成后，回复「评价 5 很满意」这样的「评价 分数(1–5) 意见」即可。"
        demand_id = waiting[0].id
    return demands.rate_text(turn.session, actor, demand_id, command.number or 0, command.text, now=turn.now)


def answer_waiting(turn: Turn, text: str) -> str | None:
    """A message outside any dialogue that answers what a push asked for, or ``None``.

    The completion notice asks for "5 专家很专业" and the return notice for the missing
    information, both as a plain reply: a rating goes to the newest completed demand, other text to
    the returned demand (when exactly one waits; with several the user picks one in 「我的需求」).
    """
    actor = demands.actor_of(turn.session, turn.openid)
    if actor is None:
        return None
    items = my_demands(turn.session, actor)
    rating = parse_rating(text)
    completed = [d for d in items if d.status is DemandStatus.COMPLETED]
    if rating is not None and completed:
        return demands.rate_text(turn.session, actor, completed[0].id, rating[0], rating[1], now=turn.now)
    returned = [d for d in items if d.status is DemandStatus.RETURNED]
    if not returned or meaningful_length(text) < 2:
        return None
    if len(returned) > 1:
        return f"您有{len(returned)}项需求等待补充：请先发送「我的需求」，回复序号打开其中一项，再发送补充内容。"
    reply = demands.supplement_text(turn.session, actor, returned[0].id, text, now=turn.now)
    turn.chat.demand_returned = False
    return reply
