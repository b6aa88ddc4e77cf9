"""The OpenAPI document, completed with who may call each operation and the Idempotency-Key header."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from accounts.users import ROLE_LABELS
from api.access import PUBLIC_ROLE, ROLES_KEY
from api.idempotency import METHODS, REPLAYED_HEADER, applies_to
from core.idempotency import HEADER, MAX_KEY_LENGTH

ROLE_LABELS_ZH = {PUBLIC_ROLE: "任何人（无需登录）", **{role.value: label for role, label in ROLE_LABELS.items()}}

IDEMPOTENCY_PARAMETER: dict[str, Any] = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": "^[\\x21-\\x7e]+$"},
    "description": (
        "客户端生成的唯一键（如 UUID）。同一用户以同一键重复提交同一请求时，返回第一次的结果"
        f"（响应头 {REPLAYED_HEADER}: true），不会重复执行；同一键配不同内容将被拒绝（422）。"
    ),
}


def _complete(schema: dict[str, Any]) -> dict[str, Any]:
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            roles = operation.get(ROLES_KEY)
            if roles:
                who = "、".join(ROLE_LABELS_ZH.get(r, r) for r in roles)
                operation["description"] = f"**可调用角色**：{who}\n\n{operation.get('description', '')}".strip()
            if method.upper() in METHODS and applies_to(path):
                operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
    return schema


def install_openapi(app: FastAPI) -> None:
    """Replace ``app.openapi`` with one that adds role lines and the idempotency header (built once)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            app.openapi_schema = _complete(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
