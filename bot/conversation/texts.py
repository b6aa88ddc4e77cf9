"""What the bot says: welcome, help, the question for each slot and its re-ask, the preview."""

from __future__ import annotations

from bot.conversation.state import REQUIRED_SLOTS, Draft
from bot.parsing.budget import Budget
from bot.parsing.commands import Slot
from bot.parsing.deadline import Deadline
from directory.regions import region_by_code

WELCOME = (
    "欢迎关注创新驱动助力工程！\n"
    "企业遇到技术难题，可以在这里直接说明，我们会请所在地科协审核，并为您匹配省级学会和专家团队对接解决。\n"
    "· 发送「提交需求」或直接描述您遇到的问题，开始登记\n"
    "· 发送「我的需求」查看办理进度\n"
    "· 发送「帮助」查看全部指令"
)
HELP = (
    "您可以这样使用：\n"
    "· 提交需求：一步步登记技术需求（也可以直接把问题一口气说完）\n"
    "· 我的需求 / 进度：查看已提交需求的状态，回复序号看详情\n"
    "填写过程中随时可以：预览、修改 项目（如「修改 预算」）、继续、取消、跳过（可选项）、人工（请工作人员联系您）\n"
    "文字、语音、图片都可以发送，图片会作为附件随需求提交。"
)
NOTHING_TO_DO = "您好！发送「提交需求」或直接描述您遇到的技术问题即可开始；发送「帮助」查看说明。"
UNSUPPORTED = "暂时只能处理文字、语音和图片消息，请用文字或语音告诉我您的需求。"
VOICE_UNHEARD = "抱歉，这条语音没有识别出文字，请再说一遍，或直接发送文字。"
BUSY = "您的消息太快了，上一条还在处理中，请稍候再发。"
NOT_YET_SUBMITTED = (
    "需求还没有提交。确认无误请回复「提交」；要修改请回复「修改 项目名」（如「修改 预算」）；"
    "补充描述请回复「补充 内容」。"
)
DESCRIBE_MORE = "已记下。还有要补充的请继续发送（文字、语音、图片都可以）；说完了请回复「好了」。"

QUESTIONS = {
    Slot.ENTERPRISE: (
        "请告诉我企业全称和18位统一社会信用代码（营业执照上有），例如：\n晋江某某鞋业有限公司 91350582XXXXXXXXXX"
    ),
    Slot.REGION: "需求所在的县（市、区）是哪里？例如「晋江」「福州市仓山区」「平潭」。",
    Slot.CONTACT: "请留下联系人姓名和手机号（或座机），例如「王明 13905951234」。",
    Slot.TITLE: "请用一句话概括这个需求，作为标题（回复「跳过」将根据问题描述自动生成）。",
    Slot.DESCRIPTION: "请描述您遇到的技术问题：现在是什么情况、卡在哪里、试过什么办法。可以分几条发送。",
    Slot.EXPECTED_OUTCOME: "您希望达到什么效果？例如「产品在零下20度不开裂，良品率提到95%」。",
    Slot.BUDGET: "这项合作的预算大约多少？例如「10-30万元」「5万左右」，也可以回复「面议」。",
    Slot.DEADLINE: "希望什么时候前完成？例如「明年6月前」「2027年3月」「三个月内」，没有要求回复「不限」。",
}
RETRY_HINTS = {
    Slot.ENTERPRISE: "没有识别出企业全称或统一社会信用代码。",
    Slot.REGION: "没有找到这个地区，请说福建省内的县（市、区）名称。",
    Slot.CONTACT: "没有识别出联系人和电话。",
    Slot.TITLE: "标题请写2–60个字的一句话。",
    Slot.DESCRIPTION: "描述太短了，请用几句话说明遇到的技术问题。",
    Slot.EXPECTED_OUTCOME: "请用一两句话说明希望的效果。",
    Slot.BUDGET: "没有看懂这个预算金额。",
    Slot.DEADLINE: "没有看懂这个时间。",
}


def question(slot: Slot, draft: Draft) -> str:
    if slot is Slot.ENTERPRISE and draft.enterprise_name and not draft.credit_code:
        return f"请发送「{draft.enterprise_name}」的18位统一社会信用代码（营业执照上有）。"
    if slot is Slot.ENTERPRISE and draft.credit_code and not draft.enterprise_name:
        return "请告诉我企业全称（与营业执照一致）。"
    if slot is Slot.TITLE and draft.title_suggestion:
        return f"请用一句话概括这个需求作为标题。用「{draft.title_suggestion}」可以吗？回复「好」采用，或直接发送标题。"
    if slot is Slot.CONTACT and draft.contact_name and not (draft.contact_phone or draft.contact_email):
        return f"请留下{draft.contact_name}的手机号或座机号码。"
    if slot is Slot.CONTACT and draft.contact_phone and not draft.contact_name:
        return "请问联系人怎么称呼？"
    return QUESTIONS[slot]


def give_up_offer(slot: Slot) -> str:
    """After the last failed try: skip an optional slot, or hand over to staff."""
    if slot in REQUIRED_SLOTS:
        return "这一项是必填的。如果不方便填写，回复「人工」，我们请工作人员联系您。"
    return "这一项可以先不填：回复「跳过」继续下一项，或回复「人工」请工作人员联系您。"


def region_choices(names: list[str], *, county_of: str | None = None) -> str:
    head = f"{county_of}下辖以下县（市、区），需求在哪一个？" if county_of else "您说的是哪一个地区？"
    lines = [f"{i}. {name}" for i, name in enumerate(names, 1)]
    return head + "\n" + "\n".join(lines) + "\n请回复序号。"


def _region_name(code: str | None) -> str:
    row = region_by_code(code) if code else None
    return row.full_name if row is not None else "未填写"


def budget_text(draft: Draft) -> str:
    if Slot.BUDGET in draft.skipped or not draft.budget_given:
        return "未填写"
    return Budget(draft.budget_min, draft.budget_max, draft.budget_negotiable).describe()


def deadline_text(draft: Draft) -> str:
    if Slot.DEADLINE in draft.skipped or not draft.deadline_given:
        return "未填写"
    return Deadline(on=draft.deadline, none=draft.deadline is None).describe()


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def preview(draft: Draft) -> str:
    contact = " ".join(p for p in (draft.contact_name, draft.contact_phone, draft.contact_email) if p) or "未填写"
    lines = [
        "请核对您的需求：",
        f"企业：{draft.enterprise_name or '未填写'}（{draft.credit_code or '信用代码未填写'}）",
        f"地区：{_region_name(draft.region_code)}",
        f"联系人：{contact}",
        f"标题：{draft.title or '（根据描述自动生成）'}",
        f"问题描述：{_short(draft.description_text, 300) or '未填写'}",
        f"期望效果：{draft.expected_outcome or '未填写'}",
        f"预算：{budget_text(draft)}",
        f"期望完成时间：{deadline_text(draft)}",
    ]
    if draft.attachments:
        lines.append(f"附件：{len(draft.attachments)}张图片")
    missing = draft.missing_required()
    if missing:
        lines.append("还需填写：" + "、".join(s.label for s in missing) + "。回复「继续」接着填写。")
    else:
        lines.append("确认无误请回复「提交」；要修改请回复「修改 项目名」（如「修改 预算」）；回复「取消」放弃。")
    return "\n".join(lines)
