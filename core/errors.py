"""One exception hierarchy for domain failures.

Each error carries an HTTP status and a message meant for the end user (Chinese). ``api/`` renders
them as ``{"error": code, "detail": message}``; ``bot/`` sends ``message`` as the chat reply.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code: int = 400
    code: str = "domain_error"
    default_message: str = "请求无法处理"
    keeps_changes: bool = False
    """The refusal itself is a fact to keep (e.g. a failed login counts towards the lock-out):
    :meth:`core.db.Database.unit_of_work` commits what the session holds, then re-raises. A service
    raising such an error must have written nothing else in the session."""

    def __init__(self, message: str | None = None, *, fields: dict[str, Any] | None = None) -> None:
        self.message = message or self.default_message
        self.fields = fields or {}
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "detail": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


class ValidationFailed(DomainError):
    status_code = 422
    code = "validation_failed"
    default_message = "输入内容有误"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    default_message = "找不到所请求的对象"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    default_message = "与已有数据冲突"


class PermissionDenied(DomainError):
    status_code = 403
    code = "permission_denied"
    default_message = "没有权限执行此操作"


class IllegalTransition(DomainError):
    status_code = 409
    code = "illegal_transition"
    default_message = "当前状态下不能执行此操作"


class ServiceUnavailable(DomainError):
    status_code = 503
    code = "service_unavailable"
    default_message = "服务暂时不可用，请稍后再试"


class NotAuthenticated(DomainError):
    status_code = 401
    code = "not_authenticated"
    default_message = "请先登录"


class LoginFailed(NotAuthenticated):
    """A wrong username or password: the failure is recorded (and kept) for the login throttle."""

    code = "login_failed"
    default_message = "用户名或密码错误"
    keeps_changes = True


class TooManyAttempts(DomainError):
    status_code = 429
    code = "too_many_attempts"
    default_message = "尝试次数过多，请稍后再试"
    keeps_changes = True
