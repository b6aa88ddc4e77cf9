"""A contact person and a way to reach them: "张三 13800000000", "联系人李工，电话0595-88888888"."""

from __future__ import annotations

import re
from dataclasses import dataclass

_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d[- ]?\d{4}[- ]?\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?(\d{7,8})(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_LABELLED_NAME = re.compile(
    r"(?:联系人|联络人|对接人|负责人|我是|我叫|名叫|叫|本人|姓名)[:：\s是为]*([\u4e00-\u9fa5]{1,4}?(?:先生|女士|小姐|经理|工程师|总工|主任|老师|博士|教授|工|总)?)(?=[\s,，。;；、:：(（]|电话|手机|联系|$|\d)"
)
_BARE_NAME = re.compile(r"^([\u4e00-\u9fa5]{2,4}|[\u4e00-\u9fa5](?:先生|女士|小姐|经理|工|总|主任|老师))$")
_LEAD = re.compile(r"^(?:请找|找|请联系|联系|打给|就是|是)")
_FILLER = re.compile(r"(?:电话|手机|手机号|联系方式|联系电话|号码|邮箱|电子邮箱|微信)[:：是为]?")


@dataclass(frozen=True, slots=True)
class ContactGuess:
    name: str | None
    phone: str | None
    email: str | None


def _digits(text: str) -> str:
    return re.sub(r"[- ]", "", text)


def find_phone(text: str) -> str | None:
    mobile = _MOBILE.search(text)
    if mobile:
        return _digits(mobile.group(1))
    landline = _LANDLINE.search(text)
    if landline:
        return f"{landline.group(1)}-{landline.group(2)}"
    return None


def _to_ascii(text: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text)


def parse_contact(text: str, *, bare_name: bool = True) -> ContactGuess:
    """Name, phone and e-mail found in ``text``.

    ``bare_name``: the text answers "who is the contact?", so what is left once phone and e-mail are
    taken out may be the name itself ("王明 13905951234"); in a longer message only a labelled name
    ("联系人王明") counts.
    """
    text = _to_ascii(text)
    phone = find_phone(text)
    email_match = _EMAIL.search(text)
    email = email_match.group(0) if email_match else None
    name: str | None = None
    labelled = _LABELLED_NAME.search(text)
    if labelled:
        name = labelled.group(1)
    elif bare_name:
        rest = _EMAIL.sub(" ", text)
        rest = _MOBILE.sub(" ", rest)
        rest = _LANDLINE.sub(" ", rest)
        rest = _FILLER.sub(" ", rest)
        parts = [_LEAD.sub("", p) for p in re.split(r"[\s,，。;；、:：()（）/]+", rest) if p]
        parts = [p for p in parts if p]
        if len(parts) == 1 and _BARE_NAME.match(parts[0]):
            name = parts[0]
    return ContactGuess(name=name, phone=phone, email=email)
