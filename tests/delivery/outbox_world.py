"""Recipients, inbound messages and notices for the delivery tests (plain typed functions)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.settings import Settings, WeChatSettings, WorkerSettings
from models import InboundMessage, Notification, Role, User
from tests.factories import make_enterprise, make_user
from workflow.notify import Notice, tell

_seq = itertools.count(1)

NOTICE = Notice(
    kind="demand.approved",
    title="需求已通过初审",
    text="您的需求“鞋底发泡材料回弹性差”已通过晋江市科协初审，正在为您匹配学会。",
    fields=(("需求", "鞋底发泡材料回弹性差"), ("状态", "已通过初审")),
    link="/console/demands/1",
)


def enterprise_user(session: Session, openid: str | None = None) -> User:
    enterprise = make_enterprise(session)
    return make_user(session, Role.ENTERPRISE, enterprise_id=enterprise.id, wechat_openid=openid)


def staff_user(session: Session, openid: str | None = None) -> User:
    return make_user(session, Role.CENTER, wechat_openid=openid)


def user_wrote(session: Session, openid: str, *, ago: timedelta = timedelta(hours=1)) -> None:
    """The user sent a text message ``ago`` (it opens the customer-service window)."""
    n = next(_seq)
    session.add(
        InboundMessage(
            msg_id=9_000_000 + n,
            dedupe_key=f"test-inbound-{n}-{openid}",
            openid=openid,
            msg_type="text",
            content="你好",
            raw_xml="<xml/>",
            received_at=clock.now() - ago,
        )
    )
    session.flush()


def notify(session: Session, user: User, *, source: str | None = None, notice: Notice = NOTICE) -> list[Notification]:
    """Enqueue ``notice`` for ``user`` as the workflow does; returns the rows it added."""
    source = source or f"test:{next(_seq)}"
    tell(session, [user], notice, source=source, demand_id=None)
    return list(
        session.scalars(
            select(Notification).where(Notification.dedupe_key.like(f"{source}:%")).order_by(Notification.id)
        )
    )


def worker_settings(wechat: WeChatSettings, **worker: object) -> Settings:
    """Settings for a worker delivering to ``wechat`` with quick retries."""
    values: dict[str, object] = {"backoff_base_seconds": 1.0, "backoff_cap_seconds": 4.0, "max_attempts": 3}
    values.update(worker)
    return Settings(wechat=wechat, worker=WorkerSettings.model_validate(values), demo_data=False)


def later(seconds: float) -> datetime:
    return clock.now() + timedelta(seconds=seconds)
