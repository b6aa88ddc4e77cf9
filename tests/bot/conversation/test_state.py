"""Dialogue state per openid: never mixed, kept across restarts, expired after the TTL, safe under races."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversation import respond
from bot.inbound import Inbound
from core.db import Database
from core.settings import BotSettings, Settings
from directory import credit_code
from models import Conversation, Demand
from tests.bot.conversation.chat import START, Chat

CODE_A = credit_code.generate("350582", 44556677)
CODE_B = credit_code.generate("350104", 55667788)


def test_two_users_interleaved_never_mix_state(session: Session) -> None:
    a, b = Chat(session, "o-alice"), Chat(session, "o-bob")
    a.say("提交需求")
    b.say("提交需求")
    assert "县（市、区）" in a.say(f"晋江恒达鞋业有限公司 {CODE_A}")
    assert "县（市、区）" in b.say(f"福州闽江电池科技有限公司 {CODE_B}")
    assert "晋江市" in a.say("晋江")
    assert "仓山区" in b.say("仓山")
    a.say("王明 13905951234")
    b.say("李工 0591-88889999")
    a_preview, b_preview = a.say("预览"), b.say("预览")
    assert "晋江恒达鞋业有限公司" in a_preview
    assert "福州闽江电池科技有限公司" not in a_preview
    assert "李工" not in a_preview
    assert "福建省福州市仓山区" in b_preview
    assert "王明" not in b_preview
    for chat, problem in ((a, "鞋底低温开裂需要改进配方"), (b, "锂电池极片涂布厚度不均匀")):
        chat.say("继续")
        chat.say("跳过")
        chat.say(problem)
        chat.say("好了")
        for answer in ("跳过", "面议", "不限", "提交"):
            chat.say(answer)
    demands = {d.contact_name: d for d in session.scalars(select(Demand))}
    assert demands["王明"].region_code == "350582"
    assert "鞋底" in demands["王明"].description
    assert demands["李工"].region_code == "350104"
    assert "锂电池" in demands["李工"].description


def _say(db: Database, openid: str, text: str, at_seconds: int) -> str:
    now = START + timedelta(seconds=at_seconds)
    inbound = Inbound(openid, "text", text, None, None, None, None, now.replace(tzinfo=None), at_seconds)
    with db.unit_of_work() as session:
        return respond(session, inbound, settings=Settings(), now=now)


def test_a_draft_survives_a_restart(fresh_database: Database) -> None:
    url = fresh_database.engine.url.render_as_string(hide_password=False)
    _say(fresh_database, "o-restart", "提交需求", 1)
    _say(fresh_database, "o-restart", f"晋江恒达鞋业有限公司 {CODE_A}", 2)
    fresh_database.dispose()
    restarted = Database.from_url(url)
    try:
        assert "县（市、区）" in _say(restarted, "o-restart", "继续", 3)
        assert "联系人" in _say(restarted, "o-restart", "晋江", 4)
        preview = _say(restarted, "o-restart", "预览", 5)
        assert "晋江恒达鞋业有限公司" in preview
        assert CODE_A in preview
    finally:
        restarted.dispose()


def test_a_draft_expires_after_the_configured_time(session: Session) -> None:
    chat = Chat(session, "o-late", settings=Settings(bot=BotSettings(draft_ttl_hours=2)))
    chat.say("提交需求")
    chat.say(f"晋江恒达鞋业有限公司 {CODE_A}")
    chat.now += timedelta(hours=1)
    assert "县（市、区）" in chat.say("继续")
    chat.now += timedelta(hours=3)
    reply = chat.say("继续")
    assert "已自动清除" in reply
    assert "没有需要继续填写的草稿" in reply
    assert "draft" not in chat.conversation().slots


def test_two_quick_messages_of_one_user_are_both_kept(fresh_database: Database) -> None:
    """Parts of a description sent at once (several workers): no update is lost to the other."""
    openid = "o-quick"
    _say(fresh_database, openid, f"晋江恒达鞋业有限公司 {CODE_A}，在晋江，联系人王明 13905951234。鞋底低温开裂", 1)
    _say(fresh_database, openid, "修改 描述", 2)
    _say(fresh_database, openid, "第一段：鞋底冬天开裂", 3)
    parts = [f"另外第{i}点：硬度和回弹的问题{i}" for i in range(6)]
    for round_start in range(0, len(parts), 2):
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def send(text: str, at: int, gate: threading.Barrier = barrier, errors: list[BaseException] = errors) -> None:
            try:
                gate.wait(timeout=10)
                _say(fresh_database, openid, text, at)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=send, args=(parts[round_start + k], 10 + round_start + k)) for k in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors
    with fresh_database.unit_of_work() as session:
        row = session.scalar(select(Conversation).where(Conversation.openid == openid))
        assert row is not None
        description = row.slots["draft"]["description"]
    assert description[0] == "第一段：鞋底冬天开裂"
    assert sorted(description[1:]) == sorted(parts)


def test_a_description_past_its_limit_keeps_what_came_before(session: Session) -> None:
    chat = Chat(session, "o-long-text", settings=Settings(bot=BotSettings(max_message_chars=3000)))
    chat.say("提交需求")
    chat.say(f"晋江恒达鞋业有限公司 {CODE_A}，在晋江，联系人王明 13905951234。")
    assert "描述" in chat.say("跳过")
    chat.say("鞋底开裂" * 500)
    chat.say("硬度偏高" * 500)
    refused = chat.say("回弹不足" * 400)
    assert "不能超过5000字" in refused
    assert "前面的内容都已保存" in refused
    preview = chat.say("预览")
    assert "鞋底开裂" in preview
    draft = chat.conversation().slots["draft"]
    assert len(draft["description"]) == 2


def test_a_turn_read_on_stale_state_is_applied_again_on_the_fresh_state(fresh_database: Database) -> None:
    """A session that read the conversation before another worker changed it: the version check catches
    it and the turn is re-applied on what the other worker wrote (nothing of either message is lost)."""
    openid = "o-stale"
    _say(fresh_database, openid, "提交需求", 1)
    stale = fresh_database.new_session()
    try:
        before = stale.scalar(select(Conversation).where(Conversation.openid == openid))
        assert before is not None
        stale.commit()  # objects stay loaded (expire_on_commit=False): the session now holds an old version
        _say(fresh_database, openid, f"晋江恒达鞋业有限公司 {CODE_A}", 2)
        now = START + timedelta(seconds=3)
        inbound = Inbound(openid, "text", "晋江", None, None, None, None, now.replace(tzinfo=None), 3)
        reply = respond(stale, inbound, settings=Settings(), now=now)
        stale.commit()
    finally:
        stale.close()
    assert "晋江市" in reply
    assert "联系人" in reply
    with fresh_database.unit_of_work() as session:
        row = session.scalar(select(Conversation).where(Conversation.openid == openid))
        assert row is not None
        draft = row.slots["draft"]
    assert (draft["enterprise_name"], draft["credit_code"], draft["region_code"]) == (
        "晋江恒达鞋业有限公司",
        CODE_A,
        "350582",
    )
