"""The enterprise's name and unified social credit code, from an answer or a longer message."""

from __future__ import annotations

import re
from dataclasses import dataclass

from directory import credit_code

# 18 characters of the code's alphabet (and the letters people type by mistake, to say what is wrong).
_CODE_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])")
_CODE_LOOSE = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z][0-9A-Za-z \-]{14,24}[0-9A-Za-z](?![0-9A-Za-z])")
_NAME_ENDINGS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "集团",
    "公司",
    "研究院",
    "研究所",
    "合作社",
    "人民政府",
    "管委会",
    "厂",
)
_NAME = re.compile(r"([\u4e00-\u9fa5A-Za-z0-9（）()·&]{2,60}?(?:" + "|".join(_NAME_ENDINGS) + r"))")
_LEAD_INS = re.compile(
    r"^(?:我们是|我们|我是|我司|本公司|公司名称|企业名称|公司名|企业名|公司|企业|单位|名称|是|叫|为|在)[:：]?"
)
_QUESTION = re.compile(r"怎么|什么|为什么|吗|呢|哪|不知道|不清楚|如何")
_ORGANISATION_ENDINGS = (
    *_NAME_ENDINGS,
    "协会",
    "学会",
    "商会",
    "中心",
    "商行",
    "工作室",
    "店",
    "农场",
    "场",
    "站",
    "社",
    "局",
    "委员会",
    "院",
    "所",
    "馆",
    "基地",
    "园",
)
MIN_NAME_CHARS = 4
MAX_NAME_CHARS = 64


@dataclass(frozen=True, slots=True)
class EnterpriseGuess:
    name: str | None
    credit_code: str | None
    code_error: str | None
    """Why an 18-character code that was given is not valid (Chinese), when one was."""


def _ascii(text: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text)


def find_credit_code(text: str) -> tuple[str | None, str | None]:
    """(a valid code, ``None``) or (``None``, why the code given is wrong) or (``None``, ``None``) if none given."""
    text = _ascii(text)
    error: str | None = None
    for match in _CODE_CANDIDATE.finditer(text):
        try:
            return credit_code.validate(match.group(0)), None
        except credit_code.CreditCodeError as exc:
            error = error or str(exc)
    for match in _CODE_LOOSE.finditer(text):
        candidate = credit_code.normalize(match.group(0))
        if sum(c.isdigit() for c in candidate) < 8:
            continue
        try:
            return credit_code.validate(candidate), None
        except credit_code.CreditCodeError as exc:
            error = error or str(exc)
    return None, error


_LOOSE_ENDINGS = ("公司", "厂", "集团")


def find_enterprise_name(text: str, *, strict: bool = False) -> str | None:
    """A registered-looking name ("…有限公司", "…研究院", "…人民政府") in ``text``, without lead-ins.

    ``strict`` (reading a longer message): bare "…公司", "…厂", "…集团" do not count, as "我们公司"
    or "一家鞋厂" are no names.
    """
    text = _ascii(text)
    for match in _NAME.finditer(text):
        name = _LEAD_INS.sub("", match.group(1))
        name = _LEAD_INS.sub("", name)
        if strict and name.endswith(_LOOSE_ENDINGS) and not name.endswith(("有限公司", "集团有限公司")):
            continue
        if MIN_NAME_CHARS <= len(name) <= MAX_NAME_CHARS:
            return name
    return None


def parse_enterprise(text: str, *, strict: bool = False) -> EnterpriseGuess:
    code, error = find_credit_code(text)
    rest = _ascii(text)
    if code is not None:
        rest = re.sub(r"[0-9A-Za-z \-]{18,26}", " ", rest)
    return EnterpriseGuess(name=find_enterprise_name(rest, strict=strict), credit_code=code, code_error=error)


def plain_name(text: str) -> str | None:
    """An answer to "what is the enterprise's full name?" that has no registered-looking ending.

    Accepted when it is 4–64 characters of Chinese, letters and digits ending like an organisation
    (协会, 中心, 商行, 工作室, 农场…: an association or a 个体户) and asks nothing; ``None`` otherwise.
    """
    name = _LEAD_INS.sub("", re.sub(r"\s+", "", _ascii(text)).strip("。，,.：:"))
    if not MIN_NAME_CHARS <= len(name) <= MAX_NAME_CHARS or _QUESTION.search(name):
        return None
    if re.fullmatch(r"[\u4e00-\u9fa5A-Za-z0-9（）()·&]+", name) and name.endswith(_ORGANISATION_ENDINGS):
        return name
    return None
