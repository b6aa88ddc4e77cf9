"""Real material files for the pilot tests: a PDF, a Word document, a workbook (openpyxl), a PNG and fakes."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17


def docx() -> bytes:
    """A minimal Word document: a ZIP with its content types and ``word/document.xml``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return out.getvalue()


def xlsx() -> bytes:
    """A real workbook listing key enterprises' technical demands."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["企业", "技术需求"])
    sheet.append(["永春老醋有限公司", "发酵过程温度控制"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plain_zip() -> bytes:
    """A ZIP archive that is neither a Word document nor a workbook."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "not an office file")
    return out.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
"""A Windows executable's header: what a renamed ``.pdf`` might really be."""
