"""Holding an uploaded import file between its dry run and the officer's「确认导入」.

The dry run and the commit are two requests; the file is kept under ``<data_dir>/console-uploads``
in the meantime, named by a random token and tied to the user who uploaded it, so the committed rows
are exactly the rows the officer reviewed (no second upload, no file passed back through the browser).
Held files expire after :data:`HOLD_FOR`; each new hold sweeps the expired ones.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from accounts import Actor
from core.errors import ValidationFailed
from core.settings import Settings
from ingestion.import_report import ImportKind

HOLD_FOR = 60 * 60
"""Seconds a reviewed file waits for its commit."""
_TOKEN_BYTES = 16


class UploadExpired(ValidationFailed):
    code = "upload_expired"
    default_message = "该文件已导入或校验结果已过期（保留 1 小时），请重新上传并校验"


@dataclass(frozen=True, slots=True)
class HeldUpload:
    kind: ImportKind
    filename: str
    data: bytes


def _folder(settings: Settings) -> Path:
    return settings.data_dir / "console-uploads"


def _paths(settings: Settings, token: str) -> tuple[Path, Path]:
    folder = _folder(settings)
    return folder / f"{token}.bin", folder / f"{token}.json"


def _valid_token(token: str) -> bool:
    return len(token) == 2 * _TOKEN_BYTES and all(c in "0123456789abcdef" for c in token)


def _sweep(folder: Path, now: float) -> None:
    for path in folder.glob("*.json"):
        try:
            expired = now - path.stat().st_mtime > HOLD_FOR
        except FileNotFoundError:
            continue
        if expired:
            path.unlink(missing_ok=True)
            path.with_suffix(".bin").unlink(missing_ok=True)


def hold(settings: Settings, actor: Actor, kind: ImportKind, filename: str, data: bytes) -> str:
    """Keep ``data`` for ``actor``'s commit; returns the token the commit form carries."""
    folder = _folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder, time.time())
    token = secrets.token_hex(_TOKEN_BYTES)
    blob, meta = _paths(settings, token)
    blob.write_bytes(data)
    meta.write_text(json.dumps({"user_id": actor.user_id, "kind": kind.value, "filename": filename}), "utf-8")
    return token


def take(settings: Settings, actor: Actor, token: str) -> HeldUpload:
    """The file ``actor`` held under ``token`` (:class:`UploadExpired` when gone, expired or someone else's)."""
    if not _valid_token(token):
        raise UploadExpired()
    blob, meta = _paths(settings, token)
    try:
        info = json.loads(meta.read_text("utf-8"))
        if info.get("user_id") != actor.user_id or time.time() - meta.stat().st_mtime > HOLD_FOR:
            raise UploadExpired()
        return HeldUpload(kind=ImportKind(info["kind"]), filename=str(info["filename"]), data=blob.read_bytes())
    except (OSError, ValueError, KeyError) as exc:
        raise UploadExpired() from exc


def release(settings: Settings, token: str) -> None:
    """Forget a held file (after its commit)."""
    if _valid_token(token):
        for path in _paths(settings, token):
            path.unlink(missing_ok=True)
