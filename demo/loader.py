"""Load the demo into a database: idempotent, flushes and never commits.

Natural keys make a second load a no-op: society code, station (society, region), association
region, enterprise credit code, expert code, username; demands are loaded only when no demo demand
exists yet (``source == DemandSource.DEMO``), together with their offers, dockings, audit trail and
notifications, all made by the workflow itself (:mod:`demo.replay`). Programme records are keyed by
organisation and period.

Logins (password ``zhuli-demo``): ``center-admin``, ``center-ops``, ``dept-admin``, ``dept-eval``,
``la-<region code>`` (e.g. ``la-350582`` for 晋江市科学技术协会), ``soc-<society code>`` (e.g.
``soc-tea``), ``ent-<credit code>`` and ``exp-<expert code>`` for some experts.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.security import hash_password
from core.settings import Settings, WorkflowSettings, get_settings
from demo.counts import DemoCounts, demo_rows
from demo.dataset import DemoDataset, build_dataset
from demo.outbox import settle_notifications
from demo.people import area_code, mobile, office_phone, person_name
from demo.program import EXTRA_COUNTIES
from demo.records import load_program
from demo.replay import demo_demand_ids, replay_demands
from demo.societies import SOCIETIES, SOCIETY_BY_CODE, STATIONS
from directory import credit_code
from directory.profiles import SocietyIn, society_ids_by_code, upsert_experts, upsert_society
from directory.regions import sync_regions
from matching.embedding import NewVectors
from matching.engine import MatchingEngine
from models import (
    Demand,
    DemandSource,
    Docking,
    DockingExpert,
    Enterprise,
    Expert,
    LocalAssociation,
    Region,
    RegionLevel,
    Role,
    ServiceStation,
    Society,
    User,
)

DEMO_PASSWORD = "zhuli-demo"
VERIFIED_AT = datetime(2026, 1, 4, 1, 0, tzinfo=UTC)
EXPERT_LOGINS = 20


def load_demo_data(
    session: Session,
    *,
    now: datetime | None = None,
    engine: MatchingEngine | None = None,
    settings: Settings | None = None,
) -> DemoCounts:
    """Load the demo (regions first, so an empty migrated database works). Flushes, never commits.

    The demands' histories end shortly before ``now`` (default: the clock). Their offers come from
    ``engine`` (default: one from ``settings``, whose index files the serving process then loads
    instead of building them again); it is made ready over the demo's experts first.
    """
    now = now or clock.now()
    # The history is played under the workflow's default rules (deadlines, rounds), whatever an
    # operator tuned: the plan is written for them, and a tuned setting must not break a first start.
    settings = (settings or get_settings()).model_copy(update={"workflow": WorkflowSettings()})
    counts = DemoCounts(regions=sync_regions(session))
    dataset = build_dataset(settings.workflow.offer_deadline_hours)
    _load_societies(session, counts)
    society_ids = society_ids_by_code(session, [s.code for s in SOCIETIES])
    _load_stations(session, society_ids, counts)
    _load_local_associations(session, counts)
    _load_enterprises(session, dataset, counts)
    _load_experts(session, dataset, society_ids, counts)
    users = _load_users(session, dataset, society_ids, counts)
    _load_demands(session, dataset, users, counts, now=now, engine=engine, settings=settings)
    _load_expert_logins(session, dataset, counts)
    load_program(session, society_ids, users, counts, now=now)
    session.flush()
    return counts


def _load_demands(
    session: Session,
    dataset: DemoDataset,
    users: dict[str, int],
    counts: DemoCounts,
    *,
    now: datetime,
    engine: MatchingEngine | None,
    settings: Settings,
) -> None:
    """Every demo demand through the workflow, unless demo demands are there already."""
    if demo_demand_ids(session):
        return
    engine = engine or MatchingEngine.from_settings(settings)
    new_vectors = NewVectors()
    engine.ensure_ready(session, new_vectors)
    new_vectors.write(session)
    ids = replay_demands(session, dataset, users, engine=engine, settings=settings, now=now)
    settle_notifications(session, ids, now=now)
    counted = demo_rows(session, ids)
    for name, value in counted.items():
        setattr(counts, name, getattr(counts, name) + value)


def _seeded(key: str) -> random.Random:
    """An rng per natural key, so contacts do not depend on what was loaded before."""
    return random.Random(f"zhuli-demo:{key}")


def _load_societies(session: Session, counts: DemoCounts) -> None:
    existing = set(session.scalars(select(Society.code)))
    for spec in SOCIETIES:
        if spec.code in existing:
            continue
        rng = _seeded(spec.code)
        data = SocietyIn(
            code=spec.code,
            name=spec.name,
            discipline=spec.discipline,
            description=spec.description,
            industries=list(spec.industries),
            contact_name=person_name(rng),
            contact_phone=office_phone(rng),
            is_pilot=spec.is_pilot,
        )
        upsert_society(session, data)
        counts.societies += 1


def _load_stations(session: Session, society_ids: dict[str, int], counts: DemoCounts) -> None:
    existing = set(session.execute(select(ServiceStation.society_id, ServiceStation.region_code)).all())
    names = dict(session.execute(select(Region.code, Region.name)).all())
    for spec in STATIONS:
        key = (society_ids[spec.society_code], spec.region_code)
        if key in existing:
            continue
        place = names[spec.region_code].removesuffix("县").removesuffix("市").removesuffix("区")
        place = "平潭" if spec.region_code == "350128" else place
        session.add(
            ServiceStation(
                society_id=key[0],
                region_code=spec.region_code,
                name=f"{SOCIETY_BY_CODE[spec.society_code].name}{place}服务站",
                established_on=spec.established_on,
            )
        )
        counts.service_stations += 1
    session.flush()


def association_name(region: Region) -> str:
    place = "平潭综合实验区" if region.is_special_zone else region.name
    return f"{place}科学技术协会"


def _load_local_associations(session: Session, counts: DemoCounts) -> None:
    """The 9 cities, Pingtan, every demonstration county, and the two counties applying to become one."""
    regions = session.scalars(
        select(Region).where(
            (Region.level == RegionLevel.CITY)
            | Region.is_demonstration
            | Region.is_special_zone
            | Region.code.in_(EXTRA_COUNTIES)
        )
    ).all()
    existing = set(session.scalars(select(LocalAssociation.region_code)))
    for region in sorted(regions, key=lambda r: r.code):
        if region.code in existing:
            continue
        rng = _seeded(region.code)
        session.add(
            LocalAssociation(
                name=association_name(region),
                region_code=region.code,
                contact_name=person_name(rng),
                contact_phone=office_phone(rng, area_code(region.code)),
            )
        )
        counts.local_associations += 1
    session.flush()


def _load_enterprises(session: Session, dataset: DemoDataset, counts: DemoCounts) -> None:
    existing = set(session.scalars(select(Enterprise.credit_code)))
    for spec in dataset.enterprises:
        if spec.key in existing:
            continue
        session.add(
            Enterprise(
                name=spec.name,
                credit_code=credit_code.validate(spec.key),
                region_code=spec.region_code,
                industry=spec.industry,
                address=spec.address,
                contact_name=spec.contact_name,
                contact_phone=spec.contact_phone,
                profile=dict(spec.profile),
                is_government=spec.is_government,
                verified_at=VERIFIED_AT,
            )
        )
        counts.enterprises += 1
    session.flush()


def _load_experts(session: Session, dataset: DemoDataset, society_ids: dict[str, int], counts: DemoCounts) -> None:
    """Through the directory service, so every new expert is in the profile change log."""
    existing = set(session.scalars(select(Expert.code).where(Expert.code.like("DEMO-EXP-%"))))
    region_codes = set(session.scalars(select(Region.code)))
    society_codes = {i: c for c, i in society_ids.items()}
    plans = [plan for plan in dataset.experts if plan.data.code not in existing]
    written = upsert_experts(session, [p.data for p in plans], society_ids=society_ids, region_codes=region_codes)
    for plan, (expert, _) in zip(plans, written, strict=True):
        positions = dict(plan.positions)
        for membership in expert.memberships:
            membership.position = positions.get(society_codes[membership.society_id], membership.position)
        counts.experts += 1
        counts.expert_works += len(plan.data.works)
        counts.memberships += len(expert.memberships)
    session.flush()


def _openid(key: str) -> str:
    return "o" + hashlib.sha1(f"zhuli-demo:{key}".encode()).hexdigest()[:27]


def _load_users(
    session: Session, dataset: DemoDataset, society_ids: dict[str, int], counts: DemoCounts
) -> dict[str, int]:
    """Every role with its scope; returns username → id for all demo users."""
    wanted: list[User] = [
        User(username="system", display_name="系统", role=Role.SYSTEM),
        User(username="center-admin", display_name="省科技咨询服务中心管理员", role=Role.CENTER),
        User(username="center-ops", display_name="省科技咨询服务中心业务专员", role=Role.CENTER),
        User(username="dept-admin", display_name="省科协学会学术部管理员", role=Role.DEPARTMENT),
        User(username="dept-eval", display_name="省科协学会学术部绩效评价专员", role=Role.DEPARTMENT),
    ]
    for la in session.scalars(select(LocalAssociation).order_by(LocalAssociation.region_code)):
        wanted.append(
            User(
                username=f"la-{la.region_code}",
                display_name=f"{la.name}（{la.contact_name}）"[:64],
                role=Role.LOCAL_ASSOCIATION,
                region_code=la.region_code,
                phone=la.contact_phone,
            )
        )
    for spec in SOCIETIES:
        wanted.append(
            User(
                username=f"soc-{spec.code.lower()}",
                display_name=f"{spec.name}秘书处",
                role=Role.SOCIETY,
                society_id=society_ids[spec.code],
            )
        )
    enterprise_ids = dict(session.execute(select(Enterprise.credit_code, Enterprise.id)).all())
    for ent in dataset.enterprises:
        wanted.append(
            User(
                username=f"ent-{ent.key.lower()}",
                display_name=f"{ent.contact_name}（{ent.name}）"[:64],
                role=Role.ENTERPRISE,
                enterprise_id=enterprise_ids[ent.key],
                wechat_openid=_openid(ent.key),
                phone=ent.contact_phone,
            )
        )
    return _add_users(session, wanted, counts)


def _add_users(session: Session, wanted: list[User], counts: DemoCounts) -> dict[str, int]:
    """Add the users not there yet (natural key: username); returns username → id of all of ``wanted``."""
    existing = set(session.scalars(select(User.username).where(User.username.in_([u.username for u in wanted]))))
    for user in wanted:
        if user.username in existing:
            continue
        if user.role is not Role.SYSTEM:
            user.password_hash = _password_hash()
        session.add(user)
        counts.users += 1
    session.flush()
    names = [u.username for u in wanted]
    return dict(session.execute(select(User.username, User.id).where(User.username.in_(names))).all())


@cache
def _password_hash() -> str:
    """The demo password's hash, computed once (scrypt is slow) and shared by the demo's users."""
    return hash_password(DEMO_PASSWORD)


def _load_expert_logins(session: Session, dataset: DemoDataset, counts: DemoCounts) -> None:
    """Team leaders of the demo's dockings have their own login: the experts a demo user most likely
    looks at. Chosen after the replay, from the teams the societies really named."""
    leaders = session.scalars(
        select(Expert.code)
        .join(DockingExpert, DockingExpert.expert_id == Expert.id)
        .join(Docking, Docking.id == DockingExpert.docking_id)
        .join(Demand, Demand.id == Docking.demand_id)
        .where(DockingExpert.role == "leader", Demand.source == DemandSource.DEMO, Expert.code.like("DEMO-EXP-%"))
    ).all()
    codes = sorted(set(leaders))[:EXPERT_LOGINS]
    plans = {p.data.code: p for p in dataset.experts}
    expert_ids = dict(session.execute(select(Expert.code, Expert.id).where(Expert.code.in_(codes))).all())
    wanted = [
        User(
            username=f"exp-{code.lower()}",
            display_name=plans[code].data.name,
            role=Role.EXPERT,
            expert_id=expert_ids[code],
            phone=plans[code].data.phone or mobile(_seeded(code)),
        )
        for code in codes
    ]
    _add_users(session, wanted, counts)
