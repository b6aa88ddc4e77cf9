"""Delivering the outbox: claim due notification rows, send them, record every outcome.

``console`` rows are the inbox: claiming one and marking it delivered is its delivery, in one
transaction. WeChat rows go one by one: plan the route (:mod:`workflow.worker.channels`), send,
then record in a new transaction — sent; retried later with back-off when trying again can help;
failed after ``max_attempts`` or when it cannot; skipped when there is nothing to deliver to.

What is guaranteed when a worker dies (SIGKILL, power loss):

- Never lost: the claim is a lease; when it runs out another worker claims the row again.
- Killed before the send (after the claim, while fetching the token, …): the retry sends the
  message once; nothing reached the platform before.
- Just before a customer-service message goes out its row records ``sending``. A worker killed
  after that mark and before recording the answer leaves the message's fate unknown (the platform
  may have shown it; it has no idempotency key for customer-service messages). Such a row — and one
  whose send timed out — is never sent as a customer-service message again: the retry is a template
  message, which the platform de-duplicates by ``client_msg_id``. So the recipient sees the notice
  at least once and at most twice (once of each kind), and only when a worker died in that window
  of a few milliseconds; template messages are seen exactly once as long as the retry comes within
  the platform's 10 minutes (the lease is far shorter).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from prometheus_client import Counter
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.platform.client import Sent, WeChatApi
from bot.platform.errors import PushLimitExceeded, WeChatApiError, WindowClosed
from core import clock
from core.db import Database
from core.settings import Settings
from models import Notification, NotificationChannel, NotificationStatus
from workflow.worker import channels
from workflow.worker.channels import IN_DOUBT, SENDING, Letter, Route
from workflow.worker.leases import backoff_delay, claim_notifications, extend_notification_leases

log = logging.getLogger("zhuli.worker")

DELIVERIES = Counter(
    "zhuli_deliveries",
    "Notification delivery attempts by channel tried and outcome (per process)",
    ["channel", "result"],
)
"""Results: sent, fallback (customer-service refused, template sent instead), retry, in_doubt, failed, skipped."""

WECHAT_CHANNELS = (NotificationChannel.WECHAT_CUSTOM, NotificationChannel.WECHAT_TEMPLATE)
RECORD_EVERY = 10
"""Staff template messages sent before their outcomes are written in one transaction."""


@dataclass
class Outcome:
    channel: NotificationChannel
    result: str
    code: int | None = None
    detail: str = ""
    external_id: str | None = None

    def record(self, now: datetime, worker_id: str) -> dict[str, Any]:
        return {
            "at": now.isoformat(),
            "channel": self.channel.value,
            "result": self.result,
            "code": self.code,
            "detail": self.detail[:500],
            "worker": worker_id,
        }


@dataclass
class Attempt:
    """The outcomes of one attempt at one row, the last one deciding what becomes of the row."""

    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> Outcome:
        self.outcomes.append(outcome)
        DELIVERIES.labels(outcome.channel.value, outcome.result).inc()
        return outcome


def deliver_console(session: Session, *, worker_id: str, now: datetime, lease_seconds: float, limit: int) -> int:
    """Claim due console rows and mark them delivered (they are the inbox), in the caller's transaction."""
    ids = claim_notifications(
        session,
        worker_id=worker_id,
        channels=(NotificationChannel.CONSOLE,),
        now=now,
        lease_seconds=lease_seconds,
        limit=limit,
    )
    if not ids:
        return 0
    for row in session.scalars(select(Notification).where(Notification.id.in_(ids))):
        outcome = Outcome(NotificationChannel.CONSOLE, "sent", detail="已进入站内收件箱")
        row.outcomes = [*(row.outcomes or []), outcome.record(now, worker_id)]
        row.status = NotificationStatus.SENT
        row.delivered_channel = NotificationChannel.CONSOLE
        row.sent_at = now
        row.locked_by = None
        row.locked_until = None
        row.last_error = None
        DELIVERIES.labels(NotificationChannel.CONSOLE.value, "sent").inc()
    return len(ids)


