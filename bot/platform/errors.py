"""Typed failures of the outbound WeChat API.

Each error says whether trying again later can help (``retryable``) and whether the request may
have reached the platform although we saw no answer (``in_doubt``): a customer-service message in
doubt must not be sent blindly a second time.
"""

from __future__ import annotations

from core.errors import DomainError


class WeChatApiError(DomainError):
    status_code = 502
    code = "wechat_api_error"
    default_message = "微信接口暂时无法调用，请稍后再试"
    retryable: bool = True
    in_doubt: bool = False

    def __init__(self, errcode: int | None, errmsg: str, *, endpoint: str) -> None:
        super().__init__(self.default_message)
        self.errcode = errcode
        self.errmsg = errmsg
        self.endpoint = endpoint

    def __str__(self) -> str:
        code = "" if self.errcode is None else f" {self.errcode}"
        return f"{type(self).__name__}{code} on {self.endpoint}: {self.errmsg}"


class PlatformUnreachable(WeChatApiError):
    """No connection could be made: the request was certainly not sent."""


class PlatformTimeout(WeChatApiError):
    """Sent, but no answer in time (or the connection broke): the platform may have acted on it."""

    in_doubt = True


class PlatformHttpError(WeChatApiError):
    """An HTTP error status or an unreadable answer instead of the platform's JSON."""

    in_doubt = True


class PlatformBusy(WeChatApiError):
    """Errcode -1, 系统繁忙: try again later."""


class TokenRejected(WeChatApiError):
    """40001/40014/42001 even after refetching the token as often as one call may (bounded give-up)."""


class CredentialsRejected(WeChatApiError):
    """The token endpoint refused the app id or secret (40013, 40125, …): a configuration error."""


class IpNotWhitelisted(WeChatApiError):
    """40164: this server's address is not in the Official Account's IP whitelist."""


class QuotaExhausted(WeChatApiError):
    """45009: the daily call quota of this API is used up."""


class WindowClosed(WeChatApiError):
    """45015: no customer-service message allowed (the user's 48 h window is closed)."""

    retryable = False


class PushLimitExceeded(WeChatApiError):
    """45047: the pushes allowed in the user's window are used up."""

    retryable = False


class UserRefused(WeChatApiError):
    """43101: the user refused messages from the account."""

    retryable = False


class NotSubscribed(WeChatApiError):
    """43004: the user does not (or no longer) follow the account."""

    retryable = False


class InvalidRequest(WeChatApiError):
    """The platform refused the request itself (bad openid, template id or data): resending cannot help."""

    retryable = False


_BY_ERRCODE: dict[int, type[WeChatApiError]] = {
    -1: PlatformBusy,
    40013: CredentialsRejected,
    40125: CredentialsRejected,
    40164: IpNotWhitelisted,
    45009: QuotaExhausted,
    45015: WindowClosed,
    45047: PushLimitExceeded,
    43101: UserRefused,
    43004: NotSubscribed,
    40003: InvalidRequest,
    40007: InvalidRequest,
    40037: InvalidRequest,
    40016: InvalidRequest,
    40017: InvalidRequest,
    44002: InvalidRequest,
    47001: InvalidRequest,
    47003: InvalidRequest,
}


def error_for(errcode: int, errmsg: str, *, endpoint: str) -> WeChatApiError:
    """The typed error for a platform errcode (unknown codes are retryable, not in doubt)."""
    return _BY_ERRCODE.get(errcode, WeChatApiError)(errcode, errmsg, endpoint=endpoint)
