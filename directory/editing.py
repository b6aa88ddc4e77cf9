"""What expert and society edits share: the role gate and merging a partial edit into a profile."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from accounts.actor import Actor
from core.errors import PermissionDenied, ValidationFailed
from models import Role

MANAGERS = frozenset({Role.CENTER, Role.DEPARTMENT})
"""The provincial center and department: they keep the directory."""

ProfileT = TypeVar("ProfileT", bound=BaseModel)


def require_role(actor: Actor, roles: Collection[Role], what: str) -> None:
    if actor.role not in roles:
        raise PermissionDenied(f"您的角色不能{what}")


def merge_edit(
    model: type[ProfileT],
    current: Mapping[str, Any],
    sent: Mapping[str, Any],
    *,
    nullable: Collection[str],
    what: str,
) -> ProfileT:
    """``current`` with the fields of ``sent`` replaced, validated as ``model``; Chinese errors otherwise."""
    cleared = [f for f, v in sent.items() if v is None and f not in nullable]
    if cleared:
        raise ValidationFailed("这些字段不能清空：" + "、".join(cleared), fields=dict.fromkeys(cleared, "不能为空"))
    try:
        return model.model_validate({**current, **sent})
    except ValidationError as exc:
        fields = {".".join(map(str, e["loc"])): e["msg"] for e in exc.errors()}
        raise ValidationFailed(f"{what}不符合要求", fields=fields) from exc
