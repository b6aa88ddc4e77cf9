"""取消, 预览, 修改 <项>, 继续, 提交 at any point of a draft."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory import credit_code
from models import Demand
from tests.bot.conversation.chat import Chat

CODE = credit_code.generate("350582", 33445566)
FULL = f"晋江恒达鞋业有限公司 {CODE}，在晋江，联系人王明 13905951234。我们的鞋底低温下开裂，需要改进发泡配方"


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Demand)) or 0


def _filled(session: Session, openid: str) -> Chat:
    chat = Chat(session, openid)
    chat.say(FULL)
    for answer in ("跳过", "零下20度不开裂", "10-30万元"):
        chat.say(answer)
    return chat


def test_submit_needs_the_preview_confirmed_first(session: Session) -> None:
    chat = Chat(session, "o-early")
    chat.say("提交需求")
    early = chat.say("提交")
    assert "还不能提交" in early
    assert "企业名称" in early
    chat = _filled(session, "o-confirm")
    assert "请核对" in chat.say("不限")
    assert _count(session) == 0
    assert "已提交" in chat.say("提交")
    assert _count(session) == 1


def test_submit_in_the_middle_shows_the_preview_before_anything_is_stored(session: Session) -> None:
    chat = _filled(session, "o-mid")
    reply = chat.say("提交")
    assert "请先核对" in reply
    assert _count(session) == 0


def test_cancel_discards_the_draft(session: Session) -> None:
    chat = _filled(session, "o-cancel")
    assert "已取消" in chat.say("取消")
    assert "draft" not in chat.conversation().slots
    assert "没有" in chat.say("预览")
    assert _count(session) == 0


def test_preview_shows_what_is_filled_and_continue_resumes_the_question(session: Session) -> None:
    chat = Chat(session, "o-preview")
    chat.say(FULL)
    preview = chat.say("预览")
    assert "晋江恒达鞋业有限公司" in preview
    assert "福建省泉州市晋江市" in preview
    assert "13905951234" in preview
    resumed = chat.say("继续")
    assert "标题" in resumed


def test_edit_a_slot_with_or_without_its_new_value(session: Session) -> None:
    chat = _filled(session, "o-edit")
    chat.say("不限")
    edited = chat.say("修改 预算 5万左右")
    assert "5万元" in edited
    assert "请核对" in edited
    asked = chat.say("修改地区")
    assert "县（市、区）" in asked
    assert "请核对" in chat.say("福州市仓山区")
    chat.say("提交")
    demand = session.scalar(select(Demand))
    assert demand is not None
    assert demand.region_code == "350104"
    assert (demand.budget_min, demand.budget_max) == (Decimal(50_000), Decimal(50_000))


def test_edit_without_a_known_item_lists_the_items(session: Session) -> None:
    chat = _filled(session, "o-edit-what")
    assert "要修改哪一项" in chat.say("修改")


def test_a_deadline_in_the_past_is_asked_again(session: Session) -> None:
    chat = _filled(session, "o-past")
    reply = chat.say("2025年3月")
    assert "已经过去" in reply
    assert "完成" in reply


def test_supplement_adds_to_the_description_of_a_draft(session: Session) -> None:
    chat = _filled(session, "o-more")
    chat.say("不限")
    assert "补充到问题描述" in chat.say("补充：另外鞋底硬度偏高")
    chat.say("提交")
    demand = session.scalar(select(Demand))
    assert demand is not None
    assert "硬度偏高" in demand.description


def test_an_image_outside_a_draft_starts_one_and_is_kept_as_attachment(session: Session) -> None:
    chat = Chat(session, "o-photo")
    reply = chat.image("media-first")
    assert "第1张图片" in reply
    assert "企业全称" in reply
    assert "附件：1张图片" in chat.say("预览")
    assert chat.conversation().slots["draft"]["attachments"][0]["media_id"] == "media-first"


def test_help_and_subscribe_mention_an_open_draft(session: Session) -> None:
    chat = Chat(session, "o-hint")
    chat.say("提交需求")
    assert "继续" in chat.say("帮助")
    assert "继续" in chat.subscribe()


def test_a_menu_click_on_my_demands_without_an_enterprise_explains_how_to_start(session: Session) -> None:
    reply = Chat(session, "o-menu").click("MY_DEMANDS")
    assert "提交需求" in reply
