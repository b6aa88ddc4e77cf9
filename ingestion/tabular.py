"""Reading a spreadsheet upload (CSV or XLSX) into rows of strings, refusing files we cannot trust.

Row numbers are the ones a person sees in Excel: the sheet row for XLSX, the record number for CSV
(a quoted cell with line breaks is still one row there). Every refusal is a :class:`FileRejected`
with a Chinese message that says what to do.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from core.errors import ValidationFailed

log = logging.getLogger(__name__)

CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and password-protected .xlsx
_SAVE_AS = "请在 Excel 中「另存为」Excel 工作簿（.xlsx）或「CSV UTF-8（逗号分隔）」后再导入"


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = 20 * 1024 * 1024
    max_rows: int = 20_000
    max_columns: int = 100
    max_uncompressed_bytes: int = 200 * 1024 * 1024
    """An XLSX is a zip: its unpacked size is bounded too (zip bombs)."""


DEFAULT_LIMITS = Limits()


class FileRejected(ValidationFailed):
    code = "file_rejected"
    default_message = "文件无法导入"


@dataclass(slots=True)
class RawTable:
    rows: list[tuple[int, list[str]]]
    """``(row number as Excel shows it, cells)``, blank rows left out, header row included."""
    sheet: str | None = None
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


ReadProgress = Callable[[int], None]


def read_table(
    data: bytes, filename: str, *, limits: Limits = DEFAULT_LIMITS, on_row: ReadProgress | None = None
) -> RawTable:
    """Decode ``data`` by the file name's suffix; raise :class:`FileRejected` when it cannot be used."""
    suffix = PurePath(filename).suffix.lower()
    if len(data) > limits.max_file_bytes:
        mib = limits.max_file_bytes // (1024 * 1024)
        raise FileRejected(f"文件太大（{len(data) / 1024 / 1024:.1f} MB），最大 {mib} MB，请拆分成几个文件导入")
    if not data.strip():
        raise FileRejected("文件是空的，没有可导入的内容")
    if suffix == ".xls":
        raise FileRejected(f"不支持旧版 Excel（.xls）文件，{_SAVE_AS}")
    if suffix in XLSX_SUFFIXES:
        table = _read_xlsx(data, limits, on_row)
    elif suffix in CSV_SUFFIXES:
        table = _read_csv(data, limits, on_row)
    else:
        raise FileRejected(f"不支持的文件类型「{suffix or '无扩展名'}」，只能导入 .xlsx 或 .csv 文件")
    if not table.rows:
        raise FileRejected("文件里没有数据：所有行都是空的")
    return table


def _check_row_count(count: int, limits: Limits) -> None:
    if count > limits.max_rows + 1:  # the header row does not count
        raise FileRejected(f"文件超过 {limits.max_rows} 行数据，请拆分成几个文件分批导入")


def _check_width(cells: list[str], row: int, limits: Limits) -> None:
    if len(cells) > limits.max_columns:
        raise FileRejected(f"第 {row} 行有 {len(cells)} 列，最多 {limits.max_columns} 列；请检查文件是否正确")


# --- CSV ---------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise FileRejected(f"无法识别文件的文字编码（不是 UTF-8 也不是 GBK），{_SAVE_AS}")


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, limits: Limits, on_row: ReadProgress | None) -> RawTable:
    try:
        text, encoding = _decode(data)
    except UnicodeDecodeError as exc:
        raise FileRejected(f"文件开头声明了编码但内容不符，{_SAVE_AS}") from exc
    if "\x00" in text:
        raise FileRejected(f"文件含有二进制内容，不是文本格式的 CSV；{_SAVE_AS}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if not any(cell.strip() for cell in record):
                continue
            _check_width(record, number, limits)
            rows.append((number, record))
            _check_row_count(len(rows), limits)
            if on_row is not None:
                on_row(number)
    except csv.Error as exc:
        raise FileRejected(f"CSV 格式有误（第 {number + 1} 行附近）：引号不配对或单元格过长") from exc
    return RawTable(rows=rows, encoding=encoding)


# --- XLSX --------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel stores every number as a float: 3.0 is the integer 3, 13812345678.0 a phone number.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _open_zip(data: bytes, limits: Limits) -> None:
    if data.startswith(_OLE_MAGIC):
        raise FileRejected(f"这是旧版 Excel（.xls）或设置了打开密码的文件，{_SAVE_AS}（不要设置密码）")
    if not data.startswith(_ZIP_MAGIC):
        raise FileRejected(f"文件不是有效的 Excel（.xlsx）文件，可能已损坏或只是改了扩展名；{_SAVE_AS}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected(f"Excel 文件已损坏，无法打开；{_SAVE_AS}") from exc
    if "xl/workbook.xml" not in names:
        raise FileRejected(f"文件是压缩包但不是 Excel 工作簿（可能是 Word、WPS 或其他格式）；{_SAVE_AS}")
    if unpacked > limits.max_uncompressed_bytes:
        raise FileRejected("Excel 文件解压后过大，请删除无关的工作表、图片后再导入，或拆分成几个文件")


def _read_xlsx(data: bytes, limits: Limits, on_row: ReadProgress | None) -> RawTable:
    import openpyxl

    _open_zip(data, limits)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, XML errors …) for broken files
        log.info("xlsx rejected: %r", exc)
        raise FileRejected(f"Excel 文件已损坏或格式不受支持，无法读取；{_SAVE_AS}") from exc
    try:
        if not workbook.worksheets:
            raise FileRejected("Excel 文件里没有工作表")
        sheet = workbook.worksheets[0]
        # Trust no stored dimension: a wrong one would silently cut rows off.
        sheet.reset_dimensions()
        rows: list[tuple[int, list[str]]] = []
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                while cells and not cells[-1].strip():
                    cells.pop()
                if not cells:
                    continue
                _check_width(cells, number, limits)
                rows.append((number, cells))
                _check_row_count(len(rows), limits)
                if on_row is not None:
                    on_row(number)
        except FileRejected:
            raise
        except Exception as exc:
            log.info("xlsx rejected while reading rows: %r", exc)
            raise FileRejected(f"读取 Excel 内容时出错，文件可能已损坏；{_SAVE_AS}") from exc
        notes = []
        if len(workbook.worksheets) > 1:
            notes.append(f"只导入了第一个工作表「{sheet.title}」，其他工作表已忽略")
        return RawTable(rows=rows, sheet=sheet.title, notes=notes)
    finally:
        workbook.close()
