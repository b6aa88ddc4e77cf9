"""What the units, reviewers and the center read about evaluations, rectifications and disqualifications."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models import Disqualification, EvaluationResult, EvaluationRound, Rectification
from program.units import unit_by_ids
from workflow.notify import Notice

EVALUATIONS_LINK = "/console/evaluations"


def _round(found: EvaluationRound) -> str:
    return f"「{found.title}」（{found.period_start.isoformat()} 至 {found.period_end.isoformat()}）"


def reviewer_named(found: EvaluationRound) -> Notice:
    return Notice(
        "evaluation.reviewer",
        "绩效评价评审邀请",
        f"省科协学会学术部请您担任绩效评价{_round(found)}的评审，请在控制台为各参评单位打分。",
        (("评价名称", found.title),),
        f"{EVALUATIONS_LINK}/{found.id}",
    )


def result_to_unit(
    found: EvaluationRound, result: EvaluationResult, grade: str, rectification: Rectification | None
) -> Notice:
    text = f"绩效评价{_round(found)}结果已发布：贵单位得分 {result.score}，等级「{grade}」。"
    fields = [("评价名称", found.title), ("得分", str(result.score)), ("等级", grade)]
    if rectification is not None:
        due = rectification.due_on.isoformat()
        text += f"根据《项目管理实施办法》第十七条，请于 {due} 前完成整改，并在控制台提交书面整改报告。"
        fields.append(("整改期限", due))
    return Notice("evaluation.result", "绩效评价结果", text, tuple(fields), f"{EVALUATIONS_LINK}/results/{result.id}")


def rectification_submitted(session: Session, result: EvaluationResult, row: Rectification, late: bool) -> Notice:
    name = unit_by_ids(session, result.society_id, result.local_association_id).name
    when = f"（已超过 {row.due_on.isoformat()} 的整改期限）" if late else ""
    return Notice(
        "rectification.submitted",
        "整改报告待审核",
        f"{name}提交了绩效评价整改报告{when}，请审核：通过或退回。",
        (("单位", name), ("整改期限", row.due_on.isoformat())),
        f"/console/rectifications/{row.id}",
    )


def rectification_reviewed(row: Rectification, accepted: bool, note: str | None) -> Notice:
    if accepted:
        text = "贵单位提交的绩效评价整改报告已通过省科技咨询服务中心审核。"
    else:
        text = f"贵单位提交的绩效评价整改报告被退回：{note}。请补充后于 {row.due_on.isoformat()} 前重新提交。"
    title = "整改报告已通过" if accepted else "整改报告被退回"
    return Notice(
        "rectification.reviewed",
        title,
        text,
        (("整改期限", row.due_on.isoformat()),),
        f"/console/rectifications/{row.id}",
    )


def rectification_due_soon(found: EvaluationRound, row: Rectification) -> Notice:
    return Notice(
        "rectification.reminder",
        "整改报告即将到期",
        f"绩效评价{_round(found)}的整改报告应于 {row.due_on.isoformat()} 前提交，请尽快在控制台提交。",
        (("整改期限", row.due_on.isoformat()),),
        f"/console/rectifications/{row.id}",
    )


def rectification_overdue(found: EvaluationRound, row: Rectification) -> Notice:
    return Notice(
        "rectification.overdue",
        "整改报告已逾期",
        f"绩效评价{_round(found)}的整改报告已超过 {row.due_on.isoformat()} 的期限仍未提交（或退回后未重新提交），"
        "请立即提交；省科技咨询服务中心将跟进。",
        (("整改期限", row.due_on.isoformat()),),
        f"/console/rectifications/{row.id}",
    )


def disqualified_to_unit(name: str, decision: Disqualification) -> Notice:
    return Notice(
        "pilot.disqualified",
        "试点资格已取消",
        f"根据绩效评价结果和《项目管理实施办法》第十八条，省科协以 {decision.document_no} 号文件"
        f"（{decision.document_date.isoformat()}）取消{name}的试点资格。原因：{decision.reason}。"
        "自即日起不再向贵单位推荐新的需求。",
        (("单位", name), ("文件", decision.document_no), ("日期", decision.document_date.isoformat())),
    )
