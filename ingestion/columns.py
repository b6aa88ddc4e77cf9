"""Which spreadsheet columns an import understands, and matching the file's headers to them.

Headers are compared after NFKC, lower-casing, and dropping spaces, ``*`` marks, trailing colons
and parenthesised hints, so ``姓名*``, ``姓名（必填）`` and ``Name`` all mean the name column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from ingestion.tabular import FileRejected


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    """The header a template would use; shown in messages about a missing column."""
    aliases: tuple[str, ...]
    required: bool = False
    max_length: int | None = None


EXPERT_COLUMNS: tuple[Column, ...] = (
    Column("code", "专家编号", ("专家编号", "编号", "专家代码", "code", "expert_code"), required=True, max_length=64),
    Column("name", "姓名", ("姓名", "专家姓名", "name"), required=True, max_length=64),
    Column("title", "职称", ("职称", "技术职称", "title"), max_length=64),
    Column(
        "employer", "工作单位", ("工作单位", "单位", "所在单位", "单位名称", "employer", "affiliation"), max_length=128
    ),
    Column("department", "部门", ("部门", "院系", "所在部门", "department"), max_length=128),
    Column(
        "fields",
        "研究领域",
        ("研究领域", "研究方向", "专业领域", "擅长领域", "fields", "research_fields"),
        max_length=5000,
    ),
    Column("bio", "简介", ("简介", "个人简介", "专家简介", "bio", "biography"), max_length=10000),
    Column("region", "所在地区", ("所在地区", "地区", "地区代码", "行政区划代码", "所在地", "region", "region_code")),
    Column("capacity", "服务能力", ("服务能力", "可同时对接数", "可对接数", "capacity")),
    Column("email", "邮箱", ("邮箱", "电子邮箱", "电子邮件", "email", "e-mail"), max_length=128),
    Column("phone", "电话", ("电话", "手机", "手机号", "联系电话", "phone", "mobile"), max_length=32),
    Column("societies", "所属学会", ("所属学会", "学会", "学会编号", "societies", "society_codes")),
    Column("works", "代表性成果", ("代表性成果", "成果", "代表作", "works")),
    Column("active", "状态", ("状态", "是否在库", "是否有效", "active", "is_active", "status")),
)

SOCIETY_COLUMNS: tuple[Column, ...] = (
    Column("code", "学会编号", ("学会编号", "编号", "学会代码", "code", "society_code"), required=True, max_length=32),
    Column("name", "学会名称", ("学会名称", "名称", "学会", "name"), required=True, max_length=128),
    Column("discipline", "学科", ("学科", "学科门类", "所属学科", "discipline"), max_length=64),
    Column("description", "简介", ("简介", "学会简介", "description"), max_length=10000),
    Column("industries", "服务产业", ("服务产业", "服务行业", "产业", "industries")),
    Column("contact_name", "联系人", ("联系人", "contact", "contact_name"), max_length=64),
    Column("contact_phone", "联系电话", ("联系电话", "电话", "contact_phone", "phone"), max_length=32),
    Column("pilot", "是否试点", ("是否试点", "试点", "试点学会", "is_pilot", "pilot")),
    Column("active", "状态", ("状态", "是否有效", "active", "is_active", "status")),
)

_HINT = re.compile(r"[(（\[【].*?[)）\]】]")
_NOISE = re.compile(r"[\s*＊:：_\-]+")


def normalize_header(header: str) -> str:
    text = unicodedata.normalize("NFKC", header).strip().lower()
    return _NOISE.sub("", _HINT.sub("", text))


@dataclass(frozen=True, slots=True)
class MappedColumn:
    column: Column
    index: int
    header: str
    """The header text exactly as the file has it."""

    def cell(self, row: int) -> str:
        """Excel-style reference of this column in ``row``, e.g. ``C5``."""
        return f"{get_column_letter(self.index + 1)}{row}"


@dataclass(frozen=True, slots=True)
class HeaderMapping:
    header_row: int
    columns: dict[str, MappedColumn]
    ignored: list[str]

    def has(self, key: str) -> bool:
        return key in self.columns


def _lookup(spec: Sequence[Column]) -> dict[str, Column]:
    return {normalize_header(alias): col for col in spec for alias in (*col.aliases, col.label)}


def find_header(rows: Sequence[tuple[int, list[str]]], spec: Sequence[Column], *, search_rows: int = 5) -> int:
    """Position in ``rows`` of the header: the first of the first few rows naming two known columns.

    Templates often put a title (福建省专家库导入表) above the header; that row is skipped.
    """
    lookup = _lookup(spec)
    for position, (_, cells) in enumerate(rows[:search_rows]):
        if len({lookup[n].key for n in map(normalize_header, cells) if n in lookup}) >= 2:
            return position
    expected = "、".join(f"「{c.label}」" for c in spec if c.required)
    raise FileRejected(f"找不到表头：前 {search_rows} 行里没有可识别的列名，表头应包含{expected}等列")


def map_headers(number: int, headers: Sequence[str], spec: Sequence[Column]) -> HeaderMapping:
    """Match the header row to ``spec``; refuse missing required or doubled columns."""
    lookup = _lookup(spec)
    columns: dict[str, MappedColumn] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        if not header.strip():
            continue
        col = lookup.get(normalize_header(header))
        if col is None:
            ignored.append(header.strip())
            continue
        if col.key in columns:
            first = columns[col.key].header
            raise FileRejected(f"「{first}」和「{header.strip()}」两列都表示{col.label}，请只保留一列")
        columns[col.key] = MappedColumn(column=col, index=index, header=header.strip())
    missing = [c for c in spec if c.required and c.key not in columns]
    if missing:
        detail = "；".join(f"「{c.label}」（可用列名：{'、'.join(c.aliases)}）" for c in missing)
        raise FileRejected(f"缺少必填列：{detail}")
    return HeaderMapping(header_row=number, columns=columns, ignored=ignored)
