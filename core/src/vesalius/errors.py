"""Errors services raise; the API turns each into its HTTP status and a JSON body."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of expected failures. ``status`` is the HTTP status the API answers with;
    ``field`` names the offending input (``start``, ``subjective.pain``) where there is one."""

    status = 400

    def __init__(self, message: str, field: str | None = None,
                 details: list[dict[str, object]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details or []


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Unauthorized(ServiceError):
    status = 401


class Conflict(ServiceError):
    """The request clashes with the state of a record: an overlap, a signed note, a
    transition the state machine does not allow."""

    status = 409


class Invalid(ServiceError):
    """Input that cannot be accepted; ``field`` names it."""

    status = 422


class TooMany(ServiceError):
    """Too many requests from one client; ``retry_after`` is the wait in seconds (the
    ``Retry-After`` header)."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))
