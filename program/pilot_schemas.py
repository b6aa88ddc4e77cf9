"""What the pilot selection takes: the application's structured fields, the survey form, the decision."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_NOTE_CHARS = 2000
MAX_TEXT_CHARS = 5000


class PilotApplicationIn(BaseModel):
    """The structured fields of an application (the materials themselves are uploads)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    year: int = Field(ge=2016, le=2100, description="申报年度")
    title: str = Field(min_length=2, max_length=200, description="申报名称")
    contact_name: str = Field(min_length=1, max_length=64, description="联系人")
    contact_phone: str = Field(min_length=5, max_length=32, pattern=r"^[0-9+\-() ]+$", description="联系电话")
    key_industries: list[str] = Field(default_factory=list, max_length=20, description="重点支持的产业方向")
    application_letter: str = Field(default="", max_length=MAX_TEXT_CHARS, description="申报（推荐）函要点")
    industry_demands: str = Field(default="", max_length=MAX_TEXT_CHARS, description="产业（企业）需求概述")
    work_plan: str = Field(default="", max_length=MAX_TEXT_CHARS, description="工作方案概述")
    government_opinion: str = Field(default="", max_length=MAX_TEXT_CHARS, description="县委（政府）意见（县）")
    city_review: str = Field(default="", max_length=MAX_TEXT_CHARS, description="市科协审核推荐意见（县）")

    @field_validator("key_industries")
    @classmethod
    def _industries(cls, value: list[str]) -> list[str]:
        cleaned = [v.strip() for v in value if v and v.strip()]
        if any(len(v) > 64 for v in cleaned):
            raise ValueError("每个产业方向不超过 64 个字")
        return list(dict.fromkeys(cleaned))


class DecisionIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    selected: bool = Field(description="是否入选")
    meeting_date: date = Field(description="主席办公会议日期")
    meeting_number: str = Field(min_length=1, max_length=64, description="会议期次（如：2027年第3次）")
    note: str | None = Field(default=None, max_length=MAX_NOTE_CHARS, description="说明")


class SurveyIn(BaseModel):
    """The field-survey feedback form (调研反馈意见表): four scores of 1–5 and comments."""

    model_config = ConfigDict(str_strip_whitespace=True)

    layout_score: int = Field(ge=1, le=5, description="地域布局合理（1-5）")
    demand_score: int = Field(ge=1, le=5, description="产业需求集中（1-5）")
    effect_score: int = Field(ge=1, le=5, description="示范效应显著（1-5）")
    foundation_score: int = Field(ge=1, le=5, description="工作基础良好（1-5）")
    comments: str = Field(min_length=2, max_length=MAX_TEXT_CHARS, description="调研意见")
