"""Why the webhook refuses a request (rendered by ``api/`` like every :class:`~core.errors.DomainError`)."""

from __future__ import annotations

from core.errors import DomainError, PermissionDenied


class SignatureRejected(PermissionDenied):
    """Not signed with our token, or signed too long ago (a replay): 403, nothing stored."""

    code = "wechat_signature_rejected"
    default_message = "签名校验失败，请求不是来自微信服务器"


class MalformedMessage(DomainError):
    """Too large, not well-formed XML, or XML with a DOCTYPE/entities: 400, nothing stored."""

    status_code = 400
    code = "wechat_malformed_message"
    default_message = "消息格式不正确"
