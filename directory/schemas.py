from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class EnterpriseCreate(BaseModel):
    name: str = Field(min_length=2, max_length=128)
    credit_code: str = Field(min_length=1, max_length=40)
    region_code: str = Field(min_length=6, max_length=6)
    industry: str = Field(default="", max_length=64)
    address: str | None = Field(default=None, max_length=256)
    contact_name: str | None = Field(default=None, max_length=64)
    contact_phone: str | None = Field(default=None, max_length=32)
    is_government: bool = False


class EnterpriseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    credit_code: str
    region_code: str
    industry: str
    is_government: bool
