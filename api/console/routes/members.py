"""Experts: a society's own members (the center and department see the whole directory), and editing a profile.

Who sees and edits whom is :mod:`directory.experts`' rule; every edit goes through
``update_expert``, which writes the :class:`~models.ProfileChange` the matching index follows.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.console import flash
from api.console.deps import ViewerDep
from api.console.web import render
from api.deps import ReadSessionDep, SessionDep, SettingsDep
from api.errors import explain_validation_error
from api.params import IdPath
from core.errors import ValidationFailed
from directory.experts import ExpertFilters, ExpertUpdate, expert_detail, list_experts, update_expert
from directory.regions import region_rows
from models import RegionLevel, Role

router = APIRouter()

EDITABLE = ("name", "title", "employer", "department", "fields", "bio", "region_code", "capacity", "email", "phone")
CLEARED_BY_EMPTY = frozenset({"region_code", "email", "phone"})
"""Fields an empty box clears (the others keep an empty string)."""


def _regions() -> list[tuple[str, str]]:
    return [(r.code, r.full_name) for r in region_rows() if r.level is not RegionLevel.PROVINCE]


@router.get("/console/members", response_class=HTMLResponse)
def members_page(
    request: Request,
    viewer: ViewerDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=100)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    words = " ".join(q.split()[:5]) or None
    data = list_experts(session, viewer.actor, ExpertFilters(q=words), page=page, size=settings.console.page_size)
    title = "本会专家" if viewer.actor.role is Role.SOCIETY else "专家库"
    context = {"title": title, "data": data, "q": words or ""}
    if request.headers.get("hx-request") and request.headers.get("hx-target") == "results":
        return render(request, "members/_results.html", context, viewer=viewer)
    return render(request, "members/list.html", context, viewer=viewer)


def _profile_page(
    request: Request,
    viewer: ViewerDep,
    session: Session,
    expert_id: IdPath,
    *,
    sent: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    error: str | None = None,
) -> Response:
    expert = expert_detail(session, viewer.actor, expert_id)
    values = {f: getattr(expert, f) for f in EDITABLE} | (sent or {})
    context = {
        "title": expert.name,
        "e": expert,
        "values": values,
        "errors": errors or {},
        "error": error,
        "regions": _regions(),
    }
    return render(request, "members/detail.html", context, viewer=viewer, status_code=422 if error else 200)


@router.get("/console/members/{expert_id}", response_class=HTMLResponse)
def member_page(request: Request, expert_id: IdPath, viewer: ViewerDep, session: ReadSessionDep) -> Response:
    return _profile_page(request, viewer, session, expert_id)


@router.post("/console/members/{expert_id}", response_class=HTMLResponse)
def edit_member(
    request: Request,
    expert_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    name: Annotated[str, Form(max_length=200)] = "",
    title: Annotated[str, Form(max_length=200)] = "",
    employer: Annotated[str, Form(max_length=400)] = "",
    department: Annotated[str, Form(max_length=400)] = "",
    fields: Annotated[str, Form(max_length=10_000)] = "",
    bio: Annotated[str, Form(max_length=20_000)] = "",
    region_code: Annotated[str, Form(max_length=20)] = "",
    capacity: Annotated[str, Form(max_length=10)] = "",
    email: Annotated[str, Form(max_length=200)] = "",
    phone: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Save the profile form (every editable field is on it); errors come back on the form, in Chinese."""
    raw = {
        "name": name, "title": title, "employer": employer, "department": department, "fields": fields,
        "bio": bio, "region_code": region_code, "capacity": capacity, "email": email, "phone": phone,
    }  # fmt: skip
    sent: dict[str, Any] = {k: (None if k in CLEARED_BY_EMPTY and not v.strip() else v) for k, v in raw.items()}
    try:
        change = ExpertUpdate.model_validate(sent)
    except ValidationError as exc:
        errors = {str(e["loc"][0]): explain_validation_error(e) for e in exc.errors()}
        return _profile_page(request, viewer, session, expert_id, sent=raw, errors=errors, error="请改正标出的项目")
    try:
        update_expert(session, viewer.actor, expert_id, change)
    except ValidationFailed as exc:
        errors = {str(k).split(".")[0]: str(v) for k, v in exc.fields.items() if str(k).split(".")[0] in raw}
        return _profile_page(request, viewer, session, expert_id, sent=raw, errors=errors, error=exc.message)
    return flash.redirect(f"/console/members/{expert_id}", "专家信息已保存，匹配检索将在片刻后按新资料更新")
