from datetime import date
from decimal import Decimal

import pytest

from bot.parsing.commands import Action, Slot, parse_command, parse_rating
from bot.parsing.message import read_message, suggest_title
from directory import credit_code

CODE = credit_code.generate("350582", 22334455)


@pytest.mark.parametrize(
    ("text", "action", "slot", "rest"),
    [
        ("取消", Action.CANCEL, None, ""),
        ("预览", Action.PREVIEW, None, ""),
        ("继续", Action.CONTINUE, None, ""),
        ("提交", Action.SUBMIT, None, ""),
        ("确认提交", Action.SUBMIT, None, ""),
        ("好的", Action.CONFIRM, None, ""),
        ("确认", Action.CONFIRM, None, ""),
        ("提交需求", Action.START, None, ""),
        ("我的需求", Action.MY_DEMANDS, None, ""),
        ("进度", Action.MY_DEMANDS, None, ""),
        ("人工", Action.HUMAN, None, ""),
        ("跳过", Action.SKIP, None, ""),
        ("好了。", Action.DONE, None, ""),
        ("修改 预算 20万", Action.EDIT, Slot.BUDGET, "20万"),
        ("修改预算", Action.EDIT, Slot.BUDGET, ""),
        ("改地区", Action.EDIT, Slot.REGION, ""),
        ("修改 联系人 王明 13905951234", Action.EDIT, Slot.CONTACT, "王明 13905951234"),
        ("修改完成时间为三个月内", Action.EDIT, Slot.DEADLINE, "三个月内"),
        ("修改", Action.EDIT, None, ""),
        ("补充：还需要耐磨", Action.SUPPLEMENT, None, "还需要耐磨"),
        ("撤回", Action.WITHDRAW, None, ""),
    ],
)
def test_commands(text: str, action: Action, slot: Slot | None, rest: str) -> None:
    command = parse_command(text)
    assert command is not None
    assert (command.action, command.slot, command.text) == (action, slot, rest)


@pytest.mark.parametrize(("text", "number"), [("3", 3), ("第2个", 2), ("选 11", 11), ("十二", 12)])
def test_numbers(text: str, number: int) -> None:
    command = parse_command(text)
    assert command is not None
    assert command.action is Action.NUMBER
    assert command.number == number


def test_rating() -> None:
    command = parse_command("评价 5 很满意")
    assert command is not None
    assert (command.action, command.number, command.text) == (Action.RATE, 5, "很满意")


@pytest.mark.parametrize("text", ["我们的鞋底低温开裂", "修改配方后还是不行", "预算10万"])
def test_answers_are_no_commands(text: str) -> None:
    assert parse_command(text) is None


def test_one_long_message_fills_what_it_states() -> None:
    facts = read_message(
        f"您好，我们是晋江恒达鞋业有限公司（统一社会信用代码{CODE}），位于晋江市。我们生产的EVA鞋底在低温下"
        "容易开裂，想找专家改进发泡配方。希望达到零下20度不开裂。预算10-30万元，希望明年6月前完成。"
        "联系人王明，电话13905951234。",
        date(2026, 12, 2),
    )
    assert facts.enterprise_name == "晋江恒达鞋业有限公司"
    assert facts.credit_code == CODE
    assert facts.region is not None
    assert facts.region.code == "350582"
    assert (facts.contact_name, facts.contact_phone) == ("王明", "13905951234")
    assert facts.budget is not None
    assert (facts.budget.minimum, facts.budget.maximum) == (Decimal(100_000), Decimal(300_000))
    assert facts.deadline is not None
    assert facts.deadline.on == date(2027, 5, 31)
    assert facts.expected_outcome == "希望达到零下20度不开裂"


def test_labelled_lines() -> None:
    facts = read_message(
        "企业名称：福州闽江电池科技有限公司\n地区：福州市仓山区\n联系人：李工 0591-88889999\n预算：面议\n"
        "完成时间：三个月内\n问题描述：锂电池极片涂布厚度不均匀",
        date(2026, 12, 2),
    )
    assert facts.enterprise_name == "福州闽江电池科技有限公司"
    assert facts.region is not None
    assert facts.region.code == "350104"
    assert facts.contact_phone == "0591-88889999"
    assert facts.budget is not None
    assert facts.budget.negotiable
    assert facts.deadline is not None
    assert facts.deadline.on == date(2027, 3, 2)
    assert facts.description == "锂电池极片涂布厚度不均匀"


def test_prose_without_facts_fills_nothing() -> None:
    facts = read_message("我们一家鞋厂，茶叶口感平和，产品三个月内就会开裂", date(2026, 12, 2))
    assert facts.found() == set()


def test_title_suggestion_from_clauses_after_the_greeting() -> None:
    title = suggest_title(
        "你好，我们平潭海峡水产有限公司做鲍鱼养殖的，夏天高温时鲍鱼大量死亡，想请专家看看水质调控的办法。"
    )
    assert title == "夏天高温时鲍鱼大量死亡，想请专家看看水质调控的办法"


def test_title_suggestion_skips_greeting_and_who_we_are() -> None:
    title = suggest_title("您好，我们是晋江恒达鞋业有限公司。我们生产的EVA鞋底在低温下容易开裂，想找专家改进发泡配方。")
    assert title == "我们生产的EVA鞋底在低温下容易开裂，想找专家改进发泡配方"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5 专家很专业", (5, "专家很专业")), ("4分", (4, "")), ("评价 3 一般", (3, "一般")), ("五星，很好", (5, "很好"))],
)
def test_rating_replies(text: str, expected: tuple[int, str]) -> None:
    assert parse_rating(text) == expected


@pytest.mark.parametrize("text", ["6 很好", "50万", "5万左右", "我们的鞋底开裂"])
def test_no_rating(text: str) -> None:
    assert parse_rating(text) is None
