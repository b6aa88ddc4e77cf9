"""The demo data: minimums, coverage, workflow consistency and idempotency, on SQLite and PostgreSQL.

The demo is loaded once per backend (``demo_world`` in conftest.py); the tests here only read it.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.security import verify_password
from demo import DemoCounts, load_demo_data
from demo.catalog import INDUSTRIES, PRODUCT_LINES, SUBFIELDS
from demo.dataset import build_dataset
from demo.people import EMPLOYER_REGIONS
from demo.societies import SOCIETY_BY_CODE
from directory import credit_code
from models import (
    AuditEvent,
    Demand,
    DemandCategory,
    DemandSource,
    DemandStatus,
    Docking,
    DockingExpert,
    DockingStatus,
    Enterprise,
    Evaluation,
    EvaluationGrade,
    Expert,
    ExpertWork,
    LocalAssociation,
    Notification,
    NotificationChannel,
    Offer,
    OfferStatus,
    PilotApplication,
    PilotStatus,
    ProfileChange,
    ProgressReport,
    Region,
    RegionLevel,
    Role,
    ServiceStation,
    Society,
    SocietyMembership,
    User,
)
from tests.demo.conftest import LOAD_AT, DemoWorld

D = DemandStatus
DOCKED_OR_LATER = {
    D.DOCKED: DockingStatus.CONFIRMED,
    D.CONTRACTED: DockingStatus.CONTRACTED,
    D.COMPLETED: DockingStatus.COMPLETED,
    D.CLOSED: DockingStatus.CLOSED,
}
BEFORE_OFFERS = {D.DRAFT, D.SUBMITTED, D.RETURNED, D.REJECTED, D.APPROVED}
COUNTED_TABLES = (
    Society,
    ServiceStation,
    LocalAssociation,
    Enterprise,
    Expert,
    ExpertWork,
    SocietyMembership,
    ProfileChange,
    User,
    Demand,
    Offer,
    Docking,
    DockingExpert,
    AuditEvent,
    Notification,
    ProgressReport,
    Evaluation,
    PilotApplication,
)


@pytest.fixture
def demo(demo_world: DemoWorld) -> tuple[Session, DemoCounts]:
    return demo_world.session, demo_world.counts


@pytest.fixture
def db(demo_world: DemoWorld) -> Session:
    return demo_world.session


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_load_meets_the_minimums_and_reports_what_it_added(demo: tuple[Session, DemoCounts]) -> None:
    session, counts = demo
    assert counts.societies >= 30
    assert counts.experts >= 600
    assert counts.enterprises >= 80
    assert counts.demands >= 150
    assert counts.service_stations >= 20
    # The counts describe the rows really written (the test database held no demo rows before).
    assert counts.societies == _count(session, Society)
    assert counts.experts == _count(session, Expert)
    assert counts.expert_works == _count(session, ExpertWork)
    assert counts.memberships == _count(session, SocietyMembership)
    assert counts.demands == _count(session, Demand)
    assert counts.offers == _count(session, Offer)
    assert counts.audit_events == _count(session, AuditEvent)
    # Experts went through the directory service, so the FAISS index will see every one of them.
    assert _count(session, ProfileChange) >= counts.experts + counts.societies
    assert (session.scalar(select(func.count()).where(Society.is_pilot)) or 0) >= 5


def test_every_status_and_category_occurs_and_governments_raise_demands(db: Session) -> None:
    statuses = set(db.scalars(select(Demand.status).where(Demand.source == DemandSource.DEMO)))
    categories = set(db.scalars(select(Demand.category).where(Demand.category.is_not(None))))
    assert statuses == set(DemandStatus)
    assert categories == set(DemandCategory)
    government = db.execute(
        select(Demand.is_government, Enterprise.is_government).join(Enterprise, Enterprise.id == Demand.enterprise_id)
    ).all()
    assert all(d == e for d, e in government), "a demand is a government demand exactly when a government raised it"
    assert sum(1 for d, _ in government if d) >= 5
    draft_without_category = db.scalar(select(func.count()).where(Demand.category.is_(None)))
    assert draft_without_category == db.scalar(
        select(func.count()).where(Demand.category.is_(None), Demand.status == D.DRAFT)
    )


def test_docked_and_later_demands_have_one_docking_whose_team_belongs_to_its_society(db: Session) -> None:
    members = set(db.execute(select(SocietyMembership.expert_id, SocietyMembership.society_id)).all())
    dockings = {d.demand_id: d for d in db.scalars(select(Docking))}
    teams: dict[int, list[DockingExpert]] = defaultdict(list)
    for row in db.scalars(select(DockingExpert)):
        teams[row.docking_id].append(row)
    offers = {o.id: o for o in db.scalars(select(Offer))}
    per_demand = Counter(db.scalars(select(Docking.demand_id)))
    demands = db.scalars(select(Demand)).all()
    for demand in demands:
        if demand.status in DOCKED_OR_LATER or demand.status is D.ACCEPTED:
            assert per_demand[demand.id] == 1, demand.title
            docking = dockings[demand.id]
            expected = DOCKED_OR_LATER.get(demand.status, DockingStatus.PROPOSED)
            assert docking.status is expected
            team = teams[docking.id]
            assert 1 <= len(team) <= 3
            assert sum(1 for t in team if t.role == "leader") == 1
            assert all((t.expert_id, docking.society_id) in members for t in team)
            accepted = offers[docking.offer_id]
            assert (accepted.demand_id, accepted.society_id) == (demand.id, docking.society_id)
            assert accepted.status is OfferStatus.ACCEPTED
            assert (docking.confirmed_at is not None) == (demand.status in DOCKED_OR_LATER)
        elif demand.status is not D.WITHDRAWN:
            assert per_demand[demand.id] == 0, demand.title
    # Teams respect what matching will enforce: active experts, capacity, no conflict of interest.
    experts = {e.id: e for e in db.scalars(select(Expert))}
    employers = dict(db.execute(select(Demand.id, Enterprise.name).join(Enterprise)).all())
    ongoing: Counter[int] = Counter()
    for docking in dockings.values():
        for member in teams[docking.id]:
            expert = experts[member.expert_id]
            assert expert.is_active
            assert expert.employer != employers[docking.demand_id]
            if docking.status in (DockingStatus.PROPOSED, DockingStatus.CONFIRMED, DockingStatus.CONTRACTED):
                ongoing[expert.id] += 1
    assert all(n <= experts[expert_id].capacity for expert_id, n in ongoing.items())
    for docking in dockings.values():
        late = docking.status in (DockingStatus.CONTRACTED, DockingStatus.COMPLETED, DockingStatus.CLOSED)
        assert (docking.agreement_signed_on is not None and docking.agreement_amount is not None) == late
        done = docking.status in (DockingStatus.COMPLETED, DockingStatus.CLOSED)
        assert bool(docking.outcome) == done
        assert docking.rating is None or (docking.status is DockingStatus.CLOSED and 1 <= docking.rating <= 5)
    closed = [d for d in dockings.values() if d.status is DockingStatus.CLOSED]
    rated = [d for d in closed if d.rating is not None]
    assert len(rated) >= len(closed) * 0.7  # most enterprises rate; staff close the others


def test_offers_fit_the_demand_state_each_society_once(db: Session) -> None:
    by_demand: dict[int, list[Offer]] = defaultdict(list)
    for offer in db.scalars(select(Offer)):
        by_demand[offer.demand_id].append(offer)
    industries = dict(db.execute(select(Society.id, Society.industries)).all())
    for demand in db.scalars(select(Demand)):
        offers = by_demand[demand.id]
        statuses = Counter(o.status for o in offers)
        if demand.status in BEFORE_OFFERS:
            assert not offers, demand.title
            continue
        if demand.status is D.OFFERED:
            latest = max(o.round for o in offers)
            assert all(o.status is OfferStatus.PENDING for o in offers if o.round == latest)
            assert all(o.status in (OfferStatus.DECLINED, OfferStatus.EXPIRED) for o in offers if o.round < latest)
        elif demand.status is D.UNMATCHED:
            assert offers
            assert set(statuses) <= {OfferStatus.DECLINED, OfferStatus.EXPIRED}
        elif demand.status is not D.WITHDRAWN:
            assert statuses[OfferStatus.ACCEPTED] == 1
            assert statuses[OfferStatus.PENDING] == 0
        else:
            assert statuses[OfferStatus.PENDING] == 0  # withdrawn: open offers were withdrawn with it
        assert len(offers) <= 7  # two rounds of three, and the center's reroute
        for round_ in {o.round for o in offers}:
            ranks = [o.rank for o in offers if o.round == round_]
            assert len(set(ranks)) == len(ranks)  # the matcher's ranks, each society once
        assert len({o.society_id for o in offers}) == len(offers)
        for offer in offers:
            assert offer.deadline_at is not None
            if offer.status is OfferStatus.PENDING:
                assert offer.deadline_at > demand.status_changed_at
            if offer.status is OfferStatus.EXPIRED:
                assert offer.deadline_at <= demand.status_changed_at
            assert industries[offer.society_id]
            answered = offer.status in (OfferStatus.ACCEPTED, OfferStatus.DECLINED)
            if offer.status is not OfferStatus.WITHDRAWN:  # an accepted offer is withdrawn with its demand
                assert (offer.responded_at is not None) == answered


def test_audit_chain_runs_from_draft_to_the_current_status(db: Session) -> None:
    events: dict[int, list[AuditEvent]] = defaultdict(list)
    moves = select(AuditEvent).where(AuditEvent.entity_type == "demand", AuditEvent.to_state.is_not(None))
    for event in db.scalars(moves.order_by(AuditEvent.id)):
        events[event.entity_id].append(event)
    roles = dict(db.execute(select(User.id, User.role)).all())
    start, end = LOAD_AT - timedelta(days=400), LOAD_AT
    for demand in db.scalars(select(Demand)):
        chain = events[demand.id]
        assert chain, demand.title
        assert (chain[0].from_state, chain[0].to_state) == (None, D.DRAFT.value)
        for before, after in zip(chain, chain[1:], strict=False):
            assert after.from_state == before.to_state
            assert before.at <= after.at
        assert chain[-1].to_state == demand.status.value
        assert demand.status_changed_at == chain[-1].at
        assert all(start <= e.at <= end for e in chain)
        assert all(roles[e.actor_user_id] is e.actor_role for e in chain if e.actor_user_id is not None)
        if demand.status in (D.RETURNED, D.REJECTED, D.WITHDRAWN):
            assert demand.status_reason
            assert demand.status_reason == chain[-1].reason


def test_enterprise_credit_codes_validate_and_name_their_county(db: Session) -> None:
    enterprises = db.scalars(select(Enterprise)).all()
    for enterprise in enterprises:
        assert credit_code.is_valid(enterprise.credit_code), enterprise.credit_code
        assert enterprise.credit_code[2:8] == enterprise.region_code
        assert enterprise.credit_code[:2] in ({"11"} if enterprise.is_government else {"91", "93"})
    counties = {e.region_code for e in enterprises}
    assert {"350524", "350526", "350582", "350583", "350322", "350902", "350922", "350505"} <= counties


def test_experts_are_members_of_fitting_societies_and_distinct(db: Session) -> None:
    memberships: dict[int, set[int]] = defaultdict(set)
    for expert_id, society_id in db.execute(select(SocietyMembership.expert_id, SocietyMembership.society_id)):
        memberships[expert_id].add(society_id)
    society_ids = set(db.scalars(select(Society.id)))
    works: dict[int, list[str]] = defaultdict(list)
    for expert_id, title in db.execute(select(ExpertWork.expert_id, ExpertWork.title).order_by(ExpertWork.id)):
        works[expert_id].append(title)
    signatures = Counter()
    experts = db.scalars(select(Expert)).all()
    for expert in experts:
        assert 1 <= len(memberships[expert.id]) <= 3
        assert memberships[expert.id] <= society_ids
        assert 2 <= len(works[expert.id]) <= 8
        signatures[(expert.fields, tuple(works[expert.id]))] += 1
    assert max(signatures.values()) == 1
    assert len({e.name for e in experts}) == len(experts)
    assert sum(not e.is_active for e in experts) >= 5
    assert sum(e.capacity <= 1 for e in experts) >= 5
    enterprise_names = set(db.scalars(select(Enterprise.name)))
    assert sum(e.employer in enterprise_names for e in experts) >= 10, "conflict-of-interest cases"


def test_users_cover_every_role_with_their_scope(db: Session) -> None:
    users = db.scalars(select(User)).all()
    assert {u.role for u in users} == set(Role)
    for user in users:
        assert (user.region_code is not None) == (user.role is Role.LOCAL_ASSOCIATION)
        assert (user.society_id is not None) == (user.role is Role.SOCIETY)
        assert (user.enterprise_id is not None) == (user.role is Role.ENTERPRISE)
        assert (user.expert_id is not None) == (user.role is Role.EXPERT)
    hashes = {u.password_hash for u in users if u.role is not Role.SYSTEM}
    assert len(hashes) == 1
    assert verify_password("zhuli-demo", hashes.pop())
    assert {u.society_id for u in users if u.role is Role.SOCIETY} == set(db.scalars(select(Society.id)))


def test_associations_cover_cities_pingtan_and_demonstration_counties(db: Session) -> None:
    wanted = set(
        db.scalars(
            select(Region.code).where(
                (Region.level == RegionLevel.CITY) | Region.is_demonstration | Region.is_special_zone
            )
        )
    )
    present = set(db.scalars(select(LocalAssociation.region_code)))
    assert wanted <= present
    assert len(wanted) >= 9 + 1 + 10
    logins = set(db.scalars(select(User.region_code).where(User.role == Role.LOCAL_ASSOCIATION)))
    assert present == logins


def test_programme_records_and_notifications_exist(db: Session) -> None:
    assert _count(db, ProgressReport) >= 20
    assert set(db.scalars(select(Evaluation.grade))) == set(EvaluationGrade)
    failing = db.scalars(select(Evaluation).where(Evaluation.grade == EvaluationGrade.FAIL)).all()
    assert all(e.rectification_due is not None for e in failing)
    assert len(set(db.scalars(select(PilotApplication.status)))) >= 6
    revoked = db.scalars(select(PilotApplication).where(PilotApplication.status == PilotStatus.REVOKED)).all()
    assert revoked
    assert all(db.get(Society, p.society_id).is_pilot is False for p in revoked if p.society_id)  # type: ignore[union-attr]
    notices = db.scalars(select(Notification)).all()
    assert len(notices) >= 20
    assert {n.channel for n in notices} == {NotificationChannel.CONSOLE, NotificationChannel.WECHAT_CUSTOM}
    assert all(n.demand_id is not None and n.recipient_user_id is not None for n in notices)


def test_contact_details_written_into_demands_were_moved_out_of_the_text_by_the_workflow(db: Session) -> None:
    demands = db.scalars(select(Demand)).all()
    texts = [d.description for d in demands]
    assert not any(re.search(r"1[3-9]\d[- ]?\d{4}[- ]?\d{4}", t) for t in texts)
    assert not any(re.search(r"[\w.]+@[\w.]+", t) for t in texts)
    assert sum(bool(d.private_details.get("mobiles")) for d in demands) >= 10
    assert sum(bool(d.private_details.get("emails")) for d in demands) >= 3
    assert (db.scalar(select(func.count()).where(Demand.contact_phone.is_not(None))) or 0) >= 140


@pytest.mark.parametrize("later", [timedelta(hours=1), timedelta(days=1), timedelta(days=45)])
def test_a_second_load_later_adds_nothing(db: Session, later: timedelta) -> None:
    """Another day's load keeps the world of the first one: not even the progress reports that
    came in since (in a month's first week, a day later is another unit's hand-in day)."""
    before = {model.__name__: _count(db, model) for model in COUNTED_TABLES}
    nested = db.begin_nested()
    try:
        again = load_demo_data(db, now=LOAD_AT + later)
        after = {model.__name__: _count(db, model) for model in COUNTED_TABLES}
    finally:
        nested.rollback()
        db.rollback()  # end the read transaction too: nothing of the attempt stays
    assert again.total == 0, again
    assert after == before


# --- the plan itself, without a database -------------------------------------------------------


def test_dataset_is_deterministic() -> None:
    first = build_dataset()
    build_dataset.cache_clear()
    try:
        assert build_dataset() == first
    finally:
        build_dataset.cache_clear()


def test_catalog_sub_fields_are_distinguishable_and_complete() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for sf in SUBFIELDS.values():
        for term in sf.terms:
            owners[term].add(sf.key)
    for industry in INDUSTRIES:
        assert len(industry.subfields) >= 8, industry.label
        assert all(e in EMPLOYER_REGIONS for e, _ in industry.employers)
        for code in (*industry.societies, *(c for sf in industry.subfields for c in sf.societies)):
            assert industry.label in SOCIETY_BY_CODE[code].industries, (code, industry.label)
        for sf in industry.subfields:
            own = [t for t in sf.terms if owners[t] == {sf.key}]
            assert len(own) >= 4, sf.key
            assert min(len(sf.topics), len(sf.issues), len(sf.methods), len(sf.titles), len(sf.goals)) >= 2, sf.key
            assert len(sf.problems) >= 2, sf.key
        suffixes = {sf.key.split(".", 1)[1] for sf in industry.subfields}
        for product, subfields, regions in PRODUCT_LINES[industry.key]:
            assert set(subfields) <= suffixes, product
            assert set(regions) <= set(industry.regions), product


def _bigrams(text: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    for part in re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", " ", text).split():
        grams.update(part[i : i + 2] for i in range(len(part) - 1))
    return grams


def test_a_demand_about_a_sub_field_finds_that_sub_fields_experts_lexically() -> None:
    """Even a crude bigram TF-IDF ranks the demand's own sub-field experts high: the vocabulary works."""
    dataset = build_dataset()
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for index, plan in enumerate(dataset.experts):
        text = plan.data.fields + " " + " ".join(w.title + " " + " ".join(w.keywords) for w in plan.data.works)
        for gram, n in _bigrams(text).items():
            postings[gram].append((index, n))
    total = len(dataset.experts)
    demands = [d for d in dataset.demands if d.status is not D.DRAFT]
    hits = 0
    for demand in demands:
        scores: Counter[int] = Counter()
        for gram, n in _bigrams(demand.title + " " + demand.description).items():
            idf = math.log(total / len(postings[gram])) if gram in postings else 0.0
            for index, m in postings.get(gram, ()):
                scores[index] += idf * min(n, m)
        top = {dataset.experts[index].subfield for index, _ in scores.most_common(10)}
        hits += demand.subfield in top
    assert hits / len(demands) >= 0.9
