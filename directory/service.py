"""Use cases of the directory. Services flush, never commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import Conflict, ValidationFailed
from directory import credit_code
from directory.regions import get_region
from directory.schemas import EnterpriseCreate
from models import Enterprise, RegionLevel


def register_enterprise(session: Session, data: EnterpriseCreate) -> Enterprise:
    """Create an enterprise after checking its credit code and region."""
    try:
        code = credit_code.validate(data.credit_code)
    except credit_code.CreditCodeError as exc:
        raise ValidationFailed(str(exc), fields={"credit_code": data.credit_code}) from exc
    region = get_region(session, data.region_code)
    if region.level is RegionLevel.PROVINCE:
        raise ValidationFailed("请选择企业所在的设区市或县（市、区），不能只填福建省")
    existing = session.scalar(select(Enterprise).where(Enterprise.credit_code == code))
    if existing is not None:
        raise Conflict(f"统一社会信用代码 {code} 已登记为「{existing.name}」")
    enterprise = Enterprise(
        name=data.name.strip(),
        credit_code=code,
        region_code=region.code,
        industry=data.industry.strip(),
        address=data.address,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        is_government=data.is_government,
    )
    session.add(enterprise)
    session.flush()
    return enterprise
