"""Real spreadsheet files for import tests, written the way Chinese Excel users produce them."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

EXPERT_HEADER = [
    "专家编号",
    "姓名",
    "职称",
    "工作单位",
    "研究领域",
    "所在地区",
    "服务能力",
    "邮箱",
    "电话",
    "所属学会",
    "代表性成果",
    "状态",
]

EXPERT_ROWS: list[list[Any]] = [
    [
        "E001",
        "林志强",
        "教授",
        "福州大学",
        "锂离子电池隔膜；涂布工艺",
        "福州市仓山区",
        "5",
        "lin@fzu.edu.cn",
        "138-1234-5678",
        "BAT",
        "锂电池隔膜陶瓷涂层均匀性控制|隔膜,涂布|2021\n一种隔膜涂布装置|涂布|2022|专利",
        "在库",
    ],
    [
        "E002",
        "陈雅琴",
        "研究员",
        "福建農林大學",
        "乌龙茶加工；做青工艺",
        "安溪",
        "3",
        "",
        "0595-22345678",
        "福建省茶叶学会、电池学会",
        "乌龙茶做青工艺研究|做青,乌龙茶|2019",
        "",
    ],
    ["E003", "黄建华", "高级工程师", "晋江某鞋业", "EVA发泡鞋底", "350582", "", "", "", "", "", "是"],
]


def write_csv(path: Path, rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows([[("" if c is None else c) for c in r] for r in rows])
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], *, title: str | None = None) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "专家"
    if title is not None:
        sheet.append([title])
        sheet.append([])
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path
