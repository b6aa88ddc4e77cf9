"""Images sent while describing a demand are fetched from the platform (the fake one) and kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.attachments import KIND, download_attachments
from bot.platform.client import WeChatApi
from bot.platform.fake import FakeWeChatApi
from core.db import Database
from core.errors import ServiceUnavailable
from core.settings import Settings, WeChatSettings
from directory import credit_code
from models import Demand, Job
from tests.bot.conversation.chat import START, Chat
from workflow.jobs import JobContext

CODE = credit_code.generate("350582", 61_234_567)
JPEG = b"\xff\xd8\xff\xe0" + b"zhuli-test-image" * 64


def _submit_with_images(session: Session, *media_ids: str) -> Demand:
    chat = Chat(session, "o-pictures")
    chat.say(f"晋江恒达鞋业有限公司 {CODE}，在晋江，联系人王明 13905951234。我们的鞋底低温下开裂，需要改进配方")
    for media_id in media_ids:
        assert "图片" in chat.image(media_id)
    for answer in ("跳过", "跳过", "面议", "不限", "提交"):
        chat.say(answer)
    demand = session.scalar(select(Demand).where(Demand.contact_phone == "13905951234"))
    assert demand is not None
    return demand


def _context(settings: Settings, api: WeChatApi | None) -> JobContext:
    return JobContext(engine=None, settings=settings, now=START, api=api)


def test_a_submitted_demand_with_images_gets_them_downloaded_and_kept(
    session: Session, bound_db: Database, fake_wechat: FakeWeChatApi, wechat_settings: WeChatSettings, tmp_path: Path
) -> None:
    good = fake_wechat.add_media(JPEG, "image/jpeg")
    demand = _submit_with_images(session, good, "media-expired-long-ago")
    [queued] = session.scalars(select(Job).where(Job.kind == KIND)).all()
    assert queued.payload == {"demand_id": demand.id}

    settings = Settings(data_dir=tmp_path / "var", demo_data=False)
    download_attachments(session, _context(settings, WeChatApi(wechat_settings, bound_db)), queued.payload)
    session.flush()
    session.refresh(demand)
    kept, expired = demand.attachments
    assert kept["media_id"] == good
    assert kept["content_type"] == "image/jpeg"
    assert kept["size"] == len(JPEG)
    assert (settings.data_dir / kept["path"]).read_bytes() == JPEG
    assert "path" not in expired
    assert "过期" in expired["error"]

    calls = len(fake_wechat.calls("media/get"))
    download_attachments(session, _context(settings, WeChatApi(wechat_settings, bound_db)), queued.payload)
    assert len(fake_wechat.calls("media/get")) == calls  # done once: nothing is fetched again


def test_without_a_configured_account_the_job_waits_to_be_retried(session: Session, tmp_path: Path) -> None:
    demand = _submit_with_images(session, "media-waiting")
    settings = Settings(data_dir=tmp_path / "var", demo_data=False)
    with pytest.raises(ServiceUnavailable):
        download_attachments(session, _context(settings, None), {"demand_id": demand.id})
    assert demand.attachments[0].get("path") is None


def test_a_platform_outage_is_retried_later_and_keeps_nothing_half_written(
    session: Session, bound_db: Database, fake_wechat: FakeWeChatApi, wechat_settings: WeChatSettings, tmp_path: Path
) -> None:
    demand = _submit_with_images(session, fake_wechat.add_media(JPEG, "image/jpeg"))
    settings = Settings(data_dir=tmp_path / "var", demo_data=False)
    context = _context(settings, WeChatApi(wechat_settings, bound_db))
    fake_wechat.go_down()
    with pytest.raises(ServiceUnavailable):
        download_attachments(session, context, {"demand_id": demand.id})
    assert not (settings.data_dir / "attachments").exists() or not any((settings.data_dir / "attachments").rglob("*"))
    assert "path" not in demand.attachments[0]
