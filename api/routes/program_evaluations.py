"""Performance evaluation (seed arts. 15–18): rounds, indicators, reviewers, scores, results, rectification,
disqualification.

Routes parse, call one ``program`` function and render. The role gate names who may call each route;
the services decide scope (a reviewer sees the rounds it was named for, a unit its own published results
and rectifications) and answer "not found" outside it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, Field

from api.access import ActorDep, allow
from api.deps import ReadSessionDep, SessionDep
from api.params import MAX_ID, IdPath
from models import Disqualification, EvaluationRound, Rectification, RectificationStatus, Role, RoundStatus
from program import disqualification, evaluation_views, evaluations, rectification
from program.disqualification import DisqualificationInput
from program.evaluation_views import ROUND_LABELS, RectificationView, ResultRow, RoundDetail, RoundSummary, UnitResult
from program.evaluations import MAX_INDICATORS, IndicatorInput, RoundInput, ScoreInput
from program.rectification import MAX_REPORT_CHARS, STATUS_LABELS
from workflow.demands import MAX_REASON_CHARS

router = APIRouter(prefix="/api", tags=["绩效评价与整改"])

DEPARTMENT = allow(Role.DEPARTMENT)
STAFF = allow(Role.DEPARTMENT, Role.CENTER)
ROUND_READERS = allow(Role.DEPARTMENT, Role.CENTER, Role.EXPERT)
REVIEWERS = allow(Role.DEPARTMENT, Role.CENTER, Role.EXPERT)
UNITS = allow(Role.SOCIETY, Role.LOCAL_ASSOCIATION)
RESULT_READERS = allow(Role.DEPARTMENT, Role.CENTER, Role.SOCIETY, Role.LOCAL_ASSOCIATION)


class RoundMoved(BaseModel):
    id: int
    title: str
    status: RoundStatus
    status_label: str


def _moved(found: EvaluationRound) -> RoundMoved:
    return RoundMoved(id=found.id, title=found.title, status=found.status, status_label=ROUND_LABELS[found.status])


class IndicatorsIn(BaseModel):
    indicators: list[IndicatorInput] = Field(min_length=1, max_length=MAX_INDICATORS)


class ReviewerIn(BaseModel):
    user_id: int = Field(ge=1, le=MAX_ID, description="评审账号编号")


class ScoresIn(BaseModel):
    scores: list[ScoreInput] = Field(min_length=1, max_length=2000)


class ScoresStored(BaseModel):
    stored: int


class ComputedOut(BaseModel):
    id: int
    units: int


class ReportIn(BaseModel):
    report: str = Field(min_length=1, max_length=MAX_REPORT_CHARS, description="整改情况报告")


class ReviewNoteIn(BaseModel):
    reason: str | None = Field(default=None, max_length=MAX_REASON_CHARS, description="审核意见或退回原因")


class ReturnIn(BaseModel):
    reason: str = Field(min_length=1, max_length=MAX_REASON_CHARS, description="退回原因")


class RectificationMoved(BaseModel):
    id: int
    status: RectificationStatus
    status_label: str
    due_on: date


def _rect(row: Rectification) -> RectificationMoved:
    return RectificationMoved(id=row.id, status=row.status, status_label=STATUS_LABELS[row.status], due_on=row.due_on)


class DisqualificationOut(BaseModel):
    id: int
    result_id: int
    society_id: int | None
    local_association_id: int | None
    document_no: str
    document_date: date
    reason: str


def _decision(row: Disqualification) -> DisqualificationOut:
    return DisqualificationOut(
        id=row.id, result_id=row.result_id, society_id=row.society_id, local_association_id=row.local_association_id,
        document_no=row.document_no, document_date=row.document_date, reason=row.reason,
    )  # fmt: skip


@router.post("/evaluation-rounds", status_code=201, summary="发起绩效评价（评价期与指标体系）", **DEPARTMENT)
def create_round(data: RoundInput, actor: ActorDep, session: SessionDep) -> RoundMoved:
    return _moved(evaluations.create_round(session, actor, data))


@router.get("/evaluation-rounds", summary="绩效评价列表（评审只见受邀的评价）", **ROUND_READERS)
def list_rounds(actor: ActorDep, session: ReadSessionDep) -> list[RoundSummary]:
    return evaluation_views.list_rounds(session, actor)


@router.get("/evaluation-rounds/{round_id}", summary="绩效评价详情：指标、评审、各单位得分", **ROUND_READERS)
def round_detail(round_id: IdPath, actor: ActorDep, session: ReadSessionDep) -> RoundDetail:
    return evaluation_views.round_detail(session, actor, round_id)


@router.put("/evaluation-rounds/{round_id}/indicators", summary="设置评价指标（评审打分前）", **DEPARTMENT)
def set_indicators(round_id: IdPath, data: IndicatorsIn, actor: ActorDep, session: SessionDep) -> RoundMoved:
    return _moved(evaluations.set_indicators(session, actor, round_id, data.indicators))


@router.post("/evaluation-rounds/{round_id}/reviewers", status_code=201, summary="指定评审", **DEPARTMENT)
def add_reviewer(round_id: IdPath, data: ReviewerIn, actor: ActorDep, session: SessionDep) -> ReviewerIn:
    return ReviewerIn(user_id=evaluations.add_reviewer(session, actor, round_id, data.user_id).user_id)


@router.post("/evaluation-rounds/{round_id}/compute", summary="由系统数据计算各单位指标", **DEPARTMENT)
def compute(round_id: IdPath, actor: ActorDep, session: SessionDep) -> ComputedOut:
    return ComputedOut(id=round_id, units=len(evaluations.compute(session, actor, round_id)))


@router.put("/evaluation-rounds/{round_id}/scores", summary="评审打分（本人的分数）", **REVIEWERS)
def enter_scores(round_id: IdPath, data: ScoresIn, actor: ActorDep, session: SessionDep) -> ScoresStored:
    return ScoresStored(stored=evaluations.enter_scores(session, actor, round_id, data.scores))


@router.post("/evaluation-rounds/{round_id}/publish", summary="发布评价结果并反馈各单位", **DEPARTMENT)
def publish(round_id: IdPath, actor: ActorDep, session: SessionDep) -> ComputedOut:
    return ComputedOut(id=round_id, units=len(evaluations.publish(session, actor, round_id)))


@router.get("/evaluation-results/mine", summary="本单位的评价结果（已发布）", **UNITS)
def my_results(actor: ActorDep, session: ReadSessionDep) -> list[ResultRow]:
    return evaluation_views.my_results(session, actor)


@router.get("/evaluation-results/{result_id}", summary="一个单位的评价结果", **RESULT_READERS)
def result_detail(result_id: IdPath, actor: ActorDep, session: ReadSessionDep) -> UnitResult:
    return evaluation_views.result_detail(session, actor, result_id)


@router.get("/rectifications", summary="整改列表（中心、学术部：全部；单位：本单位）", **RESULT_READERS)
def list_rectifications(
    actor: ActorDep,
    session: ReadSessionDep,
    status: Annotated[RectificationStatus | None, Query(description="状态")] = None,
) -> list[RectificationView]:
    return evaluation_views.list_rectifications(session, actor, status=status)


@router.get("/rectifications/{rectification_id}", summary="整改详情", **RESULT_READERS)
def rectification_detail(rectification_id: IdPath, actor: ActorDep, session: ReadSessionDep) -> RectificationView:
    return evaluation_views.rectification_detail(session, actor, rectification_id)


@router.post("/rectifications/{rectification_id}/submit", summary="提交整改报告", **UNITS)
def submit_rectification(
    rectification_id: IdPath, data: ReportIn, actor: ActorDep, session: SessionDep
) -> RectificationMoved:
    return _rect(rectification.submit(session, actor, rectification_id, data.report))


@router.post(
    "/rectifications/{rectification_id}/accept", summary="整改通过（省科技咨询服务中心）", **allow(Role.CENTER)
)
def accept_rectification(
    rectification_id: IdPath,
    actor: ActorDep,
    session: SessionDep,
    data: Annotated[ReviewNoteIn | None, Body(description="审核意见（可选）")] = None,
) -> RectificationMoved:
    note = data.reason if data else None
    return _rect(rectification.review(session, actor, rectification_id, accept=True, note=note))


@router.post(
    "/rectifications/{rectification_id}/return", summary="退回整改报告（省科技咨询服务中心）", **allow(Role.CENTER)
)
def return_rectification(
    rectification_id: IdPath, data: ReturnIn, actor: ActorDep, session: SessionDep
) -> RectificationMoved:
    return _rect(rectification.review(session, actor, rectification_id, accept=False, note=data.reason))


@router.post("/disqualifications", status_code=201, summary="取消试点资格（正式文件）", **DEPARTMENT)
def disqualify(data: DisqualificationInput, actor: ActorDep, session: SessionDep) -> DisqualificationOut:
    return _decision(disqualification.disqualify(session, actor, data))


@router.get("/disqualifications", summary="取消试点资格的决定", **STAFF)
def list_disqualifications(actor: ActorDep, session: ReadSessionDep) -> list[DisqualificationOut]:
    return [_decision(d) for d in disqualification.list_disqualifications(session, actor)]
