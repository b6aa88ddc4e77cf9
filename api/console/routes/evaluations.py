"""Performance evaluation in the console: the department configures and runs a round, reviewers score,
units see their results and submit rectifications, the center accepts them, the department records a
disqualification. Each route parses its form, calls one ``program`` function and redirects or renders.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api.console import flash
from api.console.deps import ViewerDep
from api.console.web import render
from api.deps import ReadSessionDep, SessionDep
from api.errors import explain_validation_error
from api.params import IdPath
from core import clock
from core.clock import BEIJING
from core.errors import ValidationFailed
from models import IndicatorSource, Role
from program import disqualification, evaluation_views, evaluations, rectification
from program.disqualification import DisqualificationInput
from program.evaluations import IndicatorInput, RoundInput, ScoreInput, default_indicators
from program.indicators import METRICS

router = APIRouter()

Texts = Annotated[list[str], Form(max_length=40)]
"""One column of the indicator rows (at most 40 rows; each value is checked by the service)."""
MAX_CELLS = 2000
BLANK_ROWS = 2


def _invalid(exc: ValidationError) -> ValidationFailed:
    return ValidationFailed("输入内容有误（" + "；".join(explain_validation_error(e) for e in exc.errors()) + "）")


def _indicators(name: list[str], weight: list[str], source: list[str], metric: list[str]) -> list[IndicatorInput]:
    """The indicator rows of the form; a row without a name is left out."""
    if not len(name) == len(weight) == len(source) == len(metric):
        raise ValidationFailed("指标表单不完整，请刷新后重试")
    rows = []
    try:
        for n, w, s, m in zip(name, weight, source, metric, strict=True):
            if n.strip():
                rows.append(IndicatorInput(name=n, weight=w, source=s, metric=m or None))
    except ValidationError as exc:
        raise _invalid(exc) from exc
    return rows


@router.get("/console/evaluations", response_class=HTMLResponse)
def evaluations_page(request: Request, viewer: ViewerDep, session: ReadSessionDep) -> Response:
    actor = viewer.actor
    unit_roles = (Role.SOCIETY, Role.LOCAL_ASSOCIATION)
    context = {
        "title": "绩效评价",
        "rounds": [] if actor.role in unit_roles else evaluation_views.list_rounds(session, actor),
        "results": evaluation_views.my_results(session, actor) if actor.role in unit_roles else [],
        "defaults": default_indicators() if actor.role is Role.DEPARTMENT else [],
        "blank_rows": BLANK_ROWS,
        "metrics": METRICS,
    }
    return render(request, "evaluations/list.html", context, viewer=viewer)


@router.post("/console/evaluations")
def create_round(
    viewer: ViewerDep,
    session: SessionDep,
    title: Annotated[str, Form(max_length=100)],
    period_start: Annotated[date, Form()],
    period_end: Annotated[date, Form()],
    name: Texts = [],  # noqa: B006 — FastAPI copies form defaults
    weight: Texts = [],  # noqa: B006
    source: Texts = [],  # noqa: B006
    metric: Texts = [],  # noqa: B006
) -> Response:
    rows = _indicators(name, weight, source, metric)
    try:
        data = RoundInput(title=title, period_start=period_start, period_end=period_end, indicators=rows)
    except ValidationError as exc:
        raise _invalid(exc) from exc
    found = evaluations.create_round(session, viewer.actor, data)
    return flash.redirect(f"/console/evaluations/{found.id}", "已发起绩效评价，请指定评审并计算指标")


@router.get("/console/evaluations/{round_id}", response_class=HTMLResponse)
def round_page(request: Request, round_id: IdPath, viewer: ViewerDep, session: ReadSessionDep) -> Response:
    detail = evaluation_views.round_detail(session, viewer.actor, round_id)
    context = {
        "title": detail.title,
        "r": detail,
        "entered": [i for i in detail.indicators if i.source is IndicatorSource.ENTERED],
        "candidates": evaluation_views.reviewer_candidates(session, viewer.actor) if detail.can_manage else [],
        "metrics": METRICS,
        "blank_rows": BLANK_ROWS,
        "today": clock.now().astimezone(BEIJING).date().isoformat(),
    }
    return render(request, "evaluations/round.html", context, viewer=viewer)


@router.post("/console/evaluations/{round_id}/indicators")
def set_indicators(
    round_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    name: Texts = [],  # noqa: B006
    weight: Texts = [],  # noqa: B006
    source: Texts = [],  # noqa: B006
    metric: Texts = [],  # noqa: B006
) -> Response:
    evaluations.set_indicators(session, viewer.actor, round_id, _indicators(name, weight, source, metric))
    return flash.redirect(f"/console/evaluations/{round_id}", "评价指标已保存，请重新计算指标")


@router.post("/console/evaluations/{round_id}/reviewers")
def add_reviewer(
    round_id: IdPath, viewer: ViewerDep, session: SessionDep, user_id: Annotated[int, Form(ge=1, le=2**31 - 1)]
) -> Response:
    evaluations.add_reviewer(session, viewer.actor, round_id, user_id)
    return flash.redirect(f"/console/evaluations/{round_id}", "已指定评审，并已通知本人")


@router.post("/console/evaluations/{round_id}/compute")
def compute(round_id: IdPath, viewer: ViewerDep, session: SessionDep) -> Response:
    done = evaluations.compute(session, viewer.actor, round_id)
    return flash.redirect(f"/console/evaluations/{round_id}", f"已由系统数据计算 {len(done)} 个参评单位的指标")


@router.post("/console/evaluations/{round_id}/scores")
def enter_scores(
    round_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    cell: Annotated[list[str], Form(max_length=MAX_CELLS)] = [],  # noqa: B006
    score: Annotated[list[str], Form(max_length=MAX_CELLS)] = [],  # noqa: B006
) -> Response:
    """Every filled cell ``<result id>:<indicator id>`` with its score; blank cells are left as they were."""
    if len(cell) != len(score):
        raise ValidationFailed("打分表单不完整，请刷新后重试")
    items = []
    for key, value in zip(cell, score, strict=True):
        if not value.strip():
            continue
        result_id, _, indicator_id = key.partition(":")
        try:
            mark = Decimal(value.strip())
            items.append(ScoreInput(result_id=int(result_id), indicator_id=int(indicator_id), score=mark))
        except (InvalidOperation, ValueError) as exc:
            raise ValidationFailed(f"得分「{value}」应为 0 到 100 之间的数字") from exc
        except ValidationError as exc:
            raise ValidationFailed(f"得分「{value}」应为 0 到 100 之间、最多两位小数的数字") from exc
    stored = evaluations.enter_scores(session, viewer.actor, round_id, items)
    return flash.redirect(f"/console/evaluations/{round_id}", f"已保存 {stored} 项打分")


@router.post("/console/evaluations/{round_id}/publish")
def publish(round_id: IdPath, viewer: ViewerDep, session: SessionDep) -> Response:
    done = evaluations.publish(session, viewer.actor, round_id)
    return flash.redirect(f"/console/evaluations/{round_id}", f"评价结果已发布，并已反馈 {len(done)} 个参评单位")


@router.get("/console/evaluations/results/{result_id}", response_class=HTMLResponse)
def result_page(request: Request, result_id: IdPath, viewer: ViewerDep, session: ReadSessionDep) -> Response:
    detail = evaluation_views.result_detail(session, viewer.actor, result_id)
    context = {"title": f"{detail.result.unit_name} · {detail.result.round_title}", "d": detail}
    return render(request, "evaluations/result.html", context, viewer=viewer)


@router.get("/console/rectifications", response_class=HTMLResponse)
def rectifications_page(request: Request, viewer: ViewerDep, session: ReadSessionDep) -> Response:
    rows = evaluation_views.list_rectifications(session, viewer.actor)
    return render(request, "evaluations/rectifications.html", {"title": "绩效整改", "rows": rows}, viewer=viewer)


@router.get("/console/rectifications/{rectification_id}", response_class=HTMLResponse)
def rectification_page(
    request: Request, rectification_id: IdPath, viewer: ViewerDep, session: ReadSessionDep
) -> Response:
    row = evaluation_views.rectification_detail(session, viewer.actor, rectification_id)
    context = {"title": f"整改 · {row.unit_name}", "x": row}
    return render(request, "evaluations/rectification.html", context, viewer=viewer)


@router.post("/console/rectifications/{rectification_id}/submit")
def submit_rectification(
    rectification_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    report: Annotated[str, Form(max_length=rectification.MAX_REPORT_CHARS)],
) -> Response:
    rectification.submit(session, viewer.actor, rectification_id, report)
    return flash.redirect(f"/console/rectifications/{rectification_id}", "整改报告已提交，等待省科技咨询服务中心审核")


@router.post("/console/rectifications/{rectification_id}/accept")
def accept_rectification(
    rectification_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    rectification.review(session, viewer.actor, rectification_id, accept=True, note=note or None)
    return flash.redirect(f"/console/rectifications/{rectification_id}", "整改已通过，已通知该单位")


@router.post("/console/rectifications/{rectification_id}/return")
def return_rectification(
    rectification_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    rectification.review(session, viewer.actor, rectification_id, accept=False, note=reason)
    return flash.redirect(f"/console/rectifications/{rectification_id}", "整改报告已退回，已通知该单位")


@router.post("/console/disqualifications")
def disqualify(
    viewer: ViewerDep,
    session: SessionDep,
    result_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    document_no: Annotated[str, Form(max_length=60)],
    document_date: Annotated[date, Form()],
    reason: Annotated[str, Form(max_length=2000)],
) -> Response:
    try:
        data = DisqualificationInput(
            result_id=result_id, document_no=document_no, document_date=document_date, reason=reason
        )
    except ValidationError as exc:
        raise _invalid(exc) from exc
    decision = disqualification.disqualify(session, viewer.actor, data)
    message = f"已以 {decision.document_no} 取消试点资格：该单位不再收到新的推荐，已通知该单位"
    return flash.redirect(f"/console/evaluations/results/{result_id}", message)