class WeChatDeliverer:
    """Sends claimed WeChat rows through :class:`~bot.platform.client.WeChatApi`, one at a time."""

    def __init__(self, db: Database, api: WeChatApi, settings: Settings, worker_id: str) -> None:
        self.db = db
        self.api = api
        self.settings = settings
        self.wechat = settings.wechat
        self.worker_id = worker_id

    def claim(self, limit: int) -> list[tuple[int, Letter | None]]:
        """Claim due WeChat rows; a staff template row comes with its letter (it needs no planning)."""
        with self.db.unit_of_work() as session:
            ids = claim_notifications(
                session,
                worker_id=self.worker_id,
                channels=WECHAT_CHANNELS,
                now=clock.now(),
                lease_seconds=self.settings.worker.lease_seconds,
                limit=limit,
            )
            if not ids:
                return []
            rows = session.scalars(select(Notification).where(Notification.id.in_(ids))).all()
            letters = {
                row.id: channels.letter_of(row)
                for row in rows
                if row.channel is NotificationChannel.WECHAT_TEMPLATE and row.recipient_openid
            }
            return [(row_id, letters.get(row_id)) for row_id in ids]

    def deliver(self, claimed: Sequence[tuple[int, Letter | None]]) -> int:
        """Deliver claimed rows, renewing the lease of the rest when half of it has passed.

        Template messages to staff are sent back to back and recorded together (every
        ``RECORD_EVERY`` rows and at the end): the platform drops a resent one, so a crash before the
        record costs nothing. Customer-service rows are planned, marked and recorded one by one.
        """
        lease = self.settings.worker.lease_seconds
        renew_at = clock.now() + timedelta(seconds=lease / 2)
        unrecorded: list[tuple[int, Attempt]] = []
        for position, (row_id, letter) in enumerate(claimed):
            if clock.now() >= renew_at:
                with self.db.unit_of_work() as session:
                    extend_notification_leases(
                        session,
                        [i for i, _ in claimed[position:]],
                        worker_id=self.worker_id,
                        now=clock.now(),
                        lease_seconds=lease,
                    )
                renew_at = clock.now() + timedelta(seconds=lease / 2)
            if letter is None:
                self.deliver_one(row_id)
                continue
            attempt = Attempt()
            self._send_template(letter, attempt)
            unrecorded.append((row_id, attempt))
            if len(unrecorded) >= RECORD_EVERY:
                self._record_all(unrecorded)
                unrecorded = []
        self._record_all(unrecorded)
        return len(claimed)

    def _record_all(self, attempts: Sequence[tuple[int, Attempt]]) -> None:
        if not attempts:
            return
        with self.db.unit_of_work() as session:
            rows = {
                r.id: r
                for r in session.scalars(select(Notification).where(Notification.id.in_([i for i, _ in attempts])))
            }
            now = clock.now()
            for row_id, attempt in attempts:
                if row_id in rows:
                    record_attempt(rows[row_id], attempt, self.worker_id, self.settings, now)

    def deliver_one(self, row_id: int) -> None:
        attempt = Attempt()
        try:
            self.api.tokens.current()  # fetch a token before the "sending" mark: a failure here sent nothing
        except WeChatApiError as exc:
            with self.db.unit_of_work() as session:
                row = session.get(Notification, row_id)
                if row is not None:
                    attempt.add(self._failure(row.channel, exc, retryable=exc.retryable))
                    record_attempt(row, attempt, self.worker_id, self.settings, clock.now())
            return
        planned = self._plan(row_id)
        if planned is None:
            return
        letter, route, reason = planned
        if route is None:
            attempt.add(Outcome(letter.channel, "skipped", detail=reason))
        elif route is Route.CUSTOM:
            self._send_custom(letter, attempt)
        else:
            if reason:
                attempt.add(Outcome(NotificationChannel.WECHAT_CUSTOM, "fallback", detail=reason))
            self._send_template(letter, attempt)
        self._record(row_id, attempt)

    def _plan(self, row_id: int) -> tuple[Letter, Route | None, str] | None:
        """Read the row and choose its route; mark a customer-service send ``sending`` before it happens."""
        with self.db.unit_of_work() as session:
            row = session.get(Notification, row_id)
            if row is None or row.status is not NotificationStatus.SENDING or row.locked_by != self.worker_id:
                log.warning("notification %s is no longer ours; left to its new holder", row_id)
                return None
            letter = channels.letter_of(row)
            if not letter.openid:
                return letter, None, "收件人没有绑定微信"
            reason = ""
            if letter.channel is NotificationChannel.WECHAT_CUSTOM:
                if letter.custom_in_doubt:
                    reason = "上次客服消息结果不明，改用模板消息（平台按 client_msg_id 去重）"
                else:
                    closed = channels.window_closed_reason(
                        session, openid=letter.openid, now=clock.now(), settings=self.wechat
                    )
                    if closed is None:
                        marker = Outcome(NotificationChannel.WECHAT_CUSTOM, SENDING, detail="发送中")
                        row.outcomes = [*(row.outcomes or []), marker.record(clock.now(), self.worker_id)]
                        return letter, Route.CUSTOM, ""
                    reason = closed
            if not channels.template_id_for(letter.channel, self.wechat):
                return letter, None, f"{reason}；未配置模板消息" if reason else "未配置模板消息"
            return letter, Route.TEMPLATE, reason

    def _send_custom(self, letter: Letter, attempt: Attempt) -> None:
        channel = NotificationChannel.WECHAT_CUSTOM
        assert letter.openid is not None
        try:
            sent = self.api.send_text(letter.openid, channels.custom_text(letter.payload, self.wechat))
        except (WindowClosed, PushLimitExceeded) as exc:
            attempt.add(Outcome(channel, "fallback", exc.errcode, str(exc)))
            if channels.template_id_for(letter.channel, self.wechat):
                self._send_template(letter, attempt)
            else:
                attempt.add(Outcome(NotificationChannel.WECHAT_TEMPLATE, "skipped", detail="未配置模板消息"))
            return
        except WeChatApiError as exc:
            if exc.in_doubt:
                attempt.add(Outcome(channel, IN_DOUBT, exc.errcode, str(exc)))
            else:
                attempt.add(self._failure(channel, exc, retryable=exc.retryable))
            return
        attempt.add(self._sent(channel, sent))

    def _send_template(self, letter: Letter, attempt: Attempt) -> None:
        channel = NotificationChannel.WECHAT_TEMPLATE
        assert letter.openid is not None
        try:
            sent = self.api.send_template(
                letter.openid,
                channels.template_id_for(letter.channel, self.wechat),
                channels.template_data(letter.payload, self.wechat.template_keys),
                url=channels.link_url(letter.payload, self.wechat),
                client_msg_id=channels.client_msg_id(letter.dedupe_key),
            )
        except WeChatApiError as exc:
            # A template message in doubt is safe to resend: the platform drops the repeat.
            attempt.add(self._failure(channel, exc, retryable=exc.retryable or exc.in_doubt))
            return
        attempt.add(self._sent(channel, sent))

    @staticmethod
    def _sent(channel: NotificationChannel, sent: Sent) -> Outcome:
        return Outcome(channel, "sent", 0, "已送达微信平台", sent.msgid)

    @staticmethod
    def _failure(channel: NotificationChannel, exc: WeChatApiError, *, retryable: bool) -> Outcome:
        return Outcome(channel, "retry" if retryable else "failed", exc.errcode, str(exc))

    def _record(self, row_id: int, attempt: Attempt) -> None:
        with self.db.unit_of_work() as session:
            row = session.get(Notification, row_id)
            if row is None:
                return
            record_attempt(row, attempt, self.worker_id, self.settings, clock.now())


