"""The department's closing steps of the pilot selection (seed art. 13): the chairman's office meeting's
decision, which takes effect at once, and the publication of a year's list.

A selected county becomes a demonstration area (``Region.is_demonstration``); a selected society an
active pilot society (``is_pilot``, ``is_active``) with a ProfileChange, so the matcher's society data
follows and the next offer rounds include it (:func:`program.eligibility.offerable_society`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.actor import Actor
from core import clock
from core.clock import BEIJING
from core.errors import Conflict, PermissionDenied, ValidationFailed
from directory.profiles import record_change
from models import LocalAssociation, PilotApplication, PilotStatus, ProfileChangeKind, Region, Role, Society
from program.pilot_rules import applicant_recipients, check, visible
from program.pilot_schemas import DecisionIn
from program.pilots import audit, clean_note, tell
from workflow.transitions import flush


def _take_effect(session: Session, application: PilotApplication, now: datetime) -> dict[str, object]:
    """A selected county becomes a demonstration area, a selected society an active pilot society,
    from today (Beijing): it owes monthly reports from the first month that begins on or after it."""
    today = now.astimezone(BEIJING).date()
    if application.society_id is not None:
        society = session.get(Society, application.society_id)
        assert society is not None
        society.is_pilot = True
        society.pilot_since = today
        society.is_active = True
        record_change(session, ProfileChangeKind.SOCIETY, society.id)  # the matcher's society data follows
        return {"society_id": society.id, "is_pilot": True}
    association = session.get(LocalAssociation, application.local_association_id)
    assert association is not None
    region = session.get(Region, association.region_code)
    assert region is not None
    region.is_demonstration = True
    region.demonstration_since = today
    return {"region_code": region.code, "is_demonstration": True}


def decide(
    session: Session, actor: Actor, application_id: int, decision: DecisionIn, *, now: datetime | None = None
) -> PilotApplication:
    """The department records the chairman's office meeting's decision; a selection takes effect at once."""
    now = now or clock.now()
    application = visible(session, actor, application_id, lock=True)
    check("decide", application, actor)
    if decision.meeting_date > now.date():
        raise ValidationFailed("会议日期不能晚于今天", fields={"field": "meeting_date"})
    before = application.status
    application.status = PilotStatus.SELECTED if decision.selected else PilotStatus.NOT_SELECTED
    application.meeting_date = decision.meeting_date
    application.meeting_number = decision.meeting_number
    application.decided_at = now
    note = clean_note(decision.note, required=False, label="说明")
    effects = _take_effect(session, application, now) if decision.selected else {}
    flush(session)
    meeting = f"{decision.meeting_date.isoformat()} {decision.meeting_number}"
    event = audit(session, actor, application, "decide", before, now=now, reason=note,
                   data={"meeting": meeting, **effects})  # fmt: skip
    result = "确定入选" if decision.selected else "未入选"
    text = f"经主席办公会议（{meeting}）研究，{result}。遴选结果将在省科协网站公布。"
    tell(session, event, applicant_recipients(session, application), application, text)
    return application


def publish(session: Session, actor: Actor, year: int, *, now: datetime | None = None) -> list[PilotApplication]:
    """The department publishes the year's decided applications on the public list (art. 13)."""
    now = now or clock.now()
    if actor.role is not Role.DEPARTMENT:
        raise PermissionDenied("遴选结果由省科协学会学术部公布")
    decided = list(
        session.scalars(
            select(PilotApplication)
            .where(
                PilotApplication.year == year,
                PilotApplication.status.in_([PilotStatus.SELECTED, PilotStatus.NOT_SELECTED]),
                PilotApplication.published_at.is_(None),
            )
            .order_by(PilotApplication.id)
            .with_for_update()
        )
    )
    if not decided:
        raise Conflict(f"{year} 年度没有待公布的遴选结果（须先登记主席办公会议决定）")
    pending = session.scalar(
        select(PilotApplication.id).where(
            PilotApplication.year == year, PilotApplication.status.in_([PilotStatus.RECOMMENDED])
        )
    )
    if pending is not None:
        raise Conflict(f"{year} 年度仍有已推荐、尚未登记会议决定的申报，请先登记决定再公布")
    for application in decided:
        application.published_at = now
        flush(session)
        event = audit(session, actor, application, "publish", application.status, now=now)
        tell(session, event, applicant_recipients(session, application), application, "的遴选结果已在省科协网站公布。")
    return decided
