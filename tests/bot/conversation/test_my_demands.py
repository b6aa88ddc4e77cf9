"""「我的需求」 by chat: own demands only, newest first; detail, supplement, withdrawal, rating."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

import workflow
from models import Demand, DemandStatus, Expert
from tests.bot.conversation.chat import Chat
from tests.factories import make_demand, make_expert
from tests.workflow.conftest import World, demand_in
from tests.workflow.offering import NOW, accepted_demand

OPENID = "o-ent-1"  # the world's enterprise user


def test_my_demands_lists_only_own_newest_first_and_a_number_opens_one(session: Session, world: World) -> None:
    older = demand_in(session, world, DemandStatus.SUBMITTED, title="鞋底回弹性差")
    newer = demand_in(session, world, DemandStatus.SUBMITTED, title="鞋面胶水发黄")
    make_demand(session, world.other_enterprise, title="别人家的需求")
    chat = Chat(session, OPENID)
    listing = chat.say("进度")
    assert "别人家的需求" not in listing
    assert listing.index("鞋面胶水发黄") < listing.index("鞋底回弹性差")
    assert "1. 「鞋面胶水发黄」" in listing
    detail = chat.say("2")
    assert f"编号{older.id}" in detail
    assert "状态：" in detail
    assert "进展：" in detail
    assert "1到2之间" in chat.say("9")
    assert f"编号{newer.id}" in chat.say("1")


def test_a_user_without_an_enterprise_has_no_demands(session: Session, world: World) -> None:
    demand_in(session, world, DemandStatus.SUBMITTED, title="鞋底回弹性差")
    reply = Chat(session, "o-stranger").say("我的需求")
    assert "还没有提交过需求" in reply
    assert "鞋底回弹性差" not in reply


def test_the_answer_to_a_returned_demand_is_its_supplement(session: Session, world: World) -> None:
    demand = demand_in(session, world, DemandStatus.SUBMITTED, title="鞋底回弹性差", submitted_at=NOW)
    workflow.return_for_info(session, world.actor("la_jinjiang"), demand.id, "请说明目前使用的发泡材料型号", now=NOW)
    chat = Chat(session, OPENID, now=NOW + timedelta(hours=1))
    chat.say("我的需求")
    detail = chat.say("1")
    assert "请说明目前使用的发泡材料型号" in detail
    assert "补充" in detail
    reply = chat.say("目前用的是EVA 7470M，发泡倍率1.6")
    assert "重新提交" in reply
    assert demand.status is DemandStatus.SUBMITTED
    assert "EVA 7470M" in demand.description


def test_withdrawal_by_chat_asks_for_confirmation(session: Session, world: World) -> None:
    demand = demand_in(session, world, DemandStatus.SUBMITTED, title="鞋底回弹性差", submitted_at=NOW)
    chat = Chat(session, OPENID, now=NOW + timedelta(hours=1))
    chat.say("我的需求")
    chat.say("1")
    assert "确认" in chat.say("撤回")
    assert "没有撤回" in chat.say("取消")
    assert demand.status is DemandStatus.SUBMITTED
    chat.say("撤回")
    assert "已撤回" in chat.say("确认")
    assert demand.status is DemandStatus.WITHDRAWN


def test_rating_a_completed_demand_by_chat_closes_it(session: Session, world: World) -> None:
    team: list[Expert] = [make_expert(session, societies=[world.society]) for _ in range(2)]
    demand = accepted_demand(session, world, team)
    workflow.confirm_docking(session, world.actor("la_jinjiang"), demand.id, now=NOW)
    later = NOW + timedelta(days=3)
    workflow.record_agreement(session, world.actor("society"), demand.id, date(2026, 12, 1), "150000", now=later)
    workflow.report_outcome(session, world.actor("society"), demand.id, "回弹率提高到58%，已量产", now=later)
    chat = Chat(session, OPENID, now=later + timedelta(hours=1))
    chat.say("我的需求")
    assert "评价" in chat.say("1")
    reply = chat.say("评价 5 很满意，专家很专业")
    assert "5分" in reply
    stored = session.scalar(select(Demand).where(Demand.id == demand.id))
    assert stored is not None
    assert stored.status is DemandStatus.CLOSED


def test_rating_before_completion_is_refused_in_chinese(session: Session, world: World) -> None:
    demand = demand_in(session, world, DemandStatus.SUBMITTED, title="鞋底回弹性差", submitted_at=NOW)
    chat = Chat(session, OPENID, now=NOW + timedelta(hours=1))
    chat.say("我的需求")
    chat.say("1")
    reply = chat.say("评价 5 很好")
    assert demand.status is DemandStatus.SUBMITTED
    assert "不能评价" in reply


def test_a_plain_reply_to_the_completion_notice_rates_the_demand(session: Session, world: World) -> None:
    team: list[Expert] = [make_expert(session, societies=[world.society]) for _ in range(2)]
    demand = accepted_demand(session, world, team)
    workflow.confirm_docking(session, world.actor("la_jinjiang"), demand.id, now=NOW)
    later = NOW + timedelta(days=3)
    workflow.record_agreement(session, world.actor("society"), demand.id, date(2026, 12, 1), "150000", now=later)
    workflow.report_outcome(session, world.actor("society"), demand.id, "回弹率提高到58%，已量产", now=later)
    reply = Chat(session, OPENID, now=later + timedelta(hours=1)).say("5 专家很专业")
    assert "5分" in reply
    assert demand.status is DemandStatus.CLOSED
    assert not session.scalars(select(Demand).where(Demand.id != demand.id)).all()


def test_a_plain_reply_to_the_return_notice_is_the_supplement(session: Session, world: World) -> None:
    demand = demand_in(session, world, DemandStatus.SUBMITTED, title="鞋底回弹性差", submitted_at=NOW)
    workflow.return_for_info(session, world.actor("la_jinjiang"), demand.id, "请说明目前使用的发泡材料型号", now=NOW)
    reply = Chat(session, OPENID, now=NOW + timedelta(hours=1)).say("目前用的是EVA 7470M，发泡倍率1.6")
    assert "重新提交" in reply
    assert demand.status is DemandStatus.SUBMITTED
    assert "EVA 7470M" in demand.description


def test_without_anything_waiting_a_description_starts_a_new_draft(session: Session, world: World) -> None:
    demand_in(session, world, DemandStatus.SUBMITTED, title="鞋底回弹性差", submitted_at=NOW)
    reply = Chat(session, OPENID, now=NOW + timedelta(hours=1)).say("我们的鞋面胶水用久了会发黄，想找专家换配方")
    assert "已记下您的问题描述" in reply
