"""Pulling contact data and ID numbers out of free text.

Enterprises often type their phone number or e-mail into the demand itself. Societies must not
see these before a docking is confirmed, so :func:`extract_pii` returns the text with each item
replaced by a readable placeholder (``联系电话：〔电话已隐藏〕``) and the items, normalised, in a
:class:`Pii` for the caller to store in the demand's contact fields.

Hand-written patterns (no jionlp: 16 MB plus dependencies for five regexes). Matching runs on a
copy of the text whose full-width digits, letters and dashes are folded one-for-one, so positions
still index the original and the redacted text keeps every other character as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict

PLACEHOLDERS: dict[str, str] = {
    "phone": "〔电话已隐藏〕",
    "email": "〔邮箱已隐藏〕",
    "id_number": "〔身份证号已隐藏〕",
    "wechat": "〔微信号已隐藏〕",
    "qq": "〔QQ号已隐藏〕",
}
_PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))

# One-for-one folding so match offsets stay valid in the original text.
_FOLD = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x2010: 0x2D, 0x2011: 0x2D, 0x2012: 0x2D, 0x2013: 0x2D, 0x2014: 0x2D})
_FOLD.update({0x2212: 0x2D, 0xA0: 0x20})

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}"
    r"@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,24}(?![A-Za-z0-9\-])"
)
_ID = re.compile(r"(?<![0-9])(?<!\d\.)([1-8]\d{5}) ?((?:18|19|20)\d{6}) ?(\d{3}[0-9Xx])(?![0-9Xx]|\.\d)")
_MOBILE = re.compile(
    r"(?<![0-9+])(?<!\d\.)(?:(?:\+|00)?86[ \-]?|\(\+?86\) ?)?(1[3-9]\d)[ \-]?(\d{4})[ \-]?(\d{4})(?![0-9]|\.\d)"
)
_HOTLINE = re.compile(r"(?<![0-9])(?<!\d\.)([48]00)[ \-]?(\d{3})[ \-]?(\d{4})(?![0-9]|\.\d)")
_LANDLINE = re.compile(
    r"(?<![0-9])(?<!\d\.)(?:\((0\d{2,3})\)|(0\d{2,3}))[ \-]?([2-9]\d{6,7})"
    r"(?:(?: ?(?:-|转|分机|ext\.?|EXT\.?) ?)(\d{1,6}))?(?![0-9]|\.\d)"
)
_QQ = re.compile(r"(?:(?<![A-Za-z])[Qq]{2}|扣扣)(?:号码|号)? ?[:：]? ?([1-9]\d{4,11})(?![0-9])")
_WECHAT = re.compile(
    r"(?:微信号?|[Vv]信|(?<![A-Za-z])(?:[Ww]e[Cc]hat|[Ww]eixin|[Ww][Xx]|[Vv][Xx])(?=\s?[:：]|\s))"
    r"\s?[:：]?\s?([A-Za-z][A-Za-z0-9_\-]{5,19})(?![A-Za-z0-9_\-])"
)

# Province-level prefixes of the resident ID (GB/T 2260), 11 Beijing … 82 Macao.
_ID_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


class Pii(BaseModel):
    """Contact data and ID numbers found in a text, normalised, in order of appearance, unique."""

    model_config = ConfigDict(frozen=True)

    mobiles: tuple[str, ...] = ()
    """11 digits, country code dropped: ``13812345678``."""
    landlines: tuple[str, ...] = ()
    """``0591-87654321``, ``0591-87654321-8008`` with an extension, ``400-123-4567``."""
    emails: tuple[str, ...] = ()
    id_numbers: tuple[str, ...] = ()
    """18-character resident ID numbers whose check character is right (``X`` upper-case)."""
    wechat_ids: tuple[str, ...] = ()
    qq_numbers: tuple[str, ...] = ()

    @property
    def phones(self) -> tuple[str, ...]:
        return self.mobiles + self.landlines

    @property
    def contact_phone(self) -> str | None:
        return self.phones[0] if self.phones else None

    @property
    def contact_email(self) -> str | None:
        return self.emails[0] if self.emails else None

    @property
    def is_empty(self) -> bool:
        return not (self.phones or self.emails or self.id_numbers or self.wechat_ids or self.qq_numbers)

    def merge(self, other: Pii) -> Pii:
        def both(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(a + b))

        return Pii(
            mobiles=both(self.mobiles, other.mobiles),
            landlines=both(self.landlines, other.landlines),
            emails=both(self.emails, other.emails),
            id_numbers=both(self.id_numbers, other.id_numbers),
            wechat_ids=both(self.wechat_ids, other.wechat_ids),
            qq_numbers=both(self.qq_numbers, other.qq_numbers),
        )


def id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of a resident ID number (GB 11643)."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def is_resident_id(value: str, *, today: date | None = None) -> bool:
    """True for an 18-character resident ID with a known province, a real birth date and a right check."""
    value = value.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value) or value[:2] not in _ID_PROVINCES:
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if not date(1890, 1, 1) <= born <= (today or date.today()):
        return False
    return id_check_char(value[:17]) == value[17]


def _landline(area: str, local: str, ext: str | None) -> str:
    return f"{area}-{local}" + (f"-{ext}" if ext else "")


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    kind: str  # a key of Pii's fields
    value: str


_Finder = Callable[[str], Iterable[_Hit]]


def _find_emails(text: str) -> Iterable[_Hit]:
    for m in _EMAIL.finditer(text):
        local, domain = m.group().rsplit("@", 1)
        yield _Hit(m.start(), m.end(), "emails", f"{local}@{domain.lower()}")


def _find_ids(text: str) -> Iterable[_Hit]:
    for m in _ID.finditer(text):
        value = "".join(m.groups()).upper()
        if is_resident_id(value):
            yield _Hit(m.start(), m.end(), "id_numbers", value)


def _find_mobiles(text: str) -> Iterable[_Hit]:
    for m in _MOBILE.finditer(text):
        yield _Hit(m.start(), m.end(), "mobiles", "".join(m.groups()))


def _find_landlines(text: str) -> Iterable[_Hit]:
    for m in _HOTLINE.finditer(text):
        yield _Hit(m.start(), m.end(), "landlines", "-".join(m.groups()))
    for m in _LANDLINE.finditer(text):
        area = m.group(1) or m.group(2)
        yield _Hit(m.start(), m.end(), "landlines", _landline(area, m.group(3), m.group(4)))


def _find_qq(text: str) -> Iterable[_Hit]:
    for m in _QQ.finditer(text):
        yield _Hit(m.start(1), m.end(1), "qq_numbers", m.group(1))


def _find_wechat(text: str) -> Iterable[_Hit]:
    for m in _WECHAT.finditer(text):
        yield _Hit(m.start(1), m.end(1), "wechat_ids", m.group(1))


# Order matters: an e-mail may hold a QQ number, an ID number holds digit runs a phone could match.
_FINDERS: tuple[_Finder, ...] = (_find_emails, _find_ids, _find_mobiles, _find_landlines, _find_qq, _find_wechat)
_PLACEHOLDER_OF = {
    "mobiles": PLACEHOLDERS["phone"],
    "landlines": PLACEHOLDERS["phone"],
    "emails": PLACEHOLDERS["email"],
    "id_numbers": PLACEHOLDERS["id_number"],
    "wechat_ids": PLACEHOLDERS["wechat"],
    "qq_numbers": PLACEHOLDERS["qq"],
}


def extract_pii(text: str) -> tuple[str, Pii]:
    """Return ``(redacted_text, pii)``.

    Found: mainland mobile numbers (with or without +86/0086, spaces or dashes), landlines with an
    area code (``0591-87654321``, ``(0591)87654321``, extensions), 400/800 hotlines, e-mail
    addresses, 18-character resident ID numbers (only when province, birth date and the ISO 7064
    check character are valid, so credit codes and order numbers stay), and QQ numbers and WeChat
    ids when introduced as such (``QQ：12345678``, ``微信：abc_123``). Each is replaced by a
    placeholder from :data:`PLACEHOLDERS`; all other characters are returned unchanged.
    """
    folded = text.translate(_FOLD)
    taken: list[_Hit] = []
    for finder in _FINDERS:
        for hit in finder(folded):
            if all(hit.end <= t.start or hit.start >= t.end for t in taken):
                taken.append(hit)
    taken.sort(key=lambda h: h.start)
    found: dict[str, list[str]] = {}
    pieces: list[str] = []
    pos = 0
    for hit in taken:
        pieces.append(text[pos : hit.start])
        pieces.append(_PLACEHOLDER_OF[hit.kind])
        pos = hit.end
        values = found.setdefault(hit.kind, [])
        if hit.value not in values:
            values.append(hit.value)
    pieces.append(text[pos:])
    pii = Pii(**{kind: tuple(values) for kind, values in found.items()})
    return "".join(pieces), pii


def strip_placeholders(text: str) -> str:
    """The text without PII placeholders (for keywords and classification)."""
    return _PLACEHOLDER_RE.sub(" ", text)


def normalize_phone(value: str) -> str | None:
    """A single phone number as entered in a form or spreadsheet cell, normalised; None if it is not one."""
    folded = value.strip().translate(_FOLD)
    for finder in (_find_mobiles, _find_landlines):
        for hit in finder(folded):
            if hit.start == 0 and hit.end == len(folded):
                return hit.value
    return None
