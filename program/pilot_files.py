"""The materials of a pilot application (seed art. 12) as uploaded files: checked, kept, listed, read back.

A file is taken only when its content is what its name says (magic bytes: ``%PDF-``, PNG's signature,
JPEG's SOI marker, and for DOCX/XLSX a ZIP archive holding the part that makes it a Word document or
a workbook), it is not empty and not over :attr:`core.settings.PilotSettings.max_file_bytes`. It is
written under ``<data_dir>/<pilots.folder>/<application id>/`` under a random name (the applicant's
name is only shown), synced to disk before its row is added, and never deleted: a newer upload of the
same material supersedes it for the review, the old one stays on the record.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound, ValidationFailed
from core.settings import PilotSettings, Settings
from models import PilotApplication, PilotFile, PilotMaterial

MATERIAL_LABELS: dict[PilotMaterial, str] = {
    PilotMaterial.RECOMMENDATION_LETTER: "申报推荐函",
    PilotMaterial.INDUSTRY_DEMANDS: "产业需求",
    PilotMaterial.APPLICATION_LETTER: "申报函",
    PilotMaterial.ENTERPRISE_DEMANDS: "企业需求",
    PilotMaterial.WORK_PLAN: "工作方案",
}
COUNTY_MATERIALS = (PilotMaterial.RECOMMENDATION_LETTER, PilotMaterial.INDUSTRY_DEMANDS, PilotMaterial.WORK_PLAN)
SOCIETY_MATERIALS = (PilotMaterial.APPLICATION_LETTER, PilotMaterial.ENTERPRISE_DEMANDS, PilotMaterial.WORK_PLAN)

TYPE_LABELS = {"pdf": "PDF", "docx": "Word（.docx）", "xlsx": "Excel（.xlsx）", "jpg": "JPG 图片", "png": "PNG 图片"}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}
_EXTENSIONS = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".jpg": "jpg", ".jpeg": "jpg", ".png": "png"}
_ZIP_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
MAX_NAME_CHARS = 200


@dataclass(frozen=True, slots=True)
class Upload:
    """One file as the adapter received it: which material it is, the name it had, its bytes."""

    material: PilotMaterial
    filename: str
    data: bytes


def materials_for(application: PilotApplication) -> tuple[PilotMaterial, ...]:
    """The materials art. 12 asks of this kind of applicant."""
    return COUNTY_MATERIALS if application.local_association_id is not None else SOCIETY_MATERIALS


def sniff(data: bytes) -> str | None:
    """What the content is, by its leading bytes (and for ZIP containers, by the part they hold)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        for kind, part in _ZIP_PARTS.items():
            if part in names and "[Content_Types].xml" in names:
                return kind
    return None


def _clean_name(filename: str) -> str:
    name = PurePath(filename.replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch.isprintable())
    if not name:
        raise ValidationFailed("上传的文件没有文件名，请重新选择文件", fields={"field": "file"})
    return name[-MAX_NAME_CHARS:]


def check_upload(upload: Upload, limits: PilotSettings) -> str:
    """The file's type if it may be taken; a clear Chinese :class:`ValidationFailed` otherwise."""
    label = MATERIAL_LABELS[upload.material]
    name = _clean_name(upload.filename)
    allowed = "、".join(TYPE_LABELS[t] for t in limits.file_types if t in TYPE_LABELS)
    if not upload.data:
        raise ValidationFailed(f"「{label}」文件「{name}」是空文件，请重新选择", fields={"field": "file"})
    if len(upload.data) > limits.max_file_bytes:
        mib = limits.max_file_bytes / (1024 * 1024)
        raise ValidationFailed(
            f"「{label}」文件「{name}」超过 {mib:g} MB 的上限，请压缩后再上传", fields={"field": "file"}
        )
    claimed = _EXTENSIONS.get(Path(name).suffix.lower())
    if claimed is None or claimed not in limits.file_types:
        raise ValidationFailed(f"「{label}」只接受 {allowed} 文件，「{name}」不是其中之一", fields={"field": "file"})
    actual = sniff(upload.data)
    if actual != claimed:
        raise ValidationFailed(
            f"「{label}」文件「{name}」的内容不是{TYPE_LABELS[claimed]}（文件可能已损坏或只改了扩展名），"
            f"请上传真实的 {allowed} 文件",
            fields={"field": "file"},
        )
    return actual


def _folder(settings: Settings) -> Path:
    return settings.data_dir / settings.pilots.folder


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` durably: a temporary file, synced, then renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".part")
    with open(temporary, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def store(
    session: Session,
    settings: Settings,
    application: PilotApplication,
    uploads: list[Upload],
    *,
    user_id: int | None,
    now: datetime,
) -> list[PilotFile]:
    """Check every upload first (one bad file refuses them all), then write each and add its row."""
    types = [check_upload(u, settings.pilots) for u in uploads]
    rows = []
    for upload, kind in zip(uploads, types, strict=True):
        relative = f"{settings.pilots.folder}/{application.id}/{secrets.token_hex(16)}.{kind}"
        _write(settings.data_dir / relative, upload.data)
        row = PilotFile(
            application_id=application.id,
            material=upload.material,
            filename=_clean_name(upload.filename),
            file_type=kind,
            size_bytes=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
            stored_as=relative,
            uploaded_by_user_id=user_id,
            uploaded_at=now,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def files_of(session: Session, application_id: int) -> list[PilotFile]:
    """Every file of the application, newest first."""
    return list(
        session.scalars(
            select(PilotFile)
            .where(PilotFile.application_id == application_id)
            .order_by(PilotFile.uploaded_at.desc(), PilotFile.id.desc())
        )
    )


def current_files(session: Session, application_id: int) -> dict[PilotMaterial, PilotFile]:
    """The newest file of each material (the one the review looks at)."""
    current: dict[PilotMaterial, PilotFile] = {}
    for row in files_of(session, application_id):
        current.setdefault(row.material, row)
    return current


def missing_materials(session: Session, application: PilotApplication) -> list[PilotMaterial]:
    have = current_files(session, application.id)
    return [m for m in materials_for(application) if m not in have]


def read(settings: Settings, row: PilotFile) -> bytes:
    """The stored bytes of ``row`` (:class:`NotFound` in Chinese when the file is gone from disk)."""
    root = _folder(settings).resolve()
    path = (settings.data_dir / row.stored_as).resolve()
    if root not in path.parents:
        raise NotFound("找不到该申报材料文件")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise NotFound(f"申报材料「{row.filename}」的文件已不在存储目录中，请联系管理员") from exc
