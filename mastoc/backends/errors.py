"""Typed errors of every backend client, and the scrubbing that keeps secrets out of their messages.

`BackendError` is the base; callers map its subclasses to user-visible messages and exit codes.
Messages are built by the transport and passed through `scrub()`, so no token or password ever
appears in an exception, a log line or a `--json` report.
"""

from __future__ import annotations

import re

_SECRET_PATTERNS = (
    # Authorization header values, however they ended up in a text
    (re.compile(r"(?i)\b(Token|Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}"), r"\1 ***"),
    (re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^'\",}\s]+(\s+[^'\",}\s]+)?"), r"\1***"),
    # secrets in query strings or form bodies
    (re.compile(r"(?i)([?&;](?:token|access_token|api_key|apikey|key|password|secret)=)[^&#\s]*"), r"\1***"),
    (re.compile(r"(?i)(\b(?:password|token)['\"]?\s*[:=]\s*['\"]?)[^'\",}&\s]+"), r"\1***"),
    # user:password@ in URLs
    (re.compile(r"(//)[^/@\s:]+:[^/@\s]+@"), r"\1***@"),
)


def scrub(text: str) -> str:
    """`text` with anything that looks like a credential replaced by `***`."""
    for pattern, repl in _SECRET_PATTERNS:
        text = pattern.sub(repl, text)
    return text


class BackendError(Exception):
    """Any failure talking to a backend. `status` is the HTTP status when there was one."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(scrub(message))
        self.status = status


class AuthError(BackendError):
    """Not logged in, wrong credentials, expired or revoked token (401), or forbidden (403)."""


class NotFoundError(BackendError):
    """The resource does not exist (404): an unknown gym, face or climb."""


class ServerTooOldError(NotFoundError):
    """The server lacks an endpoint this version needs (an older mastoc server): upgrade it."""


class BadRequestError(BackendError):
    """The backend refused the request body (400); `details` holds its field errors."""

    def __init__(self, message: str, *, status: int | None = 400, details: object = None) -> None:
        super().__init__(message, status=status)
        self.details = details


class RateLimitedError(BackendError):
    """429 past the bounded retries, or a `Retry-After` longer than we are willing to wait."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, status=429)
        self.retry_after = retry_after


class TransientError(BackendError):
    """Network failure (timeout, reset, refused) or 5xx that persisted through the retries."""


class ProtocolError(BackendError):
    """The answer is not what the protocol says: bad JSON, unexpected shape, wrong length."""


class CancelledError(BackendError):
    """The caller cancelled the operation (between requests)."""
