"""Turning one spreadsheet row into profile values, collecting every problem (in Chinese) on the way.

A parser reads only the columns the file has: ``values`` holds a key for each mapped column and
nothing for absent ones, so the importer can keep an existing expert's data for columns the file
does not carry. An empty cell in a present column means "empty" (the field is cleared to its default).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from directory.profiles import WorkIn
from directory.regions import PROVINCE_CODE, resolve_region
from ingestion.columns import HeaderMapping, MappedColumn
from ingestion.normalize import GarbledText, clean_text
from ingestion.pii import normalize_phone
from models import WorkKind

MAX_WORKS_PER_EXPERT = 100
_LIST_SPLIT = re.compile(r"[、，,;；/\n]+")
_WORK_SPLIT = re.compile(r"[\n；;]+")
_KEYWORD_SPLIT = re.compile(r"[,，、\s]+")
_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}")
_TRUE = frozenset("是 有 在库 有效 启用 正常 在职 1 true yes y active √ ✓ ✔".split())
_FALSE = frozenset("否 无 出库 无效 停用 禁用 离职 退休 0 false no n inactive × ✗ ✘".split())
_KIND_NAMES: dict[str, WorkKind] = {
    "论文": WorkKind.PAPER, "专利": WorkKind.PATENT, "项目": WorkKind.PROJECT, "课题": WorkKind.PROJECT,
    "奖励": WorkKind.AWARD, "获奖": WorkKind.AWARD, "奖项": WorkKind.AWARD, "标准": WorkKind.STANDARD,
    "其他": WorkKind.OTHER, **{k.value: k for k in WorkKind},
}  # fmt: skip


class RowError(BaseModel):
    row: int | None
    """Row number as Excel shows it; None for a problem with the whole file."""
    column: str
    """The column header as the file has it (empty for whole-file problems)."""
    problem: str
    cell: str | None = None
    """Excel reference such as ``C5`` when the problem is one cell."""


@dataclass(slots=True)
class ParsedRow:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Lookups:
    """What validation needs from the database, loaded once per import."""

    region_codes: frozenset[str]
    society_codes: Mapping[str, str]
    """Lower-cased code or name (with and without 福建省) → society code."""


class _Row:
    def __init__(self, number: int, cells: list[str], mapping: HeaderMapping) -> None:
        self.parsed = ParsedRow(row=number)
        self.cells = cells
        self.mapping = mapping

    def raw(self, key: str) -> str:
        col = self.mapping.columns[key]
        return self.cells[col.index].strip() if col.index < len(self.cells) else ""

    def error(self, key: str, problem: str) -> None:
        col: MappedColumn = self.mapping.columns[key]
        cell = col.cell(self.parsed.row)
        self.parsed.errors.append(RowError(row=self.parsed.row, column=col.header, problem=problem, cell=cell))

    def text(self, key: str, *, simplify: bool = True, single_line: bool = True) -> None:
        """A free-text cell, cleaned like demand text; too long is an error, never a cut."""
        if not self.mapping.has(key):
            return
        try:
            value = clean_text(self.raw(key), max_length=None, simplify=simplify, single_line=single_line)
        except GarbledText:
            self.error(key, "内容像是乱码（文字编码错误），请检查后重新填写")
            return
        limit = self.mapping.columns[key].column.max_length
        if limit is not None and len(value) > limit:
            self.error(key, f"内容过长：{len(value)} 字，最多 {limit} 字")
            return
        if not value and self.mapping.columns[key].column.required:
            self.error(key, "必填项为空")
            return
        self.parsed.values[key] = value

    def flag(self, key: str, default: bool) -> None:
        if not self.mapping.has(key):
            return
        raw = unicodedata.normalize("NFKC", self.raw(key)).strip().lower()
        if not raw:
            self.parsed.values[key] = default
        elif raw in _TRUE:
            self.parsed.values[key] = True
        elif raw in _FALSE:
            self.parsed.values[key] = False
        else:
            self.error(key, f"无法识别「{self.raw(key)}」，请填写「是」或「否」")

    def phone(self, key: str) -> None:
        if not self.mapping.has(key):
            return
        raw = self.raw(key)
        if not raw:
            self.parsed.values[key] = None
            return
        phone = normalize_phone(raw)
        if phone is None:
            self.error(key, f"电话号码格式不正确：「{raw}」（只填一个手机号，或带区号的座机号如 0591-87654321）")
        else:
            self.parsed.values[key] = phone


def _code(row: _Row) -> None:
    row.text("code", simplify=False)
    code = row.parsed.values.get("code")
    if code and re.search(r"\s", code):
        row.error("code", f"编号「{code}」不能包含空格")
        del row.parsed.values["code"]


def _region(row: _Row, lookups: Lookups) -> None:
    if not row.mapping.has("region"):
        return
    raw = unicodedata.normalize("NFKC", row.raw("region")).strip()
    if not raw:
        row.parsed.values["region_code"] = None
    elif re.fullmatch(r"\d{6}", raw):
        if raw in lookups.region_codes:
            row.parsed.values["region_code"] = raw
        else:
            row.error("region", f"地区代码「{raw}」不是福建省的行政区划代码")
    elif raw in ("福建", "福建省", "全省"):
        row.parsed.values["region_code"] = PROVINCE_CODE
    else:
        found = resolve_region(raw)
        if found is None or found.code not in lookups.region_codes:
            row.error("region", f"无法识别的地区「{raw}」，请填写福建省的市、县（区）名称或 6 位行政区划代码")
        else:
            row.parsed.values["region_code"] = found.code


def _capacity(row: _Row) -> None:
    if not row.mapping.has("capacity"):
        return
    raw = unicodedata.normalize("NFKC", row.raw("capacity")).strip()
    match = re.fullmatch(r"(\d{1,3})(?:\.0+)?\s*(?:个|项|人|次)?", raw)
    if not raw:
        row.parsed.values["capacity"] = 3
    elif match is None or int(match.group(1)) > 100:
        row.error("capacity", f"服务能力应为 0–100 的整数，收到「{raw}」")
    else:
        row.parsed.values["capacity"] = int(match.group(1))


def _email(row: _Row) -> None:
    if not row.mapping.has("email"):
        return
    raw = unicodedata.normalize("NFKC", row.raw("email")).strip()
    if not raw:
        row.parsed.values["email"] = None
    elif not _EMAIL.fullmatch(raw) or len(raw) > 128:
        row.error("email", f"邮箱格式不正确：「{raw}」（只填一个邮箱）")
    else:
        local, domain = raw.rsplit("@", 1)
        row.parsed.values["email"] = f"{local}@{domain.lower()}"


def _societies(row: _Row, lookups: Lookups) -> None:
    if not row.mapping.has("societies"):
        return
    names = [n.strip() for n in _LIST_SPLIT.split(unicodedata.normalize("NFKC", row.raw("societies")))]
    codes: list[str] = []
    unknown: list[str] = []
    for name in filter(None, names):
        code = lookups.society_codes.get(name.lower())
        if code is None:
            unknown.append(name)
        elif code not in codes:
            codes.append(code)
    if unknown:
        row.error("societies", f"学会不存在：{'、'.join(unknown)}（请先导入学会，或填写学会编号/全称）")
    else:
        row.parsed.values["society_codes"] = codes


def _guess_kind(title: str) -> WorkKind:
    if "专利" in title:
        return WorkKind.PATENT
    if "标准" in title:
        return WorkKind.STANDARD
    if title.endswith(("奖", "等奖")):
        return WorkKind.AWARD
    if "项目" in title or "课题" in title:
        return WorkKind.PROJECT
    return WorkKind.PAPER


def _work(entry: str) -> WorkIn | str:
    """One "标题|关键词1,关键词2|年份|类型" entry; a Chinese problem string when it is wrong."""
    parts = [p.strip() for p in re.split(r"[|｜]", entry)]
    title = clean_text(parts[0], max_length=None, single_line=True)
    if not title:
        return f"成果「{entry}」缺少标题"
    if len(title) > 512:
        return f"成果标题过长（{len(title)} 字，最多 512 字）"
    keywords = [k for k in _KEYWORD_SPLIT.split(clean_text(parts[1], max_length=None)) if k] if len(parts) > 1 else []
    year: int | None = None
    if len(parts) > 2 and parts[2]:
        match = re.fullmatch(r"(\d{4})\s*年?", unicodedata.normalize("NFKC", parts[2]))
        if match is None or not 1950 <= int(match.group(1)) <= 2100:
            return f"成果「{title}」的年份「{parts[2]}」不正确，应为 1950–2100 的四位年份"
        year = int(match.group(1))
    kind = _guess_kind(title)
    if len(parts) > 3 and parts[3]:
        named = _KIND_NAMES.get(parts[3].lower())
        if named is None:
            return f"成果「{title}」的类型「{parts[3]}」无法识别（可填：论文、专利、项目、奖励、标准、其他）"
        kind = named
    if len(parts) > 4:
        return f"成果「{title}」的格式不正确，应为「标题|关键词1,关键词2|年份|类型」"
    return WorkIn(kind=kind, title=title, keywords=keywords, year=year)


def _works(row: _Row) -> None:
    if not row.mapping.has("works"):
        return
    entries = [e.strip() for e in _WORK_SPLIT.split(unicodedata.normalize("NFC", row.raw("works"))) if e.strip()]
    if len(entries) > MAX_WORKS_PER_EXPERT:
        row.error("works", f"代表性成果最多 {MAX_WORKS_PER_EXPERT} 项，这里有 {len(entries)} 项")
        return
    works: list[WorkIn] = []
    for entry in entries:
        try:
            work = _work(entry)
        except GarbledText:
            work = f"成果「{entry[:20]}」像是乱码（文字编码错误）"
        if isinstance(work, str):
            row.error("works", work)
        else:
            works.append(work)
    if len(works) == len(entries):
        row.parsed.values["works"] = works


def _list(row: _Row, key: str) -> None:
    if not row.mapping.has(key):
        return
    try:
        items = [clean_text(i, max_length=None, single_line=True) for i in _LIST_SPLIT.split(row.raw(key))]
    except GarbledText:
        row.error(key, "内容像是乱码（文字编码错误），请检查后重新填写")
        return
    row.parsed.values[key] = list(dict.fromkeys(i for i in items if i))


def parse_expert_row(number: int, cells: list[str], mapping: HeaderMapping, lookups: Lookups) -> ParsedRow:
    row = _Row(number, cells, mapping)
    _code(row)
    row.text("name", simplify=False)
    for key in ("title", "employer", "department"):
        row.text(key)
    row.text("fields", single_line=False)
    row.text("bio", single_line=False)
    _region(row, lookups)
    _capacity(row)
    _email(row)
    row.phone("phone")
    _societies(row, lookups)
    _works(row)
    row.flag("active", default=True)
    if "active" in row.parsed.values:
        row.parsed.values["is_active"] = row.parsed.values.pop("active")
    return row.parsed


def parse_society_row(number: int, cells: list[str], mapping: HeaderMapping, lookups: Lookups) -> ParsedRow:
    row = _Row(number, cells, mapping)
    _code(row)
    row.text("name", simplify=False)
    name = row.parsed.values.get("name")
    if name is not None and len(name) < 2:
        row.error("name", "学会名称至少 2 个字")
        del row.parsed.values["name"]
    row.text("discipline")
    row.text("description", single_line=False)
    _list(row, "industries")
    row.text("contact_name", simplify=False)
    if row.parsed.values.get("contact_name") == "":
        row.parsed.values["contact_name"] = None  # an empty cell means no contact, as stored
    row.phone("contact_phone")
    row.flag("pilot", default=False)
    row.flag("active", default=True)
    renames = {"pilot": "is_pilot", "active": "is_active"}
    for old, new in renames.items():
        if old in row.parsed.values:
            row.parsed.values[new] = row.parsed.values.pop(old)
    return row.parsed


RowParser = Callable[[int, list[str], HeaderMapping, Lookups], ParsedRow]
