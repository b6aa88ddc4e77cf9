"""Load the demo into a database: idempotent, flushes and never commits.

Natural keys make a second load a no-op: society code, station (society, region), association
region, enterprise credit code, expert code, username; demands are loaded only when no demo demand
exists yet (``source == DemandSource.DEMO``), together with their offers, dockings, audit trail and
notifications. Programme records are keyed by organisation and period.

Logins (password ``zhuli-demo``): ``center-admin``, ``center-ops``, ``dept-admin``, ``dept-eval``,
``la-<region code>`` (e.g. ``la-350582`` for 晋江市科学技术协会), ``soc-<society code>`` (e.g.
``soc-tea``), ``ent-<credit code>`` and ``exp-<expert code>`` for some experts.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.security import hash_password
from demo.counts import DemoCounts
from demo.dataset import DemoDataset, build_dataset
from demo.people import area_code, mobile, office_phone, person_name
from demo.program import EXTRA_COUNTIES
from demo.records import load_demands, load_program
from demo.societies import SOCIETIES, SOCIETY_BY_CODE, STATIONS
from directory import credit_code
from directory.profiles import SocietyIn, society_ids_by_code, upsert_experts, upsert_society
from directory.regions import sync_regions
from models import (
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


def load_demo_data(session: Session) -> DemoCounts:
    """Load the demo (regions first, so an empty migrated database works). Flushes, never commits."""
    counts = DemoCounts(regions=sync_regions(session))
    dataset = build_dataset()
    _load_societies(session, counts)
    society_ids = society_ids_by_code(session, [s.code for s in SOCIETIES])
    _load_stations(session, society_ids, counts)
    _load_local_associations(session, counts)
    _load_enterprises(session, dataset, counts)
    _load_experts(session, dataset, society_ids, counts)
    users = _load_users(session, dataset, society_ids, counts)
    load_demands(session, dataset, users, counts)
    load_program(session, society_ids, users, counts)
    session.flush()
    return counts


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
    expert_ids = dict(session.execute(select(Expert.code, Expert.id).where(Expert.code.like("DEMO-EXP-%"))).all())
    for code in _expert_logins(dataset):
        plan = next(p for p in dataset.experts if p.data.code == code)
        rng = _seeded(code)
        wanted.append(
            User(
                username=f"exp-{code.lower()}",
                display_name=plan.data.name,
                role=Role.EXPERT,
                expert_id=expert_ids[code],
                phone=plan.data.phone or mobile(rng),
            )
        )
    existing = set(session.scalars(select(User.username).where(User.username.in_([u.username for u in wanted]))))
    password: str | None = None
    for user in wanted:
        if user.username in existing:
            continue
        if user.role is not Role.SYSTEM:
            password = password or hash_password(DEMO_PASSWORD)  # scrypt is slow: hash once, reuse
            user.password_hash = password
        session.add(user)
        counts.users += 1
    session.flush()
    names = [u.username for u in wanted]
    return dict(session.execute(select(User.username, User.id).where(User.username.in_(names))).all())


def _expert_logins(dataset: DemoDataset) -> Iterable[str]:
    """Team leaders have their own login: they are the experts a demo user most likely looks at."""
    leaders = [d.docking.team[0][0] for d in dataset.demands if d.docking is not None and d.docking.team]
    return sorted(set(leaders))[:EXPERT_LOGINS]
