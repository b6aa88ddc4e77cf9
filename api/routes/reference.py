"""Reference data and enterprise registration."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict

from api.access import MANAGERS, PUBLIC, allow
from api.deps import ReadSessionDep, SessionDep
from directory import regions
from directory.schemas import EnterpriseCreate, EnterpriseOut
from directory.service import register_enterprise
from models import RegionLevel

router = APIRouter(prefix="/api", tags=["基础数据"])


class RegionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    full_name: str
    level: RegionLevel
    parent_code: str | None
    is_demonstration: bool


@router.get("/regions", summary="福建省行政区划", **PUBLIC)
def list_regions(session: ReadSessionDep, demonstration_only: bool = False) -> list[RegionOut]:
    return [RegionOut.model_validate(r) for r in regions.list_regions(session, demonstration_only=demonstration_only)]


@router.post(
    "/enterprises",
    status_code=status.HTTP_201_CREATED,
    summary="登记企业（校验统一社会信用代码）",
    **allow(*MANAGERS),
)
def create_enterprise(data: EnterpriseCreate, session: SessionDep) -> EnterpriseOut:
    return EnterpriseOut.model_validate(register_enterprise(session, data))
