"""A demand submitted by chat: slot filling through respond() on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import menu
from directory import credit_code
from models import AuditEvent, Demand, DemandSource, DemandStatus, Enterprise, Notification, Role, User
from tests.bot.conversation.chat import Chat
from tests.factories import make_user

CODE = credit_code.generate("350582", 22334455)


def _demands(session: Session) -> list[Demand]:
    return list(session.scalars(select(Demand).order_by(Demand.id)))


def test_subscribe_welcomes_and_says_how_to_start(session: Session) -> None:
    reply = Chat(session, "o-welcome").subscribe()
    assert "创新驱动助力工程" in reply
    assert "提交需求" in reply


def test_scripted_user_in_own_words_gets_a_submitted_demand_with_correct_fields(session: Session) -> None:
    make_user(session, Role.LOCAL_ASSOCIATION, region_code="350582")
    chat = Chat(session, "o-script")
    assert "企业全称" in chat.click(menu.SUBMIT)
    assert "信用代码" in chat.say("我们是晋江恒达鞋业有限公司")
    assert "校验位" in chat.say("代码是 " + CODE[:-1] + ("0" if CODE[-1] != "0" else "1"))
    assert "县（市、区）" in chat.say(f"哦不好意思，是{CODE}")
    choices = chat.say("在泉州")
    assert "晋江市" in choices
    number = [line.split(".")[0] for line in choices.splitlines() if "晋江市" in line][0]
    assert "联系人" in chat.say(number)
    assert "怎么称呼" in chat.say("电话 139-0595-1234")
    assert "标题" in chat.say("我姓王，叫王明")
    assert "描述" in chat.say("鞋底冬天开裂")
    assert "好了" in chat.say("我们生产的EVA鞋底到了冬天零下的时候容易开裂，换过几种发泡剂都不理想")
    assert "图片" in chat.image("media-crack-1")
    assert "好了" in chat.voice("另外硬度也偏高，客户投诉比较多")
    assert "效果" in chat.say("说完了")
    assert "预算" in chat.say("零下20度弯折不开裂，硬度降到55度左右")
    assert "预算" in chat.say("这个不好说")
    assert "完成" in chat.say("差不多10到30万吧")
    preview = chat.say("争取明年6月前搞定")
    assert "请核对" in preview
    assert not _demands(session)
    done = chat.say("确认提交")
    assert "已提交" in done
    assert "对接确认前不会提供给学会" in done

    [demand] = _demands(session)
    assert demand.status is DemandStatus.SUBMITTED
    assert demand.source is DemandSource.WECHAT
    assert demand.region_code == "350582"
    assert demand.title == "鞋底冬天开裂"
    assert "零下的时候容易开裂" in demand.description
    assert "硬度也偏高" in demand.description
    assert demand.expected_outcome == "零下20度弯折不开裂，硬度降到55度左右"
    assert (demand.budget_min, demand.budget_max) == (Decimal(100_000), Decimal(300_000))
    assert demand.deadline == date(2027, 5, 31)
    assert (demand.contact_name, demand.contact_phone) == ("王明", "13905951234")
    assert [a["media_id"] for a in demand.attachments] == ["media-crack-1"]
    enterprise = session.get(Enterprise, demand.enterprise_id)
    assert enterprise is not None
    assert (enterprise.name, enterprise.credit_code) == ("晋江恒达鞋业有限公司", CODE)
    user = session.scalar(select(User).where(User.wechat_openid == "o-script"))
    assert user is not None
    assert user.enterprise_id == enterprise.id
    assert chat.conversation().user_id == user.id
    assert chat.conversation().state == "idle"


def test_one_long_message_fills_every_slot_it_can_and_asks_only_the_rest(session: Session) -> None:
    chat = Chat(session, "o-long")
    reply = chat.say(
        f"您好，我们是晋江恒达鞋业有限公司（统一社会信用代码{CODE}），位于晋江市。我们生产的EVA鞋底在低温下容易开裂，"
        "想找专家改进发泡配方。预算10-30万元，希望明年6月前完成。联系人王明，电话13905951234。"
    )
    assert "已从您的消息中识别" in reply
    assert "标题" in reply
    assert "我们生产的EVA鞋底在低温下容易开裂" in reply
    assert "效果" in chat.say("好")
    preview = chat.say("零下20度不开裂")
    assert "请核对" in preview
    assert "10万–30万元" in preview
    chat.say("提交")
    [demand] = _demands(session)
    assert demand.title == "我们生产的EVA鞋底在低温下容易开裂，想找专家改进发泡配方"
    assert demand.contact_phone == "13905951234"
    assert "13905951234" not in demand.description
    assert demand.deadline == date(2027, 5, 31)


def test_the_enterprise_is_remembered_for_the_next_demand(session: Session) -> None:
    chat = Chat(session, "o-again")
    chat.say(f"晋江恒达鞋业有限公司 {CODE}，在晋江，联系人王明 13905951234。我们的鞋底低温下开裂，需要改进配方")
    for answer in ("跳过", "跳过", "面议", "不限", "提交"):
        chat.say(answer)
    assert len(_demands(session)) == 1
    reply = chat.say("提交需求")
    assert "晋江恒达鞋业有限公司" in reply
    assert "标题" in reply
    assert "不能在这里更换" in chat.say("修改 企业")


def test_after_three_failed_tries_a_required_slot_offers_staff(session: Session) -> None:
    make_user(session, Role.CENTER)
    chat = Chat(session, "o-stuck")
    chat.say("提交需求")
    chat.say("不知道")
    chat.say("123")
    third = chat.say("这个怎么填")
    assert "人工" in third
    assert "跳过" not in third
    reply = chat.say("人工")
    assert "工作人员" in reply
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "help.request"))
    assert event is not None
    assert event.data["openid"] == "o-stuck"
    assert session.scalar(select(Notification).where(Notification.kind.like("%help%"))) is not None


def test_after_three_failed_tries_an_optional_slot_can_be_skipped(session: Session) -> None:
    chat = Chat(session, "o-skip")
    chat.say(f"晋江恒达鞋业有限公司 {CODE}，在晋江，联系人王明 13905951234。我们的鞋底低温下开裂，需要改进配方")
    chat.say("跳过")
    chat.say("零下20度不开裂")
    assert "预算" in chat.say("很多钱")
    chat.say("看老板")
    third = chat.say("一些")
    assert "跳过" in third
    assert "完成" in chat.say("跳过")


def test_voice_without_recognition_is_asked_again(session: Session) -> None:
    reply = Chat(session, "o-voice").voice(None)
    assert "没有识别" in reply


def test_unknown_message_types_get_a_polite_answer(session: Session) -> None:
    chat = Chat(session, "o-odd")
    assert "文字" in chat._send("location")


def test_a_region_named_in_the_next_demand_replaces_the_remembered_one(session: Session) -> None:
    chat = Chat(session, "o-moved")
    chat.say(f"晋江恒达鞋业有限公司 {CODE}，在晋江，联系人王明 13905951234。我们的鞋底低温下开裂，需要改进配方")
    for answer in ("跳过", "跳过", "面议", "不限", "提交"):
        chat.say(answer)
    chat.say("我们在德化县的新工厂，陶瓷釉面烧成后出现针孔，想请专家诊断烧成工艺")
    assert "福建省泉州市德化县" in chat.say("预览")


def test_submit_while_describing_closes_the_description(session: Session) -> None:
    chat = Chat(session, "o-describing")
    chat.say("提交需求")
    chat.say(f"晋江恒达鞋业有限公司 {CODE}，在晋江，联系人王明 13905951234。")
    chat.say("鞋底开裂")
    assert "好了" in chat.say("我们生产的EVA鞋底冬天容易开裂")
    reply = chat.say("提交")
    assert "请先核对" in reply
    assert "还需填写" not in reply


def test_asking_for_staff_again_within_the_hour_notifies_once(session: Session) -> None:
    make_user(session, Role.CENTER)
    chat = Chat(session, "o-impatient")
    assert "已通知" in chat.say("人工")
    assert "已经通知过" in chat.say("转人工")
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "help.request")).all()
    assert len(events) == 1
    chat.now += timedelta(hours=2)
    assert "已通知" in chat.say("人工")
    assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "help.request")).all()) == 2


def test_a_stranger_typing_a_bound_enterprises_code_is_refused_and_sees_nothing(session: Session) -> None:
    """Credit codes are public: the second openid gets no demand submitted and no view of the first's."""
    owner = Chat(session, "o-owner")
    owner.say(f"晋江恒达鞋业有限公司 {CODE}，在晋江，联系人王明 13905951234。我们的鞋底低温下开裂，需要改进配方")
    for answer in ("跳过", "跳过", "面议", "不限", "提交"):
        owner.say(answer)
    assert len(_demands(session)) == 1

    stranger = Chat(session, "o-stranger")
    stranger.say(f"晋江恒达鞋业有限公司 {CODE}，在晋江，联系人李四 13905950000。我们的鞋底低温下开裂，需要改进配方")
    replies = [stranger.say(answer) for answer in ("跳过", "跳过", "面议", "不限", "提交")]
    assert "已由其他微信号绑定" in replies[-1]
    assert len(_demands(session)) == 1
    assert session.scalar(select(User).where(User.wechat_openid == "o-stranger")) is None
    assert "鞋底" not in stranger.say("我的需求")