def record_attempt(row: Notification, attempt: Attempt, worker_id: str, settings: Settings, now: datetime) -> None:
    """Append the attempt's outcomes (replacing this worker's ``sending`` mark) and settle the row.

    A row another worker holds meanwhile (this one's lease ran out) keeps its status: only the
    outcomes are added, and the new holder settles it.
    """
    history = list(row.outcomes or [])
    if history and history[-1].get("result") == SENDING and history[-1].get("worker") == worker_id:
        history.pop()
    row.outcomes = [*history, *(o.record(now, worker_id) for o in attempt.outcomes)]
    if row.locked_by != worker_id or row.status is not NotificationStatus.SENDING:
        log.warning("notification %s was re-claimed while this worker delivered it", row.id)
        return
    last = attempt.outcomes[-1]
    row.locked_by = None
    row.locked_until = None
    if last.result == "sent":
        row.status = NotificationStatus.SENT
        row.delivered_channel = last.channel
        row.external_id = last.external_id
        row.sent_at = now
        row.last_error = None
        return
    row.last_error = last.detail or last.result
    if last.result == "skipped":
        row.status = NotificationStatus.SKIPPED
    elif last.result == "failed" or row.attempts >= settings.worker.max_attempts:
        row.status = NotificationStatus.FAILED
    else:  # retry, in_doubt
        row.status = NotificationStatus.PENDING
        row.next_attempt_at = now + backoff_delay(row.attempts, settings.worker)
