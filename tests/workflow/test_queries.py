"""Reading demands: scoped lists with filters and pages, the detail with its timeline, the enterprise's own list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

import workflow
from core.errors import NotFound, PermissionDenied
from models import DemandCategory, DemandStatus, Docking, DockingStatus, Offer
from tests.factories import make_enterprise
from tests.workflow.conftest import TAIJIANG, World, demand_in
from workflow import DemandFilters, Page

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _ids(page: workflow.schemas.DemandPage) -> list[int]:
    return [item.id for item in page.items]


@pytest.fixture
def demands(session: Session, world: World) -> dict[str, int]:
    fuzhou_enterprise = make_enterprise(session, region_code=TAIJIANG)
    made = {
        "shoe": demand_in(session, world, DemandStatus.SUBMITTED, title="鞋底回弹性差", keywords=["中底回弹率"],
                          created_at=NOW - timedelta(days=3)),
        "tea": demand_in(session, world, DemandStatus.APPROVED, title="乌龙茶香气不足", description="做青工艺不稳定",
                         category=DemandCategory.CONSULTING, created_at=NOW - timedelta(days=2)),
        "draft": demand_in(session, world, DemandStatus.DRAFT, title="草稿需求", created_at=NOW - timedelta(days=1)),
        "fuzhou": demand_in(session, world, DemandStatus.SUBMITTED, enterprise_id=fuzhou_enterprise.id,
                            region_code=TAIJIANG, title="台江的需求", description="包装印刷色差大",
                            created_at=NOW),
    }  # fmt: skip
    return {k: d.id for k, d in made.items()}


def test_each_party_lists_what_it_may_see(session: Session, world: World, demands: dict[str, int]) -> None:
    def listed(who: str) -> set[int]:
        return set(_ids(workflow.list_demands(session, world.actor(who), now=NOW)))

    assert listed("la_jinjiang") == listed("la_quanzhou") == {demands["shoe"], demands["tea"]}
    assert listed("la_fuzhou") == listed("la_taijiang") == {demands["fuzhou"]}
    assert listed("center") == {demands["shoe"], demands["tea"], demands["fuzhou"]}
    assert listed("enterprise") == {demands["shoe"], demands["tea"], demands["draft"]}
    assert listed("other_enterprise") == listed("society") == set()


def test_filters_search_sort_and_pages(session: Session, world: World, demands: dict[str, int]) -> None:
    center = world.actor("center")

    def ids(**filters: object) -> list[int]:
        return _ids(workflow.list_demands(session, center, DemandFilters(**filters), now=NOW))  # type: ignore[arg-type]

    assert ids(status=[DemandStatus.APPROVED]) == [demands["tea"]]
    assert ids(region_code="350500") == [demands["tea"], demands["shoe"]]
    assert ids(category=DemandCategory.CONSULTING) == [demands["tea"]]
    assert ids(q="做青") == [demands["tea"]]  # description
    assert ids(q="中底回弹率") == [demands["shoe"]]  # keywords
    assert ids(q="鞋底 回弹") == [demands["shoe"]]
    assert ids(q="鞋底 做青") == []  # every word must occur
    assert ids(q="100%") == []  # wildcards are literal
    assert ids(sort="oldest") == [demands["shoe"], demands["tea"], demands["fuzhou"]]
    assert ids(created_from=(NOW - timedelta(days=2)).date()) == [demands["fuzhou"], demands["tea"]]
    assert ids(created_to=(NOW - timedelta(days=3)).date()) == [demands["shoe"]]
    page = workflow.list_demands(session, center, DemandFilters(sort="oldest"), Page(number=2, size=2), now=NOW)
    assert (page.total, _ids(page), page.page, page.size) == (3, [demands["fuzhou"]], 2, 2)
    shoe = next(i for i in workflow.list_demands(session, center, now=NOW).items if i.id == demands["shoe"])
    assert (shoe.status_label, shoe.region_name, shoe.age_days) == ("已提交，待科协审核", "晋江市", 3)
    assert shoe.enterprise_name == "晋江恒达鞋业有限公司"


def test_detail_has_a_chinese_timeline(session: Session, world: World) -> None:
    draft = workflow.create_draft(
        session, world.actor("enterprise"), workflow.DemandInput(description="EVA鞋底回弹性不足，希望优化配方"), now=NOW
    ).demand
    workflow.submit(session, world.actor("enterprise"), draft.id, now=NOW)
    workflow.return_for_info(session, world.actor("la_jinjiang"), draft.id, "请说明年产量", now=NOW)
    detail = workflow.demand_detail(session, world.actor("la_jinjiang"), draft.id, now=NOW)
    assert [e.text for e in detail.timeline] == [
        "晋江恒达鞋业有限公司创建了需求草稿",
        "晋江恒达鞋业有限公司提交需求",
        "晋江市科协退回需求补充信息：请说明年产量",
    ]
    assert detail.timeline[-1].from_state == "已提交，待科协审核"
    assert detail.timeline[-1].to_state == "已退回，待补充"
    assert detail.actions == []  # returned: the enterprise acts next
    assert workflow.demand_detail(session, world.actor("enterprise"), draft.id, now=NOW).actions == [
        "supplement",
        "withdraw",
    ]


def test_a_society_sees_contact_details_only_after_its_docking_is_confirmed(session: Session, world: World) -> None:
    demand = demand_in(session, world, DemandStatus.OFFERED, contact_name="陈工", contact_phone="13812345678")
    mine = Offer(demand_id=demand.id, society_id=world.society.id, rank=1, score=0.5)
    theirs = Offer(demand_id=demand.id, society_id=world.other_society.id, rank=2, score=0.4)
    session.add_all([mine, theirs])
    session.flush()
    society = world.actor("society")
    seen = workflow.demand_detail(session, society, demand.id, now=NOW)
    assert seen.contact is None
    assert seen.contact_note == "企业联系方式在对接确认后提供"
    assert "13812345678" not in seen.model_dump_json()
    assert [o.id for o in seen.offers] == [mine.id]  # never the other society's offer
    assert seen.suggestions is None
    docking = Docking(demand_id=demand.id, offer_id=mine.id, society_id=world.society.id)
    session.add(docking)
    session.flush()
    assert workflow.demand_detail(session, society, demand.id, now=NOW).contact is None  # proposed only
    docking.status = DockingStatus.CONFIRMED
    session.flush()
    contact = workflow.demand_detail(session, society, demand.id, now=NOW).contact
    assert contact is not None
    assert contact.phone == "13812345678"
    assert workflow.demand_detail(session, world.actor("la_jinjiang"), demand.id, now=NOW).contact is not None
    with pytest.raises(NotFound):
        workflow.demand_detail(session, world.actor("la_taijiang"), demand.id, now=NOW)


def test_my_demands_lists_newest_first_with_the_last_step(session: Session, world: World) -> None:
    older = demand_in(session, world, DemandStatus.DRAFT, title="旧需求", created_at=NOW - timedelta(days=5))
    newer = demand_in(session, world, DemandStatus.SUBMITTED, title="新需求", created_at=NOW)
    workflow.approve(session, world.actor("la_jinjiang"), newer.id, now=NOW)
    mine = workflow.my_demands(session, world.actor("enterprise"))
    assert [(m.id, m.status_label) for m in mine] == [(newer.id, "审核通过"), (older.id, "草稿")]
    assert mine[0].last_step == "晋江市科协审核通过需求"
    assert mine[0].last_step_at == NOW
    assert workflow.my_demands(session, world.actor("other_enterprise")) == []
    with pytest.raises(PermissionDenied):
        workflow.my_demands(session, world.actor("center"))
