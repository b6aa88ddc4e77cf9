"""What a short message asks the bot to do: 取消, 预览, 修改 <项>, 继续, 提交, 我的需求, a number…

:func:`parse_command` returns ``None`` for anything that is not a command: that text is an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.parsing.numbers import to_int


class Slot(StrEnum):
    """The parts of a demand the dialogue asks for, in the order it asks."""

    ENTERPRISE = "enterprise"
    REGION = "region"
    CONTACT = "contact"
    TITLE = "title"
    DESCRIPTION = "description"
    EXPECTED_OUTCOME = "expected_outcome"
    BUDGET = "budget"
    DEADLINE = "deadline"

    @property
    def label(self) -> str:
        return SLOT_LABELS[self]


SLOT_LABELS = {
    Slot.ENTERPRISE: "企业名称和统一社会信用代码",
    Slot.REGION: "需求所在地区",
    Slot.CONTACT: "联系人",
    Slot.TITLE: "需求标题",
    Slot.DESCRIPTION: "问题描述",
    Slot.EXPECTED_OUTCOME: "期望效果",
    Slot.BUDGET: "预算",
    Slot.DEADLINE: "期望完成时间",
}
_SLOT_WORDS: tuple[tuple[str, Slot], ...] = (
    ("统一社会信用代码", Slot.ENTERPRISE),
    ("信用代码", Slot.ENTERPRISE),
    ("企业名称", Slot.ENTERPRISE),
    ("公司名称", Slot.ENTERPRISE),
    ("企业", Slot.ENTERPRISE),
    ("公司", Slot.ENTERPRISE),
    ("代码", Slot.ENTERPRISE),
    ("单位", Slot.ENTERPRISE),
    ("所在地区", Slot.REGION),
    ("所在地", Slot.REGION),
    ("地区", Slot.REGION),
    ("区域", Slot.REGION),
    ("地址", Slot.REGION),
    ("县区", Slot.REGION),
    ("地点", Slot.REGION),
    ("联系方式", Slot.CONTACT),
    ("联系电话", Slot.CONTACT),
    ("联系人", Slot.CONTACT),
    ("电话", Slot.CONTACT),
    ("手机", Slot.CONTACT),
    ("姓名", Slot.CONTACT),
    ("联系", Slot.CONTACT),
    ("标题", Slot.TITLE),
    ("题目", Slot.TITLE),
    ("问题描述", Slot.DESCRIPTION),
    ("需求描述", Slot.DESCRIPTION),
    ("描述", Slot.DESCRIPTION),
    ("问题", Slot.DESCRIPTION),
    ("内容", Slot.DESCRIPTION),
    ("期望效果", Slot.EXPECTED_OUTCOME),
    ("预期效果", Slot.EXPECTED_OUTCOME),
    ("期望", Slot.EXPECTED_OUTCOME),
    ("效果", Slot.EXPECTED_OUTCOME),
    ("目标", Slot.EXPECTED_OUTCOME),
    ("预算", Slot.BUDGET),
    ("费用", Slot.BUDGET),
    ("经费", Slot.BUDGET),
    ("金额", Slot.BUDGET),
    ("完成时间", Slot.DEADLINE),
    ("截止时间", Slot.DEADLINE),
    ("截止日期", Slot.DEADLINE),
    ("期限", Slot.DEADLINE),
    ("时间", Slot.DEADLINE),
    ("日期", Slot.DEADLINE),
    ("截止", Slot.DEADLINE),
)


class Action(StrEnum):
    START = "start"
    CANCEL = "cancel"
    PREVIEW = "preview"
    EDIT = "edit"
    CONTINUE = "continue"
    SUBMIT = "submit"
    CONFIRM = "confirm"
    """Yes-words (好, 确认, 没问题): submit at the preview, take a suggestion, else they are an answer."""
    MY_DEMANDS = "my_demands"
    HELP = "help"
    HUMAN = "human"
    SKIP = "skip"
    DONE = "done"
    NUMBER = "number"
    SUPPLEMENT = "supplement"
    WITHDRAW = "withdraw"
    RATE = "rate"
    BACK = "back"


@dataclass(frozen=True, slots=True)
class Command:
    action: Action
    slot: Slot | None = None
    number: int | None = None
    text: str = ""
    """What followed the command word (修改 预算 <20万>, 补充 <…>, 评价 5 <很满意>)."""


_EXACT: dict[str, Action] = {}
for _words, _action in (
    ("提交需求 我要提交需求 我要提需求 提需求 新需求 发布需求 登记需求 我有需求 新建需求", Action.START),
    ("取消 取消需求 不提了 算了 不要了 放弃 取消草稿 删除草稿", Action.CANCEL),
    ("预览 查看草稿 看看草稿 看一下 预览需求 草稿", Action.PREVIEW),
    ("继续 继续填写 接着填 继续提交", Action.CONTINUE),
    ("提交 确认提交 确定提交 可以提交 提交吧 马上提交 立即提交", Action.SUBMIT),
    ("确认 确定 没问题 无误 确认无误 是的 是 对 对的 好的 好 可以 行 嗯 ok OK 好吧", Action.CONFIRM),
    ("我的需求 进度 查看进度 查进度 需求进度 我的进度 查询进度 我提交的需求 需求列表", Action.MY_DEMANDS),
    ("帮助 help ? ？ 菜单 怎么用 使用说明 说明 你好 您好 hi hello 在吗", Action.HELP),
    ("人工 转人工 人工服务 找人工 客服 人工客服 联系工作人员 工作人员", Action.HUMAN),
    ("跳过 不填 没有 无 暂无 略 不知道 跳过此项", Action.SKIP),
    ("好了 说完了 就这些 没有了 没了 完了 完成 下一步 结束 就这样 写完了", Action.DONE),
    ("撤回 撤回需求 撤销需求 撤销", Action.WITHDRAW),
    ("返回 返回列表 列表", Action.BACK),
):
    for _word in _words.split():
        _EXACT[_word.lower()] = _action

_EDIT = re.compile(r"^(?:修改|更改|改一下|改|更正|重填|重新填写?)\s*(.*)$", re.S)
_SUPPLEMENT = re.compile(r"^(?:补充|追加|补充说明)[:：\s]*(.+)$", re.S)
_RATE = re.compile(r"^(?:评价|评分|打分|评)[:：\s]*([1-5一二三四五])\s*(?:分|星)?[，,。\s]*(.*)$", re.S)
_BARE_RATING = re.compile(r"^([1-5一二三四五])\s*(?:分|星)?(?:[，,。!！\s]+(.*)|$)", re.S)
_NUMBER = re.compile(r"^(?:第|选|选择|查看|看)?\s*(\d{1,3}|[一二三四五六七八九十]{1,3})\s*(?:个|号|项|条)?$")
_PUNCT = " \t\r\n。.!！~～,，"


def slot_named(text: str) -> tuple[Slot | None, str]:
    """The slot ``text`` starts with ("预算 20万" → budget, "20万") or (None, text)."""
    text = text.strip()
    for word, slot in _SLOT_WORDS:
        if text.startswith(word):
            return slot, text[len(word) :].strip(" :：为是成")
    return None, text


def parse_command(text: str) -> Command | None:
    """The command ``text`` is, or ``None`` when it is an answer or a description."""
    stripped = text.strip().strip(_PUNCT)
    if not stripped:
        return None
    exact = _EXACT.get(stripped.lower())
    if exact is not None:
        return Command(exact)
    if match := _EDIT.match(stripped):
        slot, rest = slot_named(match.group(1))
        if slot is not None or not match.group(1).strip():
            return Command(Action.EDIT, slot=slot, text=rest)
    if match := _SUPPLEMENT.match(stripped):
        return Command(Action.SUPPLEMENT, text=match.group(1).strip())
    if match := _RATE.match(stripped):
        return Command(Action.RATE, number=to_int(match.group(1)), text=match.group(2).strip())
    if match := _NUMBER.match(stripped):
        return Command(Action.NUMBER, number=to_int(match.group(1)))
    return None


def parse_rating(text: str) -> tuple[int, str] | None:
    """(score, comment) of "评价 5 很满意" or of a bare "5 专家很专业" / "4分"; ``None`` otherwise.

    The completion notice asks the enterprise to reply just so; the dialogue reads the bare form only
    when a completed demand waits for its rating.
    """
    stripped = text.strip().strip(_PUNCT)
    match = _RATE.match(stripped) or _BARE_RATING.match(stripped)
    if not match:
        return None
    score = to_int(match.group(1))
    return (score, (match.group(2) or "").strip()) if score is not None else None
