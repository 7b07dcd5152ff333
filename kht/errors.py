"""Domain errors raised by services; the web layer maps each to one HTTP status."""

from __future__ import annotations

from typing import Any


class KhtError(Exception):
    """Base for errors a user can act on: always carries a message, never a traceback.

    A subclass names its HTTP status and error code in its bases:
    `class TooLarge(KhtError, status=413, code="too_large")`; without them it keeps its
    parent's.
    """

    status = 400
    code = "bad_request"

    def __init_subclass__(
        cls, *, status: int | None = None, code: str | None = None, **more: Any
    ) -> None:
        super().__init_subclass__(**more)
        if status is not None:
            cls.status = status
        if code is not None:
            cls.code = code

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(KhtError, status=422, code="validation_error"):
    """Input is invalid; `field` names the offending field."""


class NotFound(KhtError, status=404, code="not_found"):
    """The record does not exist, is deleted, or lies outside the caller's scope."""


class Forbidden(KhtError, status=403, code="forbidden"):
    """The caller may see the record but not perform this operation."""


class NotAuthenticated(KhtError, status=401, code="not_authenticated"):
    """No valid credentials were given."""


class Conflict(KhtError, status=409, code="conflict"):
    """A stale version or a uniqueness clash: the caller must reload and retry."""


class UnsupportedMediaType(KhtError, status=415, code="unsupported_media_type"):
    """The body is not of a media type the operation reads (text/plain sent to a JSON API)."""


class TooManyRequests(KhtError, status=429, code="too_many_requests"):
    """Too many tries from one account or address within a while: wait, then try again."""


class PluginError(KhtError, code="plugin_error"):
    """A plugin cannot be enabled, disabled or loaded."""


class ActionFailed(KhtError):
    """Raised by an automation action (`AutomationAction.run`) that trying again cannot help
    (a record without an email address or mobile number): the run ends `failed` at once,
    without retries, with this message (worded in the reader's language)."""
