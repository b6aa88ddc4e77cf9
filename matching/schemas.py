"""What a match returns: ranked experts and societies, each with its score parts and reasons."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SupportingWork(BaseModel):
    id: int
    title: str
    year: int | None = None
    kind: str = ""
    score: float = Field(description="Relevance of this work to the demand, 0–1")


class ExpertMatch(BaseModel):
    rank: int
    expert_id: int
    name: str
    title: str = ""
    employer: str = ""
    region_code: str | None = None
    score: float
    score_parts: dict[str, float] = Field(
        description="lexical_profile, lexical_works, dense_works, dense_profile, region (their sum is score)"
    )
    matched_keywords: list[str] = Field(default_factory=list)
    supporting_works: list[SupportingWork] = Field(default_factory=list)
    society_ids: list[int] = Field(default_factory=list)
    reason: str = Field(description="One line a society officer can read (Chinese)")


class TeamMember(BaseModel):
    expert_id: int
    name: str
    role: str = Field(description="leader / member")
    score: float


class SocietyMatch(BaseModel):
    rank: int
    society_id: int
    code: str
    name: str
    score: float
    score_parts: dict[str, float] = Field(description="profile, members, station (their sum is score)")
    has_station_in_region: bool = False
    team: list[TeamMember] = Field(default_factory=list)
    reason: str


class ExcludedExpert(BaseModel):
    expert_id: int
    name: str
    reason: str


class MatchResult(BaseModel):
    demand_id: int
    model: str
    index_watermark: int
    experts: list[ExpertMatch]
    societies: list[SocietyMatch]
    excluded: list[ExcludedExpert] = Field(
        default_factory=list, description="Relevant candidates left out by a constraint, best first"
    )
    query_keywords: list[str] = Field(default_factory=list)
