"""「我的需求」 in the dialogue: the list, one demand, withdrawal and rating, in the user's state."""

from __future__ import annotations

from bot.conversation import demands, texts
from bot.conversation.state import Mode
from bot.conversation.turn import Turn
from bot.parsing.commands import Command
from models import DemandStatus


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
    if actor is None or turn.chat.demand_id is None:
        return "请先发送「我的需求」，回复序号打开已完成的需求，再回复「评价 5 很满意」这样的评价。"
    return demands.rate_text(turn.session, actor, turn.chat.demand_id, command.number or 0, command.text, now=turn.now)
