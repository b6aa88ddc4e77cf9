"""Images an enterprise sent while describing its demand, fetched from the platform and kept.

WeChat keeps a user's media for three days only, so a submitted demand's images are downloaded by a
job (``demand.attachments``) right after submission, into ``<data dir>/attachments/<demand id>/``.
Each attachment then carries ``path`` (relative to the data folder), ``content_type`` and ``size``;
one the platform no longer has carries ``error`` instead, and the rest are still kept. The job is
idempotent: an attachment with a ``path`` is not fetched again.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from bot.platform.errors import WeChatApiError
from core.errors import ServiceUnavailable
from models import Demand
from workflow.jobs import JobContext, enqueue_job, job

KIND = "demand.attachments"
MAX_BYTES = 10 * 1024 * 1024
"""The platform's own limit for an image is 10 MB; anything larger is not an image it sent."""
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def fetch_later(session: Session, demand: Demand) -> None:
    """Enqueue the download of ``demand``'s images (in the caller's transaction), if it has any."""
    if any(a.get("media_id") and not a.get("path") for a in demand.attachments):
        enqueue_job(session, KIND, {"demand_id": demand.id}, dedupe_key=f"{KIND}:{demand.id}")


def _stored_name(number: int, media_id: str, content_type: str) -> str:
    extension = mimetypes.guess_extension(content_type.split(";")[0].strip()) or ".bin"
    return f"{number}-{_UNSAFE.sub('_', media_id)[:60]}{extension}"


@job(KIND)
def download_attachments(session: Session, ctx: JobContext, payload: dict[str, Any]) -> None:
    demand = session.get(Demand, int(payload["demand_id"]))
    if demand is None:
        return
    pending = [a for a in demand.attachments if a.get("media_id") and not a.get("path") and not a.get("error")]
    if not pending:
        return
    if ctx.api is None:
        raise ServiceUnavailable("未配置公众号接口，暂时无法下载图片")
    folder = Path(ctx.settings.data_dir) / "attachments" / str(demand.id)
    kept: list[dict[str, Any]] = []
    for number, attachment in enumerate(demand.attachments, 1):
        item = dict(attachment)
        if item in pending:
            item.update(_fetch(ctx, folder, number, str(item["media_id"]), Path(ctx.settings.data_dir)))
        kept.append(item)
    demand.attachments = kept
    flag_modified(demand, "attachments")


def _fetch(ctx: JobContext, folder: Path, number: int, media_id: str, data_dir: Path) -> dict[str, Any]:
    assert ctx.api is not None
    try:
        media = ctx.api.download_media(media_id)
    except WeChatApiError as exc:
        if not getattr(exc, "retryable", True):  # expired or unknown media id: asking again cannot help
            return {"error": "图片已过期或不存在，无法从公众号平台下载"}
        raise ServiceUnavailable(f"下载图片失败，稍后重试：{exc}") from exc
    if len(media.content) > MAX_BYTES:
        return {"error": "图片超过 10 MB，未保存"}
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / _stored_name(number, media_id, media.content_type)
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_bytes(media.content)
    partial.replace(target)  # a crash leaves a .part file, never a truncated image under its name
    return {
        "path": target.relative_to(data_dir).as_posix(),
        "content_type": media.content_type,
        "size": len(media.content),
    }
