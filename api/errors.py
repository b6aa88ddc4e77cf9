"""One place that turns exceptions into ``{"error": ..., "detail": ...}`` responses."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.console.errors import error_response, is_console, validation_response
from core.errors import DomainError

log = logging.getLogger("zhuli.api")

_HTTP_MESSAGES = {
    400: ("bad_request", "请求体无法解析，请检查格式"),
    404: ("not_found", "找不到所请求的页面或接口"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("payload_too_large", "提交的内容过大"),
    422: ("validation_failed", "请求参数有误，请检查后重试"),
}
_OWN_WORDS = frozenset({413, 422})
"""Statuses whose HTTPException detail we wrote ourselves in Chinese (:mod:`api.body_guard`)."""


_PYDANTIC_MESSAGES = {
    "missing": "必填",
    "string_too_short": "内容过短，至少 {min_length} 个字符",
    "string_too_long": "内容过长，最多 {max_length} 个字符",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为是/否",
    "string_type": "应为文本",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "enum": "取值不在允许范围内：{expected}",
    "literal_error": "取值不在允许范围内：{expected}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
    "json_invalid": "请求体不是合法的 JSON",
    "model_attributes_type": "格式不正确",
    "dict_type": "应为对象",
    "list_type": "应为列表",
}


def explain_validation_error(error: Any) -> str:
    """A Chinese sentence for one pydantic error (falls back to pydantic's English message)."""
    template = _PYDANTIC_MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", "格式不正确"))
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template.split("：")[0].split("，")[0]


def _body(error: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"error": error, "detail": detail, **extra}


def refusal(request: Request, status: int, detail: str) -> Response:
    """The error response for ``status`` with our own Chinese ``detail`` (JSON, or a console page)."""
    return _plain(request, status, _HTTP_MESSAGES.get(status, ("http_error", ""))[0], detail)


def _plain(request: Request, status: int, error: str, detail: str) -> Response:
    if is_console(request):
        return error_response(request, status, detail)
    return JSONResponse(_body(error, detail), status)


def install_error_handlers(app: FastAPI) -> None:
    # Console pages get the same errors as HTML (a Chinese page, or the form they came from).
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        if is_console(request):
            return error_response(request, exc.status_code, exc.message, exc)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse(exc.to_dict(), status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        fields = {".".join(str(p) for p in e.get("loc", ())): explain_validation_error(e) for e in exc.errors()}
        if is_console(request):
            if any(e.get("loc", ("",))[0] == "path" for e in exc.errors()):
                # A console URL naming an impossible id (0, negative, beyond 32 bits) names nothing.
                return error_response(request, 404, "找不到该页面：链接中的编号无效")
            return validation_response(request, fields)
        return JSONResponse(_body("validation_failed", "请求参数有误，请检查后重试", fields=fields), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code, message = _HTTP_MESSAGES.get(exc.status_code, ("http_error", str(exc.detail)))
        if exc.status_code in _OWN_WORDS and isinstance(exc.detail, str):
            message = exc.detail
        if is_console(request):
            return error_response(request, exc.status_code, message)
        return JSONResponse(_body(code, message), exc.status_code, headers=exc.headers)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        log.warning("integrity error: %s", exc.orig)
        return _plain(request, 409, "conflict", "数据与已有记录冲突或不符合约束，未保存")

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> Response:
        log.error("database unavailable: %s", exc.orig)
        return _plain(request, 503, "service_unavailable", "数据库暂时不可用，请稍后再试")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", exc_info=exc)
        return _plain(request, 500, "internal_error", "服务器内部错误，请稍后再试")
