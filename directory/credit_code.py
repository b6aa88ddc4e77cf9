"""Unified social credit code (统一社会信用代码, GB 32100-2015) validation and generation.

Layout: 1 registration authority · 1 entity type · 6 region code · 9 organisation code
(8 + its own GB 11714 check character) · 1 check character over the first 17.
"""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class CreditCodeError(ValueError):
    """Raised with a message fit to show a user (Chinese)."""


def check_char(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_char(first8: str) -> str:
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    r = 11 - total % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def normalize(code: str) -> str:
    """Upper-case, drop spaces and hyphens, turn full-width characters half-width."""
    code = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in code)
    return re.sub(r"[\s\-]", "", code).upper()


def validate(code: str) -> str:
    """Return the normalised code or raise :class:`CreditCodeError` saying what is wrong."""
    code = normalize(code)
    if len(code) != 18:
        raise CreditCodeError(f"统一社会信用代码应为18位，收到{len(code)}位")
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        raise CreditCodeError(f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用I、O、S、V、Z）")
    if not code[2:8].isdigit():
        raise CreditCodeError("统一社会信用代码第3–8位应为行政区划代码（数字）")
    if code[-1] != check_char(code[:17]):
        raise CreditCodeError("统一社会信用代码校验位不正确，请核对后重新输入")
    return code


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except CreditCodeError:
        return False
    return True


def generate(region_code: str, serial: int, *, authority: str = "9", kind: str = "1") -> str:
    """A well-formed code for demo data and tests: ``serial`` picks the organisation code."""
    body = f"{serial:08d}"[-8:]
    org = body + org_check_char(body)
    first17 = f"{authority}{kind}{region_code}{org}"
    return first17 + check_char(first17)
