"""The two state machines of the workflow, as data: every allowed move, and who may make it.

A service function names one transition; :func:`check` refuses a role the transition does not name
(:class:`~core.errors.PermissionDenied`) or a current state it does not start from
(:class:`~core.errors.IllegalTransition`, naming the current state). Scope (which demand, which offer)
is checked before, in :mod:`workflow.scopes`. Transitions marked *consequence* are made by the
workflow itself when an actor's move causes them (e.g. other offers are superseded when one society
accepts); their roles are those whose moves cause them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from accounts.actor import Actor
from accounts.users import ROLE_LABELS
from core.errors import IllegalTransition, PermissionDenied
from models import DemandStatus, DockingStatus, OfferStatus, Role

S = TypeVar("S", bound=StrEnum)
D = DemandStatus
O = OfferStatus  # noqa: E741 - short alias for the table below
R = Role

OFFER_STATUS_LABELS: dict[OfferStatus, str] = {
    O.PENDING: "待答复",
    O.ACCEPTED: "已接单",
    O.DECLINED: "已婉拒",
    O.EXPIRED: "已过期",
    O.SUPERSEDED: "已由其他学会承接",
    O.WITHDRAWN: "需求已撤回",
}

DOCKING_STATUS_LABELS: dict[DockingStatus, str] = {
    DockingStatus.PROPOSED: "待地方科协确认",
    DockingStatus.CONFIRMED: "已确认",
    DockingStatus.CONTRACTED: "已签订协议",
    DockingStatus.COMPLETED: "已完成",
    DockingStatus.CLOSED: "已结项",
    DockingStatus.CANCELLED: "已取消",
}


@dataclass(frozen=True, slots=True)
class Transition(Generic[S]):
    name: str
    sources: frozenset[S]
    target: S
    roles: frozenset[Role]
    label: str
    """What the move does, as a Chinese verb phrase ("审核通过")."""
    consequence: bool = False


def _t(
    name: str, sources: set[S], target: S, roles: set[Role], label: str, *, consequence: bool = False
) -> Transition[S]:
    return Transition(name, frozenset(sources), target, frozenset(roles), label, consequence)


BEFORE_CONTRACT = {D.DRAFT, D.SUBMITTED, D.RETURNED, D.APPROVED, D.OFFERED, D.UNMATCHED, D.ACCEPTED, D.DOCKED}
SCREENERS = {R.LOCAL_ASSOCIATION, R.CENTER}

DEMAND_TRANSITIONS: dict[str, Transition[DemandStatus]] = {
    t.name: t
    for t in (
        _t("submit", {D.DRAFT}, D.SUBMITTED, {R.ENTERPRISE}, "提交需求"),
        _t("supplement", {D.RETURNED}, D.SUBMITTED, {R.ENTERPRISE}, "补充需求信息"),
        _t("approve", {D.SUBMITTED}, D.APPROVED, SCREENERS, "审核通过需求"),
        _t("return_for_info", {D.SUBMITTED}, D.RETURNED, SCREENERS, "退回需求补充信息"),
        _t("reject", {D.SUBMITTED}, D.REJECTED, SCREENERS, "不予通过需求"),
        _t("offer", {D.APPROVED, D.UNMATCHED}, D.OFFERED, {R.SYSTEM}, "推荐给学会"),
        _t("reroute", {D.UNMATCHED}, D.OFFERED, {R.CENTER}, "重新推荐给指定学会"),
        _t("unmatch", {D.APPROVED, D.OFFERED}, D.UNMATCHED, {R.SYSTEM, R.SOCIETY}, "标记暂未匹配", consequence=True),
        _t("accept", {D.OFFERED}, D.ACCEPTED, {R.SOCIETY}, "接单"),
        _t("confirm_docking", {D.ACCEPTED}, D.DOCKED, SCREENERS, "确认对接"),
        _t(
            "record_agreement",
            {D.DOCKED},
            D.CONTRACTED,
            {R.ENTERPRISE, R.SOCIETY, R.LOCAL_ASSOCIATION, R.CENTER},
            "登记合作协议",
        ),
        _t("report_outcome", {D.CONTRACTED}, D.COMPLETED, {R.SOCIETY, R.LOCAL_ASSOCIATION, R.CENTER}, "报告合作成果"),
        _t("rate", {D.COMPLETED}, D.CLOSED, {R.ENTERPRISE}, "评价并结项"),
        _t("close", {D.COMPLETED}, D.CLOSED, {R.LOCAL_ASSOCIATION, R.CENTER, R.SYSTEM}, "结项"),
        _t("withdraw", BEFORE_CONTRACT, D.WITHDRAWN, {R.ENTERPRISE}, "撤回需求"),
    )
}

OFFER_TRANSITIONS: dict[str, Transition[OfferStatus]] = {
    t.name: t
    for t in (
        _t("accept", {O.PENDING}, O.ACCEPTED, {R.SOCIETY}, "接受推荐"),
        _t("decline", {O.PENDING}, O.DECLINED, {R.SOCIETY}, "婉拒推荐"),
        _t("expire", {O.PENDING}, O.EXPIRED, {R.SYSTEM}, "标记推荐过期", consequence=True),
        _t("supersede", {O.PENDING}, O.SUPERSEDED, {R.SOCIETY}, "标记由其他学会承接", consequence=True),
        _t("withdraw", {O.PENDING, O.ACCEPTED}, O.WITHDRAWN, {R.ENTERPRISE}, "随需求撤回", consequence=True),
    )
}

TERMINAL_DEMAND_STATES = frozenset(
    s for s in DemandStatus if not any(s in t.sources for t in DEMAND_TRANSITIONS.values())
)
"""rejected, closed, withdrawn: nothing leaves them."""


def state_label(state: StrEnum) -> str:
    if isinstance(state, DemandStatus):
        return state.label
    if isinstance(state, OfferStatus):
        return OFFER_STATUS_LABELS[state]
    return str(state)


def allowed_moves(transitions: dict[str, Transition[S]], state: S) -> list[Transition[S]]:
    return [t for t in transitions.values() if state in t.sources]


class Rule(Protocol):
    """What :func:`check` reads of a move: a :class:`Transition`, or another machine's move of the same shape."""

    @property
    def sources(self) -> frozenset[Any]: ...
    @property
    def roles(self) -> frozenset[Role]: ...
    @property
    def label(self) -> str: ...


def check(
    transition: Rule,
    current: S,
    actor: Actor,
    *,
    what: str = "需求",
    label: Callable[[S], str] = state_label,
) -> None:
    """Refuse a move this actor's role may not make (403), or one that does not start from ``current`` (409)."""
    if actor.role not in transition.roles:
        who = "、".join(ROLE_LABELS[r] for r in Role if r in transition.roles and r is not R.SYSTEM) or "系统"
        raise PermissionDenied(f"{ROLE_LABELS[actor.role]}用户不能{transition.label}（由{who}办理）")
    if current not in transition.sources:
        sources = "、".join(f"「{label(s)}」" for s in type(current) if s in transition.sources)
        raise IllegalTransition(
            f"该{what}当前状态为「{label(current)}」，不能{transition.label}（仅{sources}状态可以）"
        )
