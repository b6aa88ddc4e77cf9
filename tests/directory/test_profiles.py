from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import ValidationFailed
from directory.profiles import ExpertIn, SocietyIn, WorkIn, set_expert_active, upsert_expert, upsert_society
from models import ProfileChange, ProfileChangeKind


def _changes(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ProfileChange)) or 0


def _expert(**overrides: object) -> ExpertIn:
    values: dict[str, object] = {
        "code": "EXP-1",
        "name": "林志强",
        "title": "教授",
        "employer": "福州大学",
        "fields": "锂离子电池隔膜；涂布工艺",
        "region_code": "350100",
        "society_codes": ["BAT"],
        "works": [WorkIn(title="锂电池隔膜陶瓷涂层均匀性控制", keywords=["隔膜", "涂布"])],
    }
    values.update(overrides)
    return ExpertIn.model_validate(values)


def test_upsert_creates_then_updates_and_logs_only_real_changes(session: Session) -> None:
    upsert_society(session, SocietyIn(code="BAT", name="福建省电池学会"))
    start = _changes(session)
    expert, changed = upsert_expert(session, _expert())
    assert changed
    assert [w.title for w in expert.works] == ["锂电池隔膜陶瓷涂层均匀性控制"]
    assert _changes(session) == start + 1

    same, changed = upsert_expert(session, _expert())
    assert same.id == expert.id
    assert not changed
    assert _changes(session) == start + 1

    _, changed = upsert_expert(session, _expert(works=[WorkIn(title="新型隔膜")]))
    assert changed
    assert _changes(session) == start + 2


def test_upsert_refuses_unknown_society_and_region(session: Session) -> None:
    with pytest.raises(ValidationFailed, match="学会编号不存在"):
        upsert_expert(session, _expert(society_codes=["NOPE"]))
    upsert_society(session, SocietyIn(code="BAT", name="福建省电池学会"))
    with pytest.raises(ValidationFailed, match="359999"):
        upsert_expert(session, _expert(region_code="359999"))


def test_deactivation_is_a_profile_change(session: Session) -> None:
    upsert_society(session, SocietyIn(code="BAT", name="福建省电池学会"))
    expert, _ = upsert_expert(session, _expert())
    start = _changes(session)
    set_expert_active(session, expert.id, False)
    set_expert_active(session, expert.id, False)
    assert _changes(session) == start + 1
    assert expert.is_active is False


def test_contact_only_edit_is_written_but_does_not_reindex(session: Session) -> None:
    upsert_society(session, SocietyIn(code="BAT", name="福建省电池学会"))
    upsert_expert(session, _expert())
    start = _changes(session)
    expert, changed = upsert_expert(session, _expert(email="lin@fzu.edu.cn"))
    assert changed
    assert expert.email == "lin@fzu.edu.cn"
    assert _changes(session) == start


def test_profile_changes_name_their_kind_as_an_enum(session: Session) -> None:
    upsert_society(session, SocietyIn(code="BAT", name="电池学会"))
    upsert_expert(session, _expert())
    session.expire_all()
    kinds = list(session.scalars(select(ProfileChange.kind).order_by(ProfileChange.id)))
    assert kinds == [ProfileChangeKind.SOCIETY, ProfileChangeKind.EXPERT]
    assert all(isinstance(k, ProfileChangeKind) for k in kinds)
